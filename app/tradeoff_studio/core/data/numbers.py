"""Numbers written as text: ``$14.47``, ``67.50%``, ``1,234`` → DOUBLE, the unit kept (``--parse-numbers``).

A value reads as a number when it is, apart from spaces, an optional minus sign, an optional
currency symbol (``$ € £ ¥``), digits with an optional decimal point, commas only as thousands
separators (``1,234,567.8``), and an optional trailing ``%``. The percent stays in percent
(``67.50%`` → 67.5, unit ``%``). One column holds one unit: mixing ``$`` and ``€`` (or ``%``
and a currency) is refused, since the numbers would not be comparable. Missing values stay
missing.

``--parse-numbers COL`` converts that column or refuses, naming the first value that does not
read; ``--parse-numbers all`` converts every text column whose values all read as numbers, and
leaves the others as text. The units go into the import's provenance (``units``).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..errors import DataImportError
from ..sql import ident

ALL = "all"
NUMBER_PATTERN = r"^\s*-?\s*[$€£¥]?\s*-?\s*(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?\s*%?\s*$"
_HAS_DIGIT = r"\d"
_UNITS = "[$€£¥%]"


def will_parse(con: duckdb.DuckDBPyConnection, table: str, column: str, asked: list[str]) -> bool:
    """Whether ``--parse-numbers`` will convert this text column (so the mixed-type check skips it)."""
    return column in asked or (ALL in asked and _first_bad_value(con, table, column) is None)


def parse_number_columns(
    con: duckdb.DuckDBPyConnection,
    table: str,
    path: Path,
    asked: list[str],
    text_columns: list[str],
    *,
    keep_text: set[str] | None = None,
) -> dict[str, str]:
    """Convert the ``asked`` text columns of ``table`` to DOUBLE; return column → unit (``""``: none).

    ``text_columns`` are the table's VARCHAR columns; ``asked`` holds column names or ``"all"``,
    which skips ``keep_text`` (columns typed VARCHAR on purpose, e.g. zip codes).
    Raises :class:`DataImportError` for an unknown or non-text column, a value that does not
    read as a number, or two units in one column.
    """
    every = ALL in asked
    for column in asked:
        if column != ALL and column not in text_columns:
            listed = ", ".join(text_columns) or "(none)"
            raise DataImportError(
                f"{path}: --parse-numbers {column}: the table has no text column {column!r} to read as "
                f"numbers. Its text columns: {listed}."
            )
    units = {}
    chosen = [c for c in text_columns if c not in (keep_text or set())] if every else asked
    for column in chosen:
        bad = _first_bad_value(con, table, column)
        if bad is not None:
            if every:
                continue
            raise DataImportError(
                f"{path}, column {column!r}: {bad!r} does not read as a number (e.g. 14.47, $14.47, 67.5%, "
                "1,234). Fix the value, mark it missing with --na, or leave the column as text."
            )
        unit = _unit(con, table, column, path)
        if unit is None:
            continue  # all missing: nothing to read
        _convert(con, table, column)
        units[column] = unit
    return units


def _first_bad_value(con: duckdb.DuckDBPyConnection, table: str, column: str) -> str | None:
    quoted = ident(column)
    row = con.execute(
        f"SELECT {quoted} FROM {ident(table)} WHERE {quoted} IS NOT NULL AND NOT "
        f"(regexp_full_match({quoted}, ?) AND regexp_matches({quoted}, ?)) ORDER BY rowid LIMIT 1",
        [NUMBER_PATTERN, _HAS_DIGIT],
    ).fetchone()
    return None if row is None else str(row[0])


def _unit(con: duckdb.DuckDBPyConnection, table: str, column: str, path: Path) -> str | None:
    """The one unit mark the column's values carry (``""`` for none), or ``None`` when all are missing."""
    quoted = ident(column)
    rows = con.execute(
        f"SELECT DISTINCT coalesce(regexp_extract({quoted}, ?, 0), '') FROM {ident(table)} "
        f"WHERE {quoted} IS NOT NULL",
        [_UNITS],
    ).fetchall()
    marks = {str(row[0]) for row in rows}
    if not marks:
        return None
    written = marks - {""}
    if len(written) > 1:
        raise DataImportError(
            f"{path}, column {column!r}: values carry different units ({', '.join(sorted(written))}), so "
            "they are not comparable numbers. Convert them to one unit before importing."
        )
    return next(iter(written), "")


def _convert(con: duckdb.DuckDBPyConnection, table: str, column: str) -> None:
    quoted = ident(column)
    con.execute(
        f"ALTER TABLE {ident(table)} ALTER COLUMN {quoted} SET DATA TYPE DOUBLE USING "
        f"CAST(regexp_replace({quoted}, '[\\s$€£¥%,]', '', 'g') AS DOUBLE)"
    )
