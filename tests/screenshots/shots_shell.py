"""Screenshots of the shell (``make screenshots`` runs :func:`take`): the welcome page, the jobs dock
during long jobs, the About box."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tradeoff_studio.core.jobs import CancelToken, Progress
from tradeoff_studio.ui.about import AboutDialog
from tradeoff_studio.ui.main_window import MainWindow


def take(window: MainWindow, out: Path) -> list[Path]:
    """Grab the three views; the window is left as it was found (same project, same page)."""
    return [_welcome(window, out / "shell_welcome.png"), _jobs(window, out / "shell_jobs_dock.png"),
            _about(window, out / "shell_about.png")]  # fmt: skip


def _welcome(window: MainWindow, path: Path) -> Path:
    """A second window with no project open: what a first launch shows."""
    fresh = MainWindow()
    fresh.resize(window.size())
    fresh.show()
    QTest.qWaitForWindowExposed(fresh)
    QTest.qWait(300)
    fresh.grab().save(str(path))
    fresh.close()
    return path


class _Held:
    """A job body that reports ``fraction`` and waits until cancelled."""

    def __init__(self, fraction: float, message: str) -> None:
        self.fraction, self.message = fraction, message
        self.started = threading.Event()

    def __call__(self, progress: Progress, cancel: CancelToken) -> None:
        progress(self.fraction, self.message)
        self.started.set()
        while not cancel.cancelled:
            threading.Event().wait(0.02)
        cancel.raise_if_cancelled()


def _jobs(window: MainWindow, path: Path) -> Path:
    done = window.jobs.submit("Import asset_returns.parquet", lambda progress, _cancel: progress(1.0, "done"))
    _wait_for(lambda: not done.active)
    scoring = _Held(0.62, "Scoring rows 620,000 of 1,000,000")
    jobs = [
        window.jobs.submit("Score credit_applications with credit_gbt", scoring),
        window.jobs.submit(
            "Column statistics of llm_eval_log", _Held(0.35, "Histogram of cost_usd"), heavy=False
        ),
        window.jobs.submit("Import transactions_2025.csv", _Held(0.0, "")),
    ]
    window.jobs_dock.show()
    window.resizeDocks([window.jobs_dock], [210], Qt.Orientation.Vertical)
    QTest.qWait(1200)  # the elapsed column moves, the 30 Hz poll has drawn the bars
    window.grab().save(str(path))
    for job in jobs:
        window.jobs.cancel(job.id)
    _wait_for(lambda: not window.jobs.busy)
    window.jobs_dock.clear_finished()
    window.jobs_dock.hide()
    return path


def _wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    """Let the event loop run until ``condition`` holds (PySide6 has no ``QTest.qWaitFor``)."""
    for _ in range(int(seconds * 20)):
        if condition():
            return
        QTest.qWait(50)
    raise TimeoutError("the screenshot's jobs did not finish")


def _about(window: MainWindow, path: Path) -> Path:
    dialog = AboutDialog(window)
    dialog.show()
    QTest.qWaitForWindowExposed(dialog)
    QTest.qWait(200)
    dialog.grab().save(str(path))
    dialog.close()
    return path
