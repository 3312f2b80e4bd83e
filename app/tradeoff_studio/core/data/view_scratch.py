"""The data view's scratch database: sorted copies and filters' rowid lists, never in the project file.

A private folder (:func:`~tradeoff_studio.core.scratch.scratch_dir`) holds one DuckDB file that is
ATTACHed to the project's database instance while a table is shown, so every cursor sees it. For an
encrypted project the scratch file is encrypted too, with a random key that lives only in memory:
a sorted copy of the data must not sit on disk in clear. Closing detaches and deletes it; a killed
process leaves a folder that the next start sweeps away.
"""

from __future__ import annotations

import secrets
from contextlib import ExitStack

import duckdb

from ..analyses.candidates import AnalysisError
from ..analyses.where import MAX_LENGTH
from ..analyses.where import _check_shape as check_shape  # the --where checks, shared with analyses
from ..dbjobs import interruptible
from ..errors import StudioError
from ..jobs import CancelToken
from ..scratch import scratch_dir
from ..sql import ident, literal
from .paging import (
    Source,
    ViewSpec,
    hides_rowid,
    order_clause,
    table_columns,
    table_relation,
    where_clause,
)


class FilterError(StudioError):
    """A filter typed in the data view that is not one read-only condition on the table's columns."""


class ViewScratch:
    """One scratch database attached to the project's DuckDB instance (call :meth:`close` when done)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, *, encrypted: bool) -> None:
        self._stack = ExitStack()
        folder = self._stack.enter_context(scratch_dir("dataview"))
        self.alias = f"dataview_{secrets.token_hex(6)}"
        self._counter = 0
        options = f" (ENCRYPTION_KEY {literal(secrets.token_hex(32))})" if encrypted else ""
        try:
            con.execute(f"ATTACH {literal(str(folder / 'view.duckdb'))} AS {ident(self.alias)}{options}")
        except BaseException:
            self._stack.close()
            raise
        self._con = con

    def new_relation(self, kind: str) -> str:
        """A fresh table name in the scratch database, e.g. ``dataview_….main."sorted_3"``."""
        self._counter += 1
        return f"{ident(self.alias)}.main.{ident(f'{kind}_{self._counter}')}"

    def drop(self, con: duckdb.DuckDBPyConnection, relation: str) -> None:
        """Drop a sorted copy or rowid list that the view no longer shows."""
        con.execute(f"DROP TABLE IF EXISTS {relation}")

    def close(self) -> None:
        """Detach the scratch database and delete its folder."""
        try:
            self._con.execute(f"DETACH DATABASE IF EXISTS {ident(self.alias)}")
        finally:
            self._stack.close()


def check_filter(con: duckdb.DuckDBPyConnection, table: str, expression: str) -> str:
    """``expression`` if it is one read-only boolean condition on ``table``'s columns, else a FilterError."""
    text = expression.strip()
    if len(text) > MAX_LENGTH:
        raise FilterError(f"The filter is {len(text):,} characters long; at most {MAX_LENGTH:,} are allowed.")
    try:
        check_shape(con, text)
        described = con.execute(f"DESCRIBE SELECT ({text}) AS keep FROM {table_relation(table)}").fetchall()
    except AnalysisError as error:
        raise FilterError(str(error).replace("--where", "The filter")) from None
    except duckdb.Error as error:
        first = str(error).strip().splitlines()[0]
        listed = ", ".join(f"{name} ({dtype})" for name, dtype in table_columns(con, table))
        raise FilterError(
            f"The filter {text!r} cannot be evaluated on table {table!r}: {first} Its columns: {listed}."
        ) from None
    dtype = str(described[0][1])
    if dtype not in {"BOOLEAN", '"NULL"', "NULL"}:
        raise FilterError(
            f"The filter must be a true/false condition, but {text!r} is a {dtype}. "
            'Compare it with something, e.g. "income > 500".'
        )
    return text


def build_view(
    con: duckdb.DuckDBPyConnection, scratch: ViewScratch, plain: Source, spec: ViewSpec, cancel: CancelToken
) -> Source:
    """The source for ``spec``: a sorted (and filtered) copy, or a filter's rowid list; interruptible."""
    if spec.plain:
        return plain
    table = table_relation(plain.table)
    with interruptible(con, cancel):
        if spec.sort is not None or hides_rowid(plain.columns):  # a filtered copy when rowid is hidden
            relation = scratch.new_relation("sorted")
            order = order_clause(spec)
            con.execute(f"CREATE TABLE {relation} AS SELECT * FROM {table}{where_clause(spec)}{order}")
            return _counted(con, plain, relation, None)
        rowids = scratch.new_relation("rows")
        con.execute(f"CREATE TABLE {rowids} AS SELECT rowid AS rid FROM {table}{where_clause(spec)}")
        return _counted(con, plain, table, rowids)


def _counted(con: duckdb.DuckDBPyConnection, plain: Source, relation: str, rowids: str | None) -> Source:
    row = con.execute(f"SELECT count(*) FROM {rowids or relation}").fetchone()
    return Source(plain.table, plain.columns, int(row[0]) if row else 0, relation, rowids)
