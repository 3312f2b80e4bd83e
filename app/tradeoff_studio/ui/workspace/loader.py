"""Background reads for the workspace: one job per slot, a new job cancels the stale one.

Each job runs ``work(project_view, cancel)`` on its own thread (named ``studio-job``, so the tests'
dangling-thread check sees it) against a DuckDB cursor of the open project, never the window's
connection itself (a DuckDB connection is not to be shared between threads). Results come back
through a queued signal on the main thread (house rule 4) with the slot and a job number; a
result whose job is no longer the slot's latest is dropped. :meth:`cancel_and_wait` (on close)
cancels every job and joins its thread (house rule 5).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from ...core.jobs import CancelToken
from ...core.project import ALIAS, Project

Read = Callable[[Project, CancelToken], Any]


class Loader(QObject):
    """Runs reads off the UI thread; ``done(slot, result)`` / ``failed(slot, error)`` for the latest only."""

    done = Signal(str, object)
    failed = Signal(str, object)
    _finished = Signal(str, int, bool, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._latest: dict[str, int] = {}
        self._tokens: dict[str, CancelToken] = {}
        self._threads: list[threading.Thread] = []
        self._counter = 0
        self._finished.connect(self._deliver)

    def submit(self, slot: str, project: Project, work: Read) -> None:
        """Run ``work`` on a cursor of ``project`` for ``slot``, cancelling the slot's previous job."""
        self._start(slot, lambda token: _on_cursor(project, work, token))

    def compute(self, slot: str, work: Callable[[CancelToken], Any]) -> None:
        """Run a computation that reads no project (e.g. the inspector's evidence at a million
        candidates) for ``slot``, cancelling the slot's previous job."""
        self._start(slot, work)

    def busy(self, slot: str) -> bool:
        """Whether ``slot`` has a job whose result has not been delivered yet."""
        return slot in self._latest

    def _start(self, slot: str, run: Callable[[CancelToken], Any]) -> None:
        self.cancel(slot)
        self._counter += 1
        job, token = self._counter, CancelToken()
        self._latest[slot] = job
        self._tokens[slot] = token
        self._threads = [thread for thread in self._threads if thread.is_alive()]
        thread = threading.Thread(target=self._run, args=(slot, job, run, token), name="studio-job",
                                  daemon=True)  # fmt: skip
        self._threads.append(thread)
        thread.start()

    def _run(self, slot: str, job: int, run: Callable[[CancelToken], Any], token: CancelToken) -> None:
        try:
            result = run(token)
            token.raise_if_cancelled()
        except Exception as error:  # delivered to the UI, which shows it
            self._finished.emit(slot, job, False, error)
        else:
            self._finished.emit(slot, job, True, result)

    def _deliver(self, slot: str, job: int, ok: bool, payload: object) -> None:
        if self._latest.get(slot) != job:
            return  # a stale job: a newer one replaced it, or the slot was cancelled
        del self._latest[slot]
        self._tokens.pop(slot, None)
        (self.done if ok else self.failed).emit(slot, payload)

    def cancel(self, slot: str) -> None:
        """Cancel ``slot``'s job, if any; its result will not be delivered."""
        token = self._tokens.pop(slot, None)
        self._latest.pop(slot, None)
        if token is not None:
            token.cancel()

    def cancel_and_wait(self) -> None:
        """Cancel every job and join every thread (on close)."""
        for slot in list(self._tokens):
            self.cancel(slot)
        for thread in self._threads:
            thread.join()
        self._threads = []


def _on_cursor(project: Project, work: Read, token: CancelToken) -> Any:
    """``work`` on a cursor of ``project`` that Cancel interrupts (the cursor is closed afterwards)."""
    cursor = project.con.cursor()
    try:
        cursor.execute(f"USE {ALIAS}")  # a cursor starts on the in-memory database
        remove = token.on_cancel(cursor.interrupt)
        try:
            return work(Project(project.path, cursor, project.key), token)
        finally:
            remove()
    finally:
        cursor.close()
