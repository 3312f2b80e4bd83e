"""Pages of a table for the data view, read on a cursor of their own (Qt-free).

Measured on this kind of machine (``research/dataview_jobs.md`` §1–3, §7): a 500-row block by
``LIMIT ? OFFSET ?`` on the stored table costs ~3 ms anywhere in 10M rows (safe after DELETE, where
rowids keep gaps), while ``ORDER BY … OFFSET`` costs 1–2 s deep down. So a sorted view shows its
first screen by a top-N query, while a background job writes the sorted rows into a scratch
database (:mod:`.view_scratch`); the view then pages that copy by ``LIMIT/OFFSET`` too. A filter
builds the list of the rowids it keeps (and their count) in the scratch database; its pages join
a slice of that list back to the table. Every cell comes back as DuckDB's own text (``::VARCHAR``),
formatted in the engine and not under the GIL; NULL stays ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ..errors import NotFoundError
from ..project import ALIAS
from ..sql import ident

BLOCK_ROWS = 500
BROWSING_MEMORY = "128MB"


@dataclass(frozen=True)
class ViewSpec:
    """What the view shows: the table's rows in stored order, or sorted by one column, or filtered."""

    sort: str | None = None
    descending: bool = False
    where: str | None = None

    @property
    def plain(self) -> bool:
        """The stored table as it is (no sort, no filter)."""
        return self.sort is None and self.where is None


@dataclass(frozen=True)
class Source:
    """Where the view's pages come from: the stored table, a sorted copy, or a rowid list over the table."""

    table: str
    columns: list[tuple[str, str]]
    rows: int
    relation: str  # the stored table, or the sorted copy
    rowids: str | None = None  # the filter's rowid list (a table with one column ``rid``), if any
    first_block_only: bool = False  # a top-N screen, until the sorted copy is ready

    def block_sql(self, block: int) -> tuple[str, list[object]]:
        """The statement and parameters reading block ``block`` (``BLOCK_ROWS`` rows) of this source."""
        cells = ", ".join(f"{ident(name)}::VARCHAR" for name, _dtype in self.columns) or "NULL"
        offset = block * BLOCK_ROWS
        if self.rowids is None:
            return f"SELECT {cells} FROM {self.relation} LIMIT ? OFFSET ?", [BLOCK_ROWS, offset]
        return (
            f"WITH page AS (SELECT rid FROM {self.rowids} LIMIT ? OFFSET ?), "
            f"bounds AS (SELECT min(rid) AS lo, max(rid) AS hi FROM page) "
            f"SELECT {cells} FROM {self.relation} "
            f"WHERE rowid BETWEEN (SELECT lo FROM bounds) AND (SELECT hi FROM bounds) "
            f"AND rowid IN (SELECT rid FROM page) ORDER BY rowid",
            [BLOCK_ROWS, offset],
        )


def table_relation(table: str) -> str:
    """The fully qualified name of a user table (cursors do not share the project's ``USE``)."""
    return f"{ALIAS}.main.{ident(table)}"


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    """``(name, type)`` of each column of user table ``table``, in order."""
    rows = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ? "
        "AND schema_name = 'main' AND table_name = ? ORDER BY column_index",
        [ALIAS, table],
    ).fetchall()
    return [(str(name), str(dtype)) for name, dtype in rows]


def plain_source(con: duckdb.DuckDBPyConnection, table: str) -> Source:
    """The stored table: its row count (catalog metadata, ~1 ms) and its columns."""
    columns = table_columns(con, table)
    if not columns:
        raise NotFoundError(
            f"The project has no table {table!r}; it may have been removed. Pick another table."
        )
    relation = table_relation(table)
    row = con.execute(f"SELECT count(*) FROM {relation}").fetchone()
    return Source(table, columns, int(row[0]) if row else 0, relation)


def read_block(con: duckdb.DuckDBPyConnection, source: Source, block: int) -> list[tuple[str | None, ...]]:
    """Block ``block`` of ``source`` as rows of text cells (``None`` for NULL)."""
    sql, params = source.block_sql(block)
    return [tuple(row) for row in con.execute(sql, params).fetchall()]


def order_clause(spec: ViewSpec) -> str:
    """``ORDER BY "col" [DESC] NULLS LAST, rowid``: ties keep the stored order, NULLs go last (ties of a
    table with its own ``rowid`` column, which hides DuckDB's, are broken by that column)."""
    if spec.sort is None:
        return ""
    direction = "DESC" if spec.descending else "ASC"
    return f" ORDER BY {ident(spec.sort)} {direction} NULLS LAST, rowid"


def hides_rowid(columns: list[tuple[str, str]]) -> bool:
    """Whether the table has a column named ``rowid`` (which hides DuckDB's row id)."""
    return any(name.casefold() == "rowid" for name, _dtype in columns)


def where_clause(spec: ViewSpec) -> str:
    """`` WHERE (expr)`` for a checked filter expression, or nothing."""
    return f" WHERE ({spec.where})" if spec.where else ""


def top_rows_sql(source: Source, spec: ViewSpec) -> str:
    """The first ``BLOCK_ROWS`` rows of the sorted (and filtered) table: a top-N query, no full sort."""
    cells = ", ".join(f"{ident(name)}::VARCHAR" for name, _dtype in source.columns) or "NULL"
    return (
        f"SELECT {cells} FROM {table_relation(source.table)}{where_clause(spec)}"
        f"{order_clause(spec)} "
        f"LIMIT {BLOCK_ROWS}"
    )


def memory_limit(con: duckdb.DuckDBPyConnection) -> str:
    """DuckDB's current ``memory_limit`` as it reads it (a setting of the whole database instance)."""
    row = con.execute("SELECT current_setting('memory_limit')").fetchone()
    return str(row[0]) if row else ""


def set_memory_limit(con: duckdb.DuckDBPyConnection, limit: str | None) -> None:
    """Set DuckDB's ``memory_limit`` (e.g. ``'128MB'``; None: back to DuckDB's default, 80 % of RAM).

    It takes effect at once, for every cursor. The app sets no other limit, so the default is what
    a job gets back (the text DuckDB shows, ``'18.8 GiB'``, is rounded: it would not round-trip).
    """
    if limit is None:
        con.execute("RESET memory_limit")
        return
    text = limit.strip()
    if not text or not all(char.isalnum() or char in ". " for char in text):
        raise ValueError(f"{limit!r} is not a memory size such as '128MB'")
    con.execute(f"SET memory_limit = '{text}'")
