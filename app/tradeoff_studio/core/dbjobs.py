"""Run one long DuckDB statement with progress reports and cancellation (house rule 3)."""

from __future__ import annotations

import threading
from typing import Any

import duckdb

from .errors import CancelledError
from .jobs import CancelToken, Progress

POLL_SECONDS = 0.2


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
    remove_hook = cancel.on_cancel(con.interrupt)
    poller.start()
    try:
        con.execute(sql, params)
    except duckdb.InterruptException:
        raise CancelledError() from None
    finally:
        finished.set()
        remove_hook()
        poller.join()
    cancel.raise_if_cancelled()


def _poll(
    con: duckdb.DuckDBPyConnection, finished: threading.Event, progress: Progress, message: str
) -> None:
    while not finished.wait(POLL_SECONDS):
        percent = con.query_progress()
        if percent >= 0:
            progress(percent / 100.0, message)
