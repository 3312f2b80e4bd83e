"""The workspace's loader: one job per slot, stale results dropped, Cancel interrupts DuckDB, joined."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from tradeoff_studio.core.jobs import CancelToken
from tradeoff_studio.core.project import Project
from tradeoff_studio.ui.workspace.loader import Loader

SLOW_SQL = "SELECT count(*) FROM range(3000000000) a WHERE a.range % 7 = 3"  # tens of seconds uninterrupted


def test_reads_run_on_their_own_cursor_off_the_ui_thread(qtbot: QtBot, project: Project) -> None:
    loader = Loader()
    seen: list[tuple[str, object]] = []
    loader.done.connect(lambda slot, result: seen.append((slot, result)))
    main = threading.get_ident()

    def read(view: Project, _cancel: CancelToken) -> tuple[bool, str, int]:
        row = view.con.execute("SELECT value FROM _ts.meta WHERE key = 'project_id'").fetchone()
        return view.con is not project.con, str(row[0]), threading.get_ident()

    loader.submit("analysis", project, read)
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    ((slot, (own_cursor, project_id, thread)),) = seen  # type: ignore[misc]
    assert slot == "analysis" and own_cursor and project_id == project.project_id and thread != main
    loader.cancel_and_wait()


def test_a_new_job_cancels_the_stale_one_whose_result_never_arrives(qtbot: QtBot, project: Project) -> None:
    loader = Loader()
    done: list[object] = []
    failed: list[object] = []
    loader.done.connect(lambda _slot, result: done.append(result))
    loader.failed.connect(lambda _slot, error: failed.append(error))
    started = threading.Event()
    outcome: list[BaseException] = []

    def slow(view: Project, _cancel: CancelToken) -> str:
        started.set()
        try:
            view.con.execute(SLOW_SQL).fetchone()
        except BaseException as error:  # what Cancel did to the statement
            outcome.append(error)
            raise
        return "slow"

    loader.submit("analysis", project, slow)
    assert started.wait(10)
    qtbot.wait(1000)  # the statement is running (DuckDB ignores an interrupt that comes before it starts)
    loader.submit("analysis", project, lambda _view, _cancel: "fresh")
    qtbot.waitUntil(lambda: bool(done), timeout=20_000)
    loader.cancel_and_wait()  # joins the interrupted thread too
    assert done == ["fresh"] and failed == []  # the stale job's failure is not delivered either
    assert outcome and "interrupt" in type(outcome[0]).__name__.lower()
    assert not loader.busy("analysis")


def test_computations_and_their_errors_come_back_per_slot(qtbot: QtBot) -> None:
    loader = Loader()
    failed: list[tuple[str, object]] = []
    done: list[tuple[str, object]] = []
    loader.failed.connect(lambda slot, error: failed.append((slot, error)))
    loader.done.connect(lambda slot, result: done.append((slot, result)))

    def broken(_cancel: CancelToken) -> None:
        raise ValueError("no such column")

    loader.compute("inspect", broken)
    loader.compute("details", lambda _cancel: 42)
    qtbot.waitUntil(lambda: bool(failed) and bool(done), timeout=10_000)
    assert done == [("details", 42)]
    assert failed[0][0] == "inspect" and str(failed[0][1]) == "no such column"
    release = threading.Event()
    tokens: list[CancelToken] = []

    def waits(token: CancelToken) -> str:
        tokens.append(token)
        release.wait(10)
        return "too late"

    loader.compute("inspect", waits)
    qtbot.waitUntil(lambda: bool(tokens), timeout=10_000)
    loader.cancel("inspect")  # e.g. another candidate selected meanwhile
    assert tokens[0].cancelled
    release.set()
    loader.cancel_and_wait()
    qtbot.wait(50)
    assert done == [("details", 42)] and len(failed) == 1  # neither its result nor a CancelledError
