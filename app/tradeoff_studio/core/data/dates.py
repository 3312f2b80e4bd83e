"""Non-ISO dates in CSV files: the format DuckDB's sniffer found, given or refused when ambiguous (issue #16).

DuckDB's sniffer reads ``01/04/2010`` as a DATE with a format such as ``%d/%m/%Y``, but the
import reads with fixed column types, where a DATE must be ISO unless the format is passed. So the
sniffed format is passed on — unless the day and the month could be swapped (every value of every
DATE column also reads with ``%d`` and ``%m`` exchanged, as ``01/04/2010`` does): then the import is
refused naming the column, a value and both readings, with ``--date-format`` to choose.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..errors import DataImportError
from ..sql import ident

ISO = ("%Y-%m-%d", "")


def date_format(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    read_text: str,
    params: list[object],
    *,
    sniffed: str | None,
    date_columns: list[str],
    given: str | None,
) -> str | None:
    """The date format to read ``path`` with (None: ISO); ``read_text`` reads every column as text."""
    if given:
        return given
    if not sniffed or sniffed in ISO or not date_columns:
        return None
    swapped = _swapped(sniffed)
    if swapped is None:
        return sniffed
    for column in date_columns:
        name = ident(column)
        row = con.execute(
            f"SELECT count(*) FILTER (WHERE {name} IS NOT NULL AND try_strptime({name}, ?) IS NULL), "
            f"min({name}) FROM ({read_text})",
            [swapped, *params],
        ).fetchone()
        if row is not None and row[0] == 0 and row[1] is not None:
            raise DataImportError(
                f"{path}, column {column!r}: dates such as {row[1]!r} read both as {sniffed} and as "
                f"{swapped} (day and month could be swapped). Pass --date-format {sniffed!r} or "
                f"--date-format {swapped!r}."
            )
    return sniffed


def _swapped(fmt: str) -> str | None:
    """``fmt`` with day and month exchanged, or None when it has no numeric day and month both."""
    if "%d" not in fmt or "%m" not in fmt:
        return None
    return fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")
