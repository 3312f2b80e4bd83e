"""Checks on a freshly imported table that DuckDB's readers do not make."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..errors import DataImportError
from ..sql import ident

NUMERIC_MAJORITY = 0.5
MAX_COLUMNS = 10_000  # wider tables are not analysis data; DuckDB takes ~16 s to store 100,000
HEAD_ROWS = 20_480  # DuckDB's own type-sniffing sample


def check_width(path: Path, columns: int) -> None:
    """Refuse absurdly wide files before reading them."""
    if columns > MAX_COLUMNS:
        raise DataImportError(
            f"{path} has {columns:,} columns; Tradeoff Studio imports at most {MAX_COLUMNS:,}. "
            "Export only the columns you need."
        )


def check_not_empty(path: Path, rows: int) -> None:
    """Refuse a file with no data rows."""
    if rows == 0:
        raise DataImportError(f"{path} has no data rows: there is nothing to import.")


def check_mixed_types(
    con: duckdb.DuckDBPyConnection,
    *,
    table: str,
    text_columns: list[str],
    rows_before: int,
    path: Path,
    header_lines: int,
) -> None:
    """Refuse a text column that is mostly numbers but not all: the sign of a stray value.

    Columns are screened on their first rows and only the numeric-looking ones scanned whole.

    Only the rows after the first ``rows_before`` in insertion order (those just read from
    ``path``) are checked. The user accepts such a column as text with a type override.
    """
    if not text_columns:
        return
    first_rowid = _nth_rowid(con, table, rows_before)
    head = _numeric_shares(con, table, text_columns, first_rowid, limit=HEAD_ROWS)
    suspects = [
        name
        for name, (filled, numeric) in zip(text_columns, head, strict=True)
        if _mostly_numeric(filled, numeric)
    ]
    if not suspects:
        return
    full = _numeric_shares(con, table, suspects, first_rowid, limit=None)
    for name, (filled, numeric) in zip(suspects, full, strict=True):
        if _mostly_numeric(filled, numeric) and numeric < filled:
            _raise_mixed(
                con, table=table, column=name, first_rowid=first_rowid, path=path, header_lines=header_lines
            )


def _mostly_numeric(filled: int, numeric: int) -> bool:
    return filled > 0 and numeric >= NUMERIC_MAJORITY * filled


def _numeric_shares(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[str], first_rowid: int, *, limit: int | None
) -> list[tuple[int, int]]:
    """Per column: (non-blank values, values that parse as numbers), over the head or all rows."""
    aggregates = ", ".join(
        f"count({ident(name)}) FILTER (WHERE trim({ident(name)}) <> ''), "
        f"count(TRY_CAST({ident(name)} AS DOUBLE))"
        for name in columns
    )
    rows = (
        f"(SELECT * FROM {ident(table)} WHERE rowid >= ? ORDER BY rowid LIMIT {int(limit)})"
        if limit
        else (f"(SELECT * FROM {ident(table)} WHERE rowid >= ?)")
    )
    counts = con.execute(f"SELECT {aggregates} FROM {rows}", [first_rowid]).fetchone()
    assert counts is not None
    return [(int(counts[2 * index]), int(counts[2 * index + 1])) for index in range(len(columns))]


def _nth_rowid(con: duckdb.DuckDBPyConnection, table: str, position: int) -> int:
    """The rowid of the row at ``position`` in insertion order (rowids inside an open
    transaction do not start at 0, so positions are counted, not assumed)."""
    row = con.execute(
        f"SELECT rowid FROM {ident(table)} ORDER BY rowid LIMIT 1 OFFSET ?", [position]
    ).fetchone()
    assert row is not None
    return int(row[0])


def _raise_mixed(
    con: duckdb.DuckDBPyConnection,
    *,
    table: str,
    column: str,
    first_rowid: int,
    path: Path,
    header_lines: int,
) -> None:
    quoted = ident(column)
    row = con.execute(
        f"SELECT rowid, {quoted} FROM {ident(table)} WHERE rowid >= ? AND trim({quoted}) <> '' "
        f"AND TRY_CAST({quoted} AS DOUBLE) IS NULL ORDER BY rowid LIMIT 1",
        [first_rowid],
    ).fetchone()
    assert row is not None
    position = con.execute(
        f"SELECT count(*) FROM {ident(table)} WHERE rowid >= ? AND rowid < ?", [first_rowid, row[0]]
    ).fetchone()
    assert position is not None
    line = int(position[0]) + 1 + header_lines
    raise DataImportError(
        f"{path}, line {line}, column {column!r}: {row[1]!r} is not a number, though most of the column is. "
        f"Fix the value, mark it missing with --na TEXT, read $, % and 1,234 forms with --parse-numbers "
        f"'{column}', or import the column as text with --types '{column}=VARCHAR'."
    )


def check_json_records(path: Path, columns: list[tuple[str, str]], rows: int) -> None:
    """Refuse one object whose every value is a list or object: records wrapped under a key."""
    nested = ("[]", "STRUCT", "MAP", "JSON")
    if rows == 1 and all(any(mark in dtype for mark in nested) for _name, dtype in columns):
        keys = ", ".join(repr(name) for name, _dtype in columns)
        raise DataImportError(
            f"{path} holds one object ({keys}) rather than records. Save the records as an array of "
            "objects, or one object per line (NDJSON)."
        )
