"""The app's preferences file: defaults, round trip, recent projects, migration, damage, newer files."""

from __future__ import annotations

import json
from pathlib import Path

from tradeoff_studio.core import preferences as prefs
from tradeoff_studio.core.paths import user_config_dir


def test_defaults_round_trip_and_recent_order(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    assert prefs.load_preferences(path) == prefs.Preferences()
    chosen = prefs.Preferences(provider="cpu", theme="dark", max_parallel_jobs=2)
    for name in ("a", "b", "a"):
        chosen = prefs.with_recent(chosen, tmp_path / f"{name}.tsproj")
    assert chosen.recent_projects == (str(tmp_path / "a.tsproj"), str(tmp_path / "b.tsproj"))
    assert prefs.save_preferences(chosen, path)
    assert prefs.load_preferences(path) == chosen
    assert json.loads(path.read_text())["schema_version"] == prefs.current_version()


def test_recent_projects_are_capped(tmp_path: Path) -> None:
    chosen = prefs.Preferences()
    for index in range(prefs.MAX_RECENT + 5):
        chosen = prefs.with_recent(chosen, tmp_path / f"{index}.tsproj")
    assert len(chosen.recent_projects) == prefs.MAX_RECENT
    assert chosen.recent_projects[0] == str(tmp_path / f"{prefs.MAX_RECENT + 4}.tsproj")


def test_unversioned_file_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"recent": ["/x/a.tsproj", 3, "/x/b.tsproj"]}))
    loaded = prefs.load_preferences(path)
    assert loaded.recent_projects == ("/x/a.tsproj", "/x/b.tsproj") and loaded.provider == "auto"


def test_damaged_file_and_bad_values_give_defaults(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text("{not json")
    assert prefs.load_preferences(path) == prefs.Preferences()
    data = {"schema_version": prefs.current_version(), "provider": "tpu", "theme": 3, "max_parallel_jobs": 99}
    path.write_text(json.dumps(data))
    assert prefs.load_preferences(path) == prefs.Preferences()


def test_a_newer_file_is_read_but_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    data = {"schema_version": prefs.current_version() + 1, "provider": "cpu", "future": True}
    path.write_text(json.dumps(data))
    loaded = prefs.load_preferences(path)
    assert loaded.provider == "cpu" and loaded.newer_file
    assert not prefs.save_preferences(prefs.with_recent(loaded, tmp_path / "a.tsproj"), path)
    assert json.loads(path.read_text()) == data


def test_default_location_is_the_user_config_folder() -> None:
    assert prefs.preferences_path() == user_config_dir() / "preferences.json"
    assert prefs.save_preferences(prefs.Preferences(theme="light"))
    assert prefs.load_preferences().theme == "light"
