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


def user_log_dir() -> Path:
    """The platform's per-user log folder: XDG_STATE_HOME on Linux (``~/.local/state``),
    ``~/Library/Logs`` on macOS, LOCALAPPDATA on Windows. Crash reports go there."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
        return base / APP_DIR_NAME / "Logs"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Logs" / APP_DIR_NAME
    return Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local" / "state")) / APP_DIR_NAME / "log"


def repository_root() -> Path:
    """The source checkout this package runs from (``app/`` is the source root)."""
    return Path(__file__).resolve().parents[3]


def package_dir() -> Path:
    """The ``tradeoff_studio`` package folder (in site-packages, the source tree or a frozen bundle)."""
    return Path(__file__).resolve().parents[1]


def _bundled(name: str) -> Path:
    """The top-level ``name`` folder: package data when installed (a wheel maps ``resources/`` and
    ``models/`` into the package, see setup.py; a PyInstaller bundle puts them in the same place),
    else the source checkout's folder."""
    installed = package_dir() / name
    return installed if installed.is_dir() else repository_root() / name


def resources_dir() -> Path:
    """Bundled resources: demo datasets, icons, styles, fonts, report assets."""
    return _bundled("resources")


def models_dir() -> Path:
    """The bundled sample ONNX models."""
    return _bundled("models")
