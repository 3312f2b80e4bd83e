"""The desktop app's preferences: a small versioned JSON file in the user's config folder (Qt-free).

Recent projects, the execution provider to score with, the theme and the number of jobs that
may run at once. The file carries ``schema_version`` with tested migrations (house rule 6). A
missing, unreadable or damaged file gives the defaults (preferences never stop the app from
starting); a file written by a newer app is read for what this one knows but never overwritten.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from .paths import user_config_dir

MAX_RECENT = 10
PROVIDERS = ("auto", "cuda", "cpu")
THEMES = ("system", "light", "dark")
FILE_NAME = "preferences.json"


def _v0_to_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Before versioning the file held only ``recent`` (a list of paths)."""
    recent = data.get("recent", [])
    return {"recent_projects": recent if isinstance(recent, list) else []}


MIGRATIONS: list[Callable[[dict[str, Any]], dict[str, Any]]] = [_v0_to_v1]


def current_version() -> int:
    """The preferences schema version this app writes."""
    return len(MIGRATIONS)


@dataclass(frozen=True)
class Preferences:
    """What the app remembers between sessions."""

    recent_projects: tuple[str, ...] = ()
    provider: str = "auto"
    theme: str = "system"
    max_parallel_jobs: int = 3
    newer_file: bool = field(default=False, compare=False)  # read from a newer app: do not overwrite

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, with its ``schema_version``."""
        data = asdict(self)
        del data["newer_file"]
        data["recent_projects"] = list(self.recent_projects)
        return {"schema_version": current_version(), **data}


def preferences_path() -> Path:
    """Where the preferences file lives."""
    return user_config_dir() / FILE_NAME


def load_preferences(path: Path | None = None) -> Preferences:
    """The stored preferences, migrated to this version; the defaults when there are none."""
    target = path or preferences_path()
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Preferences()
    if not isinstance(data, dict):
        return Preferences()
    version = data.get("schema_version", 0)
    if not isinstance(version, int) or version < 0:
        return Preferences()
    for migration in MIGRATIONS[version:]:
        data = migration(data)
    return _from_dict(data, newer=version > current_version())


def _from_dict(data: dict[str, Any], *, newer: bool) -> Preferences:
    """Known fields only, each checked; a bad value falls back to its default."""
    defaults = Preferences()
    recent = data.get("recent_projects", [])
    paths = (
        tuple(str(item) for item in recent if isinstance(item, str))[:MAX_RECENT]
        if isinstance(recent, list)
        else ()
    )
    provider = data.get("provider")
    theme = data.get("theme")
    jobs = data.get("max_parallel_jobs")
    return Preferences(
        recent_projects=paths,
        provider=provider if provider in PROVIDERS else defaults.provider,
        theme=theme if theme in THEMES else defaults.theme,
        max_parallel_jobs=jobs if isinstance(jobs, int) and 1 <= jobs <= 16 else defaults.max_parallel_jobs,
        newer_file=newer,
    )


def save_preferences(preferences: Preferences, path: Path | None = None) -> bool:
    """Write the preferences atomically; False (nothing written) when the file is from a newer app
    or cannot be written (the app goes on with what it has in memory)."""
    if preferences.newer_file:
        return False
    target = path or preferences_path()
    staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging.write_text(json.dumps(preferences.to_dict(), indent=2), encoding="utf-8")
        os.replace(staging, target)
    except OSError:
        staging.unlink(missing_ok=True)
        return False
    return True


def with_recent(preferences: Preferences, project: Path) -> Preferences:
    """``project`` first among the recent projects (once), at most :data:`MAX_RECENT` of them."""
    text = str(Path(project).absolute())
    rest = [item for item in preferences.recent_projects if item != text]
    return replace(preferences, recent_projects=tuple([text, *rest][:MAX_RECENT]))
