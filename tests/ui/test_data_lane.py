"""The data view's worker lane: newest first, slots supersede, results on the main thread, joined on stop."""

from __future__ import annotations

import threading
from typing import Any

import duckdb
from pytestqt.qtbot import QtBot

from tradeoff_studio.core.jobs import CancelToken
from tradeoff_studio.core.project import Project
from tradeoff_studio.ui.data_lane import THREAD_NAME, Lane


def test_results_arrive_on_the_main_thread_newest_first(qtbot: QtBot, project: Project) -> None:
    gate = threading.Event()
    seen: list[tuple[str, bool]] = []
    lane = Lane(project.con, newest_first=True)

    def blocker(_cursor: duckdb.DuckDBPyConnection, _cancel: CancelToken, _post: Any) -> None:
        gate.wait(10)

    def task(name: str) -> Any:
        def run(cursor: duckdb.DuckDBPyConnection, _cancel: CancelToken, post: Any) -> None:
            value = cursor.execute("SELECT ?", [name]).fetchone()[0]
            post(lambda got: seen.append((got, threading.current_thread() is threading.main_thread())), value)

        return run

    try:
        lane.submit(blocker)
        for name in ("a", "b", "c"):
            lane.submit(task(name))
        gate.set()
        qtbot.waitUntil(lambda: len(seen) == 3, timeout=10_000)
    finally:
        lane.stop()
    assert seen == [("c", True), ("b", True), ("a", True)]


def test_a_slot_cancels_its_queued_and_running_task(qtbot: QtBot, project: Project) -> None:
    started, gate = threading.Event(), threading.Event()
    tokens: list[CancelToken] = []
    delivered: list[str] = []
    lane = Lane(project.con, newest_first=False)

    def first(_cursor: duckdb.DuckDBPyConnection, cancel: CancelToken, post: Any) -> None:
        tokens.append(cancel)
        started.set()
        gate.wait(10)
        post(delivered.append, "first")  # cancelled meanwhile: never delivered

    def second(_cursor: duckdb.DuckDBPyConnection, _cancel: CancelToken, post: Any) -> None:
        post(delivered.append, "second")

    try:
        lane.submit(first, slot="stats")
        assert started.wait(10)
        queued = lane.submit(second, slot="other")
        lane.submit(second, slot="stats")
        assert tokens[0].cancelled and not queued.cancelled
        gate.set()
        qtbot.waitUntil(lambda: len(delivered) == 2, timeout=10_000)
    finally:
        lane.stop()
    assert delivered == ["second", "second"]


def test_stop_interrupts_a_running_query_and_joins(project: Project) -> None:
    started = threading.Event()
    errors: list[BaseException] = []
    lane = Lane(project.con, newest_first=False)

    def long_query(cursor: duckdb.DuckDBPyConnection, _cancel: CancelToken, _post: Any) -> None:
        started.set()
        try:
            cursor.execute("SELECT count(*) FROM range(10000000000) a(x) WHERE x % 7 = 3").fetchall()
        except duckdb.InterruptException as error:
            errors.append(error)

    lane.submit(long_query)
    assert started.wait(10)
    lane.stop()
    assert not [thread for thread in threading.enumerate() if thread.name == THREAD_NAME]
    assert len(errors) == 1
    lane.stop()  # a second stop does nothing
    assert not lane.busy("any")
