"""The job pool and the jobs dock: Cancel per job, one writer at a time, keyed jobs, polled progress."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tradeoff_studio.core.errors import CancelledError
from tradeoff_studio.core.jobs import CancelToken, Progress
from tradeoff_studio.ui.jobs import JobPool
from tradeoff_studio.ui.jobs_dock import JobsDock


class Gate:
    """A job body that reports progress, then waits until released or cancelled."""

    def __init__(self, result: object = "done", *, checks_cancel: bool = True) -> None:
        self.checks_cancel = checks_cancel
        self.started = threading.Event()
        self.ticked = threading.Event()
        self.release = threading.Event()
        self.result = result

    def __call__(self, progress: Progress, cancel: CancelToken) -> object:
        self.started.set()
        for step in range(1, 101):
            progress(step / 200, f"step {step}")  # a hundred ticks before the wait
        self.ticked.set()
        while not self.release.wait(0.01):
            if self.checks_cancel:
                cancel.raise_if_cancelled()
        return self.result  # a result the pool must drop when the job was cancelled


@pytest.fixture
def pool(qtbot: QtBot) -> Iterator[JobPool]:
    made = JobPool(max_running=3)
    yield made
    made.cancel_and_wait()


def test_cancel_in_the_jobs_dock(pool: JobPool, qtbot: QtBot) -> None:
    dock = JobsDock(pool)
    qtbot.addWidget(dock)
    dock.show()
    gate, errors = Gate(), []
    job = pool.submit("Long job", gate, on_error=errors.append)
    assert dock.objectName() == "jobsDock" and dock.row_texts(job.id)[0] == "Long job"
    qtbot.waitUntil(gate.started.is_set)
    qtbot.waitUntil(lambda: dock.row_texts(job.id)[1] == "50%")
    assert dock.row_texts(job.id)[2] == "step 100"
    qtbot.mouseClick(dock.cancel_buttons[job.id], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not job.active, timeout=10_000)
    assert job.state == "cancelled" and isinstance(errors[0], CancelledError)
    assert dock.row_texts(job.id)[1:3] == ("Cancelled", "Nothing was written")
    assert job.id not in dock.cancel_buttons
    dock.clear_finished()
    assert dock.rows == {}


def test_one_writer_at_a_time_readers_beside_it(pool: JobPool, qtbot: QtBot) -> None:
    first, second, reader = Gate(), Gate(), Gate()
    writer_1 = pool.submit("Writer 1", first)
    writer_2 = pool.submit("Writer 2", second)
    light = pool.submit("Reader", reader, heavy=False)
    qtbot.waitUntil(lambda: first.started.is_set() and reader.started.is_set())
    assert (writer_1.state, writer_2.state, light.state) == ("running", "queued", "running")
    assert writer_2.progress == (0.0, "Waiting…") and writer_2.elapsed() == 0.0
    first.release.set()
    qtbot.waitUntil(second.started.is_set, timeout=10_000)
    assert writer_1.state == "done" and writer_2.state == "running"
    pool.cancel(writer_2.id)
    reader.release.set()
    qtbot.waitUntil(lambda: not pool.busy, timeout=10_000)
    assert (writer_2.state, light.state) == ("cancelled", "done")


def test_an_exclusive_job_runs_alone(pool: JobPool, qtbot: QtBot) -> None:
    reader, exclusive, after = Gate(), Gate(), Gate()
    pool.submit("Reader", reader, heavy=False)
    alone = pool.submit("Encrypt", exclusive, exclusive=True)
    later = pool.submit("Later reader", after, heavy=False)
    qtbot.waitUntil(reader.started.is_set)
    assert (alone.state, later.state) == ("queued", "queued")
    reader.release.set()
    qtbot.waitUntil(exclusive.started.is_set, timeout=10_000)
    assert later.state == "queued"
    exclusive.release.set()
    qtbot.waitUntil(after.started.is_set, timeout=10_000)
    after.release.set()
    qtbot.waitUntil(lambda: not pool.busy, timeout=10_000)


def test_a_new_job_with_the_same_key_cancels_the_stale_one(pool: JobPool, qtbot: QtBot) -> None:
    stale, fresh = Gate("stale", checks_cancel=False), Gate("fresh")  # the stale one runs on regardless
    results: list[object] = []
    old = pool.submit("Load front", stale, key="front", heavy=False, on_done=results.append)
    qtbot.waitUntil(stale.started.is_set)
    new = pool.submit("Load front", fresh, key="front", heavy=False, on_done=results.append)
    assert old.token.cancelled
    fresh.release.set()
    qtbot.waitUntil(lambda: new.state == "done", timeout=10_000)
    assert old.state == "running" and results == ["fresh"]  # delivered though the stale one still runs
    stale.release.set()  # it finishes with a result: dropped, as it was cancelled
    qtbot.waitUntil(lambda: not pool.busy, timeout=10_000)
    assert results == ["fresh"] and old.state == "cancelled"


def test_a_failure_reaches_the_main_thread(pool: JobPool, qtbot: QtBot) -> None:
    def boom(_progress: Progress, _cancel: CancelToken) -> None:
        raise ValueError("broken on purpose")

    errors: list[Exception] = []
    threads: list[threading.Thread] = []

    def failed(error: Exception) -> None:
        errors.append(error)
        threads.append(threading.current_thread())

    job = pool.submit("Fails", boom, on_error=failed)
    qtbot.waitUntil(lambda: not job.active, timeout=10_000)
    assert job.state == "failed" and str(errors[0]) == "broken on purpose"
    assert threads == [threading.main_thread()]


def test_progress_is_polled_not_signalled_per_tick(pool: JobPool, qtbot: QtBot) -> None:
    polls: list[tuple[float, str]] = []
    gate = Gate()
    job = pool.submit("Ticks", gate)
    pool.polled.connect(lambda: polls.append(job.progress))
    assert gate.ticked.wait(10)  # the main thread handles no event meanwhile: a hundred ticks, no poll
    qtbot.waitUntil(lambda: bool(polls))
    assert polls[0] == (0.5, "step 100")  # the first poll already reads the latest tick, none queued
    gate.release.set()
    qtbot.waitUntil(lambda: not pool.busy, timeout=10_000)
    assert job.progress == (1.0, "Finished") and polls[-1] == (1.0, "Finished")


def test_closed_pool_refuses_new_jobs(pool: JobPool) -> None:
    pool.cancel_and_wait()
    with pytest.raises(RuntimeError, match="closed"):
        pool.submit("Too late", Gate())
    pool.reopen()
    gate = Gate()
    gate.release.set()
    assert pool.submit("Again", gate).state == "running"
