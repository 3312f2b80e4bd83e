"""The demo project (five analyses, each with a decision), built once per test session and copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tradeoff_studio.core.demo import ensure_demo_project

_BUILT: list[Path] = []


def built_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project's file, built on the first call of the session (about 25 s), never to be modified."""
    if not _BUILT:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("demo-xdg")))
            _BUILT.append(ensure_demo_project())
    return _BUILT[0]


def demo_copy(tmp_path_factory: pytest.TempPathFactory, target: Path) -> Path:
    """A fresh copy of the demo project at ``target`` (a test may change it freely)."""
    shutil.copy(built_demo(tmp_path_factory), target)
    return target
