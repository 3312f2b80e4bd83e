"""UI fixtures: the demo project and a window on it; every test must leave no job thread behind (rule 5)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tradeoff_studio.core.demo import ensure_demo_project
from tradeoff_studio.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def no_dangling_threads() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    leftover = [
        t for t in threading.enumerate() if t not in before and t.is_alive() and t.name == "studio-job"
    ]
    assert leftover == [], f"job threads still running after the test: {leftover}"


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project, built once for the session in a private data folder (about 10 s)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("demo-xdg")))
        return ensure_demo_project()


@pytest.fixture
def demo_window(qtbot: QtBot, demo_file: Path, tmp_path: Path) -> Iterator[MainWindow]:
    """The real main window, shown at 1400×900, on a fresh copy of the demo project."""
    path = tmp_path / "demo.tsproj"
    shutil.copy(demo_file, path)
    shown = MainWindow()
    qtbot.addWidget(shown)
    shown.open_project(path)
    shown.resize(1400, 900)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    shown.close()
