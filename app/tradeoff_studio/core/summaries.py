"""Small summaries the app shows: a table's first rows, a numeric column's histogram.

Both are computed in DuckDB and return little data, so the UI can draw them at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import NotFoundError, StudioError
from .project import Project
from .sql import ident


@dataclass(frozen=True)
class Preview:
    """The first rows of a table."""

    columns: list[str]
    rows: list[tuple[object, ...]]
    total_rows: int


@dataclass(frozen=True)
class Histogram:
    """Counts of a numeric column in equal-width bins between ``low`` and ``high``."""

    low: float
    high: float
    counts: list[int]
    missing: int


def preview(project: Project, table: str, limit: int = 200) -> Preview:
    """The first ``limit`` rows of ``table`` in stored order (dates and times as text)."""
    _require_table(project, table)
    described = project.columns(table)
    columns = [name for name, _type in described]
    selected = ", ".join(_shown(name, dtype) for name, dtype in described) or "*"
    rows = project.con.execute(
        f"SELECT {selected} FROM {ident(table)} ORDER BY rowid LIMIT ?", [limit]
    ).fetchall()
    return Preview(columns, rows, project.row_count(table))


def _shown(name: str, dtype: str) -> str:
    """Dates and times as DuckDB's text: 'infinity' stays itself (Python would show 9999-12-31, and a
    time zone would need pytz)."""
    quoted = ident(name)
    return f"CAST({quoted} AS VARCHAR) AS {quoted}" if dtype.startswith(_TEMPORAL) else quoted


_TEMPORAL = ("DATE", "TIMESTAMP", "TIME")


def histogram(project: Project, table: str, column: str, bins: int = 50) -> Histogram:
    """Equal-width histogram of a numeric column (NULLs, NaNs and infinities counted apart as missing)."""
    _require_table(project, table)
    types = dict(project.columns(table))
    if column not in types:
        raise NotFoundError(f"Table {table!r} has no column {column!r}.")
    if not types[column].startswith(_NUMERIC):
        raise StudioError(
            f"Column {column!r} of table {table!r} is {types[column]}; a histogram needs numbers."
        )
    value, source = f"{ident(column)}::DOUBLE", ident(table)
    finite = f"{value} IS NOT NULL AND NOT isnan({value}) AND NOT isinf({value})"
    low, high, missing = project.con.execute(
        f"SELECT min({value}) FILTER (WHERE {finite}), max({value}) FILTER (WHERE {finite}), "
        f"count(*) FILTER (WHERE NOT ({finite})) FROM {source}"
    ).fetchone() or (None, None, 0)
    if low is None:
        return Histogram(0.0, 0.0, [], int(missing))
    width = (float(high) - float(low)) / bins or 1.0
    rows = project.con.execute(
        f"SELECT least(floor(({value} - ?) / ?)::BIGINT, ?) AS bin, count(*) FROM {source} "
        f"WHERE {finite} GROUP BY bin",
        [float(low), width, bins - 1],
    ).fetchall()
    counts = [0] * bins
    for index, count in rows:
        counts[int(index)] = int(count)
    return Histogram(float(low), float(high), counts, int(missing))


_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
            "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL", "REAL")  # fmt: skip


def _require_table(project: Project, table: str) -> None:
    if table not in project.tables():
        raise NotFoundError(f"The project has no table {table!r}. Tables: {', '.join(project.tables())}.")
