"""A pool of background jobs with ids, titles, progress polled at the frame rate, and Cancel.

Each job is ``work(progress, cancel)`` on a worker thread named ``studio-job``. Several jobs run
at once where that is safe: at most one *heavy* job (a DuckDB writer) at a time, the others
queued behind it; an *exclusive* job (encryption, which closes the project) runs alone. Workers
never emit a signal per progress tick: they store the latest ``(fraction, message)`` on their
:class:`Job`, and a 30 Hz timer on the main thread reads it (house rule 4). Results and errors
reach the main thread through one queued signal per job. A job submitted with a ``key`` cancels
the running or queued job with the same key first, and a cancelled job's result is dropped.
The window owns the pool and joins every thread on close (house rule 5).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from ..core.errors import CancelledError
from ..core.jobs import CancelToken, Progress

Work = Callable[[Progress, CancelToken], Any]
Done = Callable[[Any], None]
Failed = Callable[[Exception], None]
POLL_MS = 33  # ~30 Hz: progress is shown at the frame rate, never once per tick
THREAD_NAME = "studio-job"
_ids = itertools.count(1)


@dataclass(eq=False)
class Job:
    """One submitted job; its progress fields are written by the worker and read by the poll."""

    title: str
    work: Work
    key: str | None = None
    heavy: bool = True
    exclusive: bool = False
    on_done: Done | None = None
    on_error: Failed | None = None
    id: int = field(default_factory=lambda: next(_ids))
    token: CancelToken = field(default_factory=CancelToken)
    state: str = "queued"  # queued, running, done, failed, cancelled
    progress: tuple[float, str] = (0.0, "Waiting…")
    started_at: float | None = None
    finished_at: float | None = None
    outcome: Any = None
    thread: threading.Thread | None = None

    def report(self, fraction: float, message: str) -> None:
        """The ``progress`` callback the work receives (any thread; one tuple assignment)."""
        self.progress = (min(max(fraction, 0.0), 1.0), message)

    def elapsed(self, now: float | None = None) -> float:
        """Seconds since the job started (0 while queued), frozen once it finished."""
        if self.started_at is None:
            return 0.0
        end = self.finished_at if self.finished_at is not None else (now or time.monotonic())
        return end - self.started_at

    @property
    def active(self) -> bool:
        """Queued or running."""
        return self.state in ("queued", "running")


class JobPool(QObject):
    """Runs jobs on owned worker threads; every signal is delivered on the main thread."""

    added = Signal(object)  # Job
    started = Signal(object)  # Job
    polled = Signal()  # the 30 Hz tick while jobs are active: read Job.progress now
    finished = Signal(object)  # Job, after its on_done / on_error ran (state done/failed/cancelled)
    succeeded = Signal(object)  # the result of any job that succeeded
    failed = Signal(object)  # the exception of any job that failed or was cancelled
    _returned = Signal(object)  # worker → main thread

    def __init__(self, parent: QObject | None = None, *, max_running: int = 3) -> None:
        super().__init__(parent)
        self.max_running = max_running
        self.jobs: list[Job] = []  # every job of this session, in submission order
        self._closed = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.polled.emit)
        self._returned.connect(self._on_returned)

    @property
    def busy(self) -> bool:
        """Whether any job is queued or running."""
        return any(job.active for job in self.jobs)

    def active_jobs(self) -> list[Job]:
        """Queued and running jobs, in submission order."""
        return [job for job in self.jobs if job.active]

    def submit(self, title: str, work: Work, **options: Any) -> Job:
        """Queue ``work(progress, cancel)`` under ``title``; it starts as soon as it is safe.

        Options: ``key`` (a job with the same key is cancelled first), ``heavy`` (default True:
        a DuckDB writer, one at a time), ``exclusive`` (runs alone), ``on_done(result)`` and
        ``on_error(error)`` (called on the main thread; not at all for a superseded job).
        """
        if self._closed:
            raise RuntimeError("the job pool is closed")
        job = Job(title, work, **options)
        if job.key is not None:
            for old in self.active_jobs():
                if old.key == job.key:
                    self.cancel(old.id)
        self.jobs.append(job)
        self.added.emit(job)
        self._schedule()
        self._timer.start()
        return job

    def cancel(self, job_id: int) -> None:
        """Cancel job ``job_id``: a queued one never starts, a running one stops at its next check."""
        for job in self.jobs:
            if job.id == job_id and job.active:
                job.token.cancel()
                if job.state == "queued":
                    self._finish(job, "cancelled", CancelledError("Cancelled before it started."))

    def cancel_all(self) -> None:
        """Cancel every queued and running job."""
        for job in self.active_jobs():
            self.cancel(job.id)

    def cancel_and_wait(self) -> None:
        """Cancel every job and join every worker thread (on close); their results are dropped."""
        self._closed = True
        self.cancel_all()
        for job in self.jobs:
            if job.thread is not None:
                job.thread.join()
        self._timer.stop()

    def reopen(self) -> None:
        """Accept jobs again after :meth:`cancel_and_wait` (the window closed a project, not itself)."""
        self._closed = False

    def _schedule(self) -> None:
        """Start queued jobs while the limits allow: one heavy at a time, exclusive alone."""
        running = [job for job in self.jobs if job.state == "running"]
        for job in [job for job in self.jobs if job.state == "queued"]:
            if any(other.exclusive for other in running) or len(running) >= self.max_running:
                return
            if job.exclusive and running:
                return
            if job.heavy and any(other.heavy for other in running):
                continue
            self._start(job)
            running.append(job)

    def _start(self, job: Job) -> None:
        job.state = "running"
        job.started_at = time.monotonic()
        job.thread = threading.Thread(target=self._run, args=(job,), name=THREAD_NAME)
        job.thread.start()
        self.started.emit(job)

    def _run(self, job: Job) -> None:
        try:
            job.outcome = ("ok", job.work(job.report, job.token))
        except Exception as error:  # delivered to the main thread, which shows it
            job.outcome = ("error", error)
        self._returned.emit(job)

    def _on_returned(self, job: Job) -> None:
        if job.thread is not None:
            job.thread.join()
        if self._closed or not job.active:  # the window closed, or cancelled while queued
            return
        kind, value = job.outcome
        if job.token.cancelled and kind == "ok":
            kind, value = "error", CancelledError()  # stale: a cancelled job's result is dropped
        state = "done" if kind == "ok" else ("cancelled" if isinstance(value, CancelledError) else "failed")
        self._finish(job, state, value)
        self._schedule()

    def _finish(self, job: Job, state: str, value: Any) -> None:
        job.state = state
        job.finished_at = time.monotonic()
        if state == "done":
            job.report(1.0, "Finished")
        superseded = job.key is not None and any(  # a newer job with the same key took its place
            other.key == job.key and other.id > job.id for other in self.jobs
        )
        if not superseded and not self._closed:
            callback = job.on_done if state == "done" else job.on_error
            if callback is not None:
                callback(value)
            (self.succeeded if state == "done" else self.failed).emit(value)
        self.finished.emit(job)
        if not self.busy:
            self._timer.stop()
            self.polled.emit()
