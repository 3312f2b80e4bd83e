"""Cancelling a running DuckDB statement: it stops mid-query and surfaces as CancelledError."""

from __future__ import annotations

import threading
import time

import duckdb
import pytest

from tradeoff_studio.core.dbjobs import execute_long, interruptible
from tradeoff_studio.core.errors import CancelledError
from tradeoff_studio.core.jobs import CancelToken

LONG_QUERY = "SELECT sum(hash(i)) FROM range(100000000000) t(i)"  # minutes if not interrupted


def cancel_soon(token: CancelToken) -> threading.Timer:
    timer = threading.Timer(0.3, token.cancel)
    timer.start()
    return timer


def test_interruptible_stops_a_running_query() -> None:
    con = duckdb.connect()
    token = CancelToken()
    cancel_soon(token)
    started = time.perf_counter()
    with pytest.raises(CancelledError), interruptible(con, token):
        con.execute(LONG_QUERY).fetchall()
    assert time.perf_counter() - started < 10
    assert con.execute("SELECT 42").fetchone() == (42,)  # the connection stays usable


def test_execute_long_stops_when_cancelled() -> None:
    con = duckdb.connect()
    token = CancelToken()
    reports: list[float] = []
    cancel_soon(token)
    with pytest.raises(CancelledError):
        execute_long(con, LONG_QUERY, [], progress=lambda f, _m: reports.append(f), cancel=token, message="x")
    assert all(0.0 <= fraction <= 1.0 for fraction in reports)


def test_execute_long_reports_duckdb_progress() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT i FROM range(100000) r(i)")  # range() alone reports only 0%
    token = CancelToken()
    reports: list[float] = []

    def progress(fraction: float, _message: str) -> None:
        reports.append(fraction)
        if fraction > 0:
            token.cancel()  # seen it move: stop the (minutes-long) cross join

    timer = threading.Timer(30, token.cancel)  # a safety net, should progress never be reported
    timer.start()
    with pytest.raises(CancelledError):
        execute_long(con, "SELECT sum(hash(a.i * b.i)) FROM t a, t b", [], progress=progress,
                     cancel=token, message="x")  # fmt: skip
    timer.cancel()
    assert reports and 0.0 < max(reports) <= 1.0


def test_a_cancel_that_lands_between_statements_still_raises() -> None:
    con = duckdb.connect()
    token = CancelToken()
    with pytest.raises(CancelledError), interruptible(con, token):
        token.cancel()  # no statement is running: DuckDB's interrupt() has nothing to stop
        con.execute("SELECT 42").fetchall()


def test_a_token_cancelled_before_the_query_never_runs_it() -> None:
    con = duckdb.connect()
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError), interruptible(con, token):
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    assert con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 't'"
    ).fetchone() == (0,)
