"""Small summaries the app shows: a table's first rows, a numeric column's histogram.

Both are computed in DuckDB and return little data, so the UI can draw them at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import NotFoundError
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
    """The first ``limit`` rows of ``table`` in stored order."""
    _require_table(project, table)
    columns = [name for name, _type in project.columns(table)]
    rows = project.con.execute(f"SELECT * FROM {ident(table)} ORDER BY rowid LIMIT ?", [limit]).fetchall()
    return Preview(columns, rows, project.row_count(table))


def histogram(project: Project, table: str, column: str, bins: int = 50) -> Histogram:
    """Equal-width histogram of a numeric column (NULLs and NaNs counted apart)."""
    _require_table(project, table)
    if column not in {name for name, _type in project.columns(table)}:
        raise NotFoundError(f"Table {table!r} has no column {column!r}.")
    quoted, source = ident(column), ident(table)
    low, high, missing = project.con.execute(
        f"SELECT min({quoted}), max({quoted}), count(*) FILTER (WHERE {quoted} IS NULL OR isnan({quoted})) "
        f"FROM {source} WHERE NOT isnan({quoted}) OR {quoted} IS NULL"
    ).fetchone() or (None, None, 0)
    if low is None:
        return Histogram(0.0, 0.0, [], int(missing))
    width = (float(high) - float(low)) / bins or 1.0
    rows = project.con.execute(
        f"SELECT least(floor(({quoted} - ?) / ?)::BIGINT, ?) AS bin, count(*) FROM {source} "
        f"WHERE {quoted} IS NOT NULL AND NOT isnan({quoted}) GROUP BY bin",
        [float(low), width, bins - 1],
    ).fetchall()
    counts = [0] * bins
    for index, count in rows:
        counts[int(index)] = int(count)
    return Histogram(float(low), float(high), counts, int(missing))


def _require_table(project: Project, table: str) -> None:
    if table not in project.tables():
        raise NotFoundError(f"The project has no table {table!r}. Tables: {', '.join(project.tables())}.")
