"""Where the app keeps user data and finds its bundled resources (Qt-free)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR_NAME = "tradeoff-studio"


def user_data_dir() -> Path:
    """The per-user data folder: XDG on Linux, Application Support on macOS, APPDATA on Windows."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / APP_DIR_NAME


def user_config_dir() -> Path:
    """The per-user settings folder: XDG_CONFIG_HOME on Linux, the data folder elsewhere."""
    if sys.platform in {"win32", "darwin"}:
        return user_data_dir()
    return Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / APP_DIR_NAME


def repository_root() -> Path:
    """The source checkout this package runs from (``app/`` is the source root)."""
    return Path(__file__).resolve().parents[3]


def resources_dir() -> Path:
    """Bundled resources: demo datasets, icons, report assets."""
    return repository_root() / "resources"


def models_dir() -> Path:
    """The bundled sample ONNX models."""
    return repository_root() / "models"
