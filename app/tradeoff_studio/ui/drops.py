"""What a drop of files on the window means: a project to open, models to add, data to import."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PROJECT_SUFFIX = ".tsproj"
MODEL_SUFFIX = ".onnx"


@dataclass(frozen=True)
class DropPlan:
    """Dropped paths sorted by what happens to them, each list in the order dropped."""

    projects: list[Path]
    models: list[Path]
    data: list[Path]  # files and folders; the importer says clearly which ones it cannot read


def plan_drop(paths: list[Path]) -> DropPlan:
    """``.tsproj`` files open, ``.onnx`` files become models, everything else is imported as a table."""
    projects = [path for path in paths if path.suffix.lower() == PROJECT_SUFFIX and not path.is_dir()]
    models = [path for path in paths if path.suffix.lower() == MODEL_SUFFIX and not path.is_dir()]
    data = [path for path in paths if path not in projects and path not in models]
    return DropPlan(projects, models, data)
