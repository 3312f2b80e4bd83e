"""A worker thread with its own DuckDB cursor, for the data view (house rules 3–5).

A :class:`Lane` runs tasks one at a time, newest first or in order. A task receives the lane's
cursor, a :class:`CancelToken` and ``post(callback, value)``, which calls ``callback(value)`` on the
main thread (a queued Qt signal), so widgets are touched there only. Submitting a task in a *slot*
cancels the slot's queued and running task (a new sort supersedes the old one; a new column's
statistics supersede the last). :meth:`Lane.stop` cancels everything, interrupts the cursor, joins
the thread and closes the cursor; nothing is posted after it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb
from PySide6.QtCore import QObject, Signal

from ..core.jobs import CancelToken

Post = Callable[[Callable[[Any], None], Any], None]
Task = Callable[[duckdb.DuckDBPyConnection, CancelToken, Post], None]
INTERRUPT_EVERY_S = 0.05
THREAD_NAME = "studio-job"  # the UI tests fail on any such thread left running


@dataclass
class _Entry:
    task: Task
    slot: str | None
    on_error: Callable[[BaseException], None] | None
    cancel: CancelToken = field(default_factory=CancelToken)


class Lane(QObject):
    """One worker thread over one cursor of the project's connection."""

    _posted = Signal(object, object)

    def __init__(self, con: duckdb.DuckDBPyConnection, *, newest_first: bool, parent: QObject | None = None):
        super().__init__(parent)
        self._cursor = con.cursor()
        self._newest_first = newest_first
        self._condition = threading.Condition()
        self._queue: list[_Entry] = []
        self._running: _Entry | None = None
        self._stopping = False
        self._closed = False
        self._posted.connect(self._deliver)
        self._thread = threading.Thread(target=self._loop, name=THREAD_NAME)
        self._thread.start()

    def submit(
        self, task: Task, *, slot: str | None = None, on_error: Callable[[BaseException], None] | None = None
    ) -> CancelToken:
        """Queue ``task``; a task already queued or running in ``slot`` is cancelled first."""
        entry = _Entry(task, slot, on_error)
        with self._condition:
            if self._stopping:
                entry.cancel.cancel()
                return entry.cancel
            if slot is not None:
                self._cancel_slot_locked(slot)
            self._queue.append(entry)
            self._condition.notify()
        return entry.cancel

    def cancel_slot(self, slot: str) -> None:
        """Cancel the queued and running task of ``slot``."""
        with self._condition:
            self._cancel_slot_locked(slot)

    def _cancel_slot_locked(self, slot: str) -> None:
        for queued in [entry for entry in self._queue if entry.slot == slot]:
            queued.cancel.cancel()
            self._queue.remove(queued)
        if self._running is not None and self._running.slot == slot:
            self._running.cancel.cancel()

    def busy(self, slot: str) -> bool:
        """Whether a task of ``slot`` is queued or running."""
        with self._condition:
            running = self._running is not None and self._running.slot == slot
            return running or any(entry.slot == slot for entry in self._queue)

    def stop(self) -> None:
        """Cancel everything, interrupt the cursor, join the thread and close the cursor (once)."""
        with self._condition:
            if self._stopping:
                return
            self._stopping = True
            for entry in self._queue:
                entry.cancel.cancel()
            self._queue.clear()
            if self._running is not None:
                self._running.cancel.cancel()
            self._condition.notify_all()
        self._closed = True
        while self._thread.is_alive():  # an interrupt sent just before a statement starts is lost: repeat
            self._cursor.interrupt()
            self._thread.join(INTERRUPT_EVERY_S)
        self._cursor.close()

    def _loop(self) -> None:
        while True:
            with self._condition:
                while not self._queue and not self._stopping:
                    self._condition.wait()
                if self._stopping:
                    return
                entry = self._queue.pop() if self._newest_first else self._queue.pop(0)
                self._running = entry
            self._run(entry)
            with self._condition:
                self._running = None

    def _run(self, entry: _Entry) -> None:
        def post(callback: Callable[[Any], None], value: Any) -> None:
            if not entry.cancel.cancelled:
                self._posted.emit(callback, value)

        try:
            entry.task(self._cursor, entry.cancel, post)
        except Exception as error:  # handed to the main thread, which shows it
            if entry.on_error is not None and not entry.cancel.cancelled:
                self._posted.emit(entry.on_error, error)

    def _deliver(self, callback: Callable[[Any], None], value: Any) -> None:
        if not self._closed:
            callback(value)
