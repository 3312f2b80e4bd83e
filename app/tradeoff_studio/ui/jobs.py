"""Run one core job at a time off the main thread, with progress and cancellation.

Results come back through Qt signals, which Qt delivers on the main thread (house rule 4).
The window owns the runner and joins its thread on close (house rule 5).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from ..core.jobs import CancelToken, Progress

Work = Callable[[Progress, CancelToken], Any]


class JobRunner(QObject):
    """Runs one job; ``busy`` is true from :meth:`start` until ``succeeded`` or ``failed``."""

    progressed = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: threading.Thread | None = None
        self._cancel = CancelToken()

    @property
    def busy(self) -> bool:
        """Whether a job is running."""
        return self._thread is not None and self._thread.is_alive()

    def start(self, work: Work) -> None:
        """Start ``work(progress, cancel)``; refuses while another job runs."""
        if self.busy:
            raise RuntimeError("a job is already running")
        self._cancel = CancelToken()
        self._thread = threading.Thread(target=self._run, args=(work, self._cancel), name="studio-job")
        self._thread.start()

    def _run(self, work: Work, cancel: CancelToken) -> None:
        try:
            result = work(self.progressed.emit, cancel)
        except Exception as error:  # delivered to the UI, which shows it
            self.failed.emit(error)
        else:
            self.succeeded.emit(result)

    def cancel(self) -> None:
        """Ask the running job to stop; it rolls back and reports ``failed`` with CancelledError."""
        self._cancel.cancel()

    def cancel_and_wait(self) -> None:
        """Cancel and join the worker thread (on window close)."""
        self._cancel.cancel()
        if self._thread is not None:
            self._thread.join()
