"""DuckDB statements that Cancel interrupts, and one long statement with progress (house rule 3)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb

from .errors import CancelledError
from .jobs import CancelToken, Progress

POLL_SECONDS = 0.2


@contextmanager
def interruptible(con: duckdb.DuckDBPyConnection, cancel: CancelToken) -> Iterator[None]:
    """Run the block's DuckDB statements on ``con`` so that Cancel interrupts them.

    Raises :class:`CancelledError` at once when ``cancel`` has already fired, in place of
    DuckDB's ``InterruptException``, and after the block when ``cancel`` fired while no statement
    was running (DuckDB then ignores the interrupt); the interrupt hook is always removed afterwards.
    """
    cancel.raise_if_cancelled()
    remove_hook = cancel.on_cancel(con.interrupt)
    try:
        yield
        cancel.raise_if_cancelled()
    except duckdb.InterruptException:
        raise CancelledError() from None
    finally:
        remove_hook()


def execute_long(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: list[Any],
    *,
    progress: Progress,
    cancel: CancelToken,
    message: str,
) -> None:
    """Execute ``sql``; report DuckDB's query progress and interrupt it when ``cancel`` fires."""
    cancel.raise_if_cancelled()
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    finished = threading.Event()
    poller = threading.Thread(target=_poll, args=(con, finished, progress, message), daemon=True)
    poller.start()
    try:
        with interruptible(con, cancel):
            con.execute(sql, params)
    finally:
        finished.set()
        poller.join()
    cancel.raise_if_cancelled()


def _poll(
    con: duckdb.DuckDBPyConnection, finished: threading.Event, progress: Progress, message: str
) -> None:
    while not finished.wait(POLL_SECONDS):
        percent = con.query_progress()
        if percent >= 0:
            progress(percent / 100.0, message)
