"""``--where "EXPR"``: run any analysis on the rows of its table that satisfy one boolean expression.

The expression is checked before anything runs: DuckDB's own parser must read
``SELECT * FROM t WHERE (EXPR)`` as exactly that one statement (nothing after a ``;``, no set
operation, no ORDER BY or LIMIT smuggled in by closing the parenthesis), with no subquery and no
function that reads files, reads the environment or changes state. It must then bind to the
table's columns as a BOOLEAN, and keep at least one row.

While the analysis runs, a temporary view with the table's name shadows the table on the
project's connection (temporary objects come first in DuckDB's search path), so every kind reads
the filtered rows through its usual ``FROM "table"`` without knowing about the filter. The view
keeps ``rowid`` as a column, since views have none of their own. Readers that name the table as
``proj.main."table"`` (or use another cursor, which does not see temporary views) call
:func:`source_sql`. Nothing is written to the project file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import duckdb

from ..project import ALIAS, Project
from ..sql import ident
from .candidates import AnalysisError

MAX_LENGTH = 10_000
_FORBIDDEN_PREFIXES = ("read_", "glob", "query", "parquet_", "sniff_", "json_serialize", "json_deserialize")
_FORBIDDEN = frozenset(
    {"nextval", "currval", "setseed", "random", "uuid", "gen_random_uuid", "uuidv4", "uuidv7", "getenv",
     "current_setting", "error", "sql_auto_complete", "which_secret", "checkpoint", "force_checkpoint"}
)  # fmt: skip
_MISSING_COLUMN = re.compile(r'Referenced column "((?:[^"]|"")*)" not found')
_ACTIVE: dict[int, RowFilter] = {}


@dataclass(frozen=True)
class RowFilter:
    """A checked ``--where`` on one table, and how many of its rows it keeps."""

    table: str
    where: str
    rows: int
    total: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as stored in the analysis spec (``where``)."""
        return {"table": self.table, "expression": self.where, "rows": self.rows, "total": self.total}

    def describe(self) -> str:
        """``1,234 of 5,000 rows of 'loans' where split = 'test'``."""
        return f"{self.rows:,} of {self.total:,} rows of {self.table!r} where {self.where}"


def check_where(project: Project, table: str, where: str) -> RowFilter:
    """Validate ``where`` as one read-only boolean expression over ``table``; count the rows it keeps."""
    expression = where.strip()
    if not expression:
        raise AnalysisError(
            "--where is empty. Give a condition on the table's columns, e.g. \"split = 'test'\"."
        )
    if len(expression) > MAX_LENGTH:
        raise AnalysisError(
            f"--where is {len(expression):,} characters long; at most {MAX_LENGTH:,} are allowed."
        )
    _check_shape(project.con, expression)
    source = f"{ALIAS}.main.{ident(table)}"
    try:
        described = project.con.execute(f"DESCRIBE SELECT ({expression}) AS keep FROM {source}").fetchall()
        dtype = str(described[0][1])
        if dtype not in {"BOOLEAN", '"NULL"', "NULL"}:
            raise AnalysisError(
                f"--where must be a true/false condition, but {expression!r} is a {dtype}. "
                'Compare it with something, e.g. "age >= 18".'
            )
        counted = project.con.execute(
            f"SELECT count(*) FILTER (WHERE ({expression})), count(*) FROM {source}"
        )
        kept, total = counted.fetchone() or (0, 0)
    except duckdb.Error as error:
        raise _translated(project, table, expression, error) from None
    if kept == 0:
        raise AnalysisError(
            f"--where {expression!r} keeps none of the {total:,} rows of table '{table}'. "
            "Loosen the condition."
        )
    return RowFilter(table, expression, int(kept), int(total))


def _check_shape(con: duckdb.DuckDBPyConnection, expression: str) -> None:
    """Exactly ``SELECT * FROM t WHERE (expression)``, and nothing inside that reads or changes anything."""
    probe = f"SELECT * FROM t WHERE ({expression})"
    refusal = (
        f"--where {expression!r} is not one condition on the table's columns. Give a single boolean "
        "expression, e.g. \"split = 'test' AND age >= 18\" (no ';', subqueries or file functions)."
    )
    try:
        if len(duckdb.extract_statements(probe)) != 1:
            raise AnalysisError(refusal)
        row = con.execute("SELECT json_serialize_sql(?)", [probe]).fetchone()
    except duckdb.Error:
        raise AnalysisError(refusal) from None
    parsed = json.loads(row[0]) if row else {"error": True}
    if parsed.get("error") or len(parsed.get("statements", [])) != 1:
        raise AnalysisError(refusal)
    node = parsed["statements"][0]["node"]
    reference = json.loads(
        con.execute("SELECT json_serialize_sql('SELECT * FROM t WHERE (TRUE)')").fetchone()[0]
    )
    if _without(node, "where_clause") != _without(reference["statements"][0]["node"], "where_clause"):
        raise AnalysisError(refusal)
    problem = _forbidden(node.get("where_clause"))
    if problem is not None:
        raise AnalysisError(f"--where {expression!r} is refused: {problem}. Use only the table's columns.")


def _without(node: Any, key: str) -> Any:
    """``node`` minus ``key`` and every ``query_location`` (positions differ between texts)."""
    if isinstance(node, dict):
        return {k: _without(v, "") for k, v in node.items() if k not in {key, "query_location"}}
    if isinstance(node, list):
        return [_without(item, "") for item in node]
    return node


def _forbidden(node: Any) -> str | None:
    """Why the expression tree ``node`` is refused, or None: subqueries and unsafe functions."""
    if isinstance(node, list):
        return next((found for item in node if (found := _forbidden(item)) is not None), None)
    if not isinstance(node, dict):
        return None
    problem = _node_problem(node)
    if problem is not None:
        return problem
    return next((found for value in node.values() if (found := _forbidden(value)) is not None), None)


def _node_problem(node: dict[str, Any]) -> str | None:
    kind = node.get("class")
    if kind == "SUBQUERY" or "subquery" in node:
        return "it contains a subquery"
    if kind == "WINDOW":
        return "it contains a window function"
    name = str(node.get("function_name", "")).lower()
    if kind == "FUNCTION" and (node.get("schema") or node.get("catalog")):
        return f"function {name!r} is named with a schema"
    if kind == "FUNCTION" and (name in _FORBIDDEN or name.startswith(_FORBIDDEN_PREFIXES)):
        return f"function {name!r} reads outside the table or is not deterministic"
    return None


def _translated(project: Project, table: str, expression: str, error: duckdb.Error) -> AnalysisError:
    listed = ", ".join(f"{name} ({dtype})" for name, dtype in project.columns(table))
    missing = _MISSING_COLUMN.search(str(error))
    if missing:
        name = missing.group(1).replace('""', '"')
        return AnalysisError(f"--where: table '{table}' has no column '{name}'. Its columns: {listed}.")
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return AnalysisError(f"--where {expression!r} cannot be evaluated on table '{table}': {first}")


@contextmanager
def filtered(project: Project, table: str, where: str | None) -> Iterator[RowFilter | None]:
    """Within the block, ``FROM "table"`` on the project's connection reads only the rows ``where`` keeps.

    Yields the checked :class:`RowFilter` (None without ``where``); a table the project lacks is refused.
    """
    if where is None:
        yield None
        return
    tables = project.tables()
    stored = next((name for name in tables if name == table), None) or next(
        (name for name in tables if name.casefold() == table.casefold()), None
    )
    if stored is None:
        listed = ", ".join(tables) or "(none yet)"
        raise AnalysisError(f"The project has no table '{table}'. Its tables: {listed}.")
    table = stored
    row_filter = check_where(project, table, where)
    has_rowid = any(name.casefold() == "rowid" for name, _dtype in project.columns(table))
    rowid = "" if has_rowid else ", rowid AS rowid"
    project.con.execute(
        f"CREATE TEMP VIEW {ident(table)} AS SELECT *{rowid} FROM {ALIAS}.main.{ident(table)} "
        f"WHERE ({row_filter.where})"
    )
    _ACTIVE[id(project)] = row_filter
    try:
        yield row_filter
    finally:
        _ACTIVE.pop(id(project), None)
        project.con.execute(f"DROP VIEW IF EXISTS temp.main.{ident(table)}")


def source_sql(project: Project, table: str) -> str:
    """``proj.main."table"``, or the filtered rows of it while :func:`filtered` is active on ``table``."""
    qualified = f"{ALIAS}.main.{ident(table)}"
    row_filter = _ACTIVE.get(id(project))
    if row_filter is None or row_filter.table != table:
        return qualified
    return f"(SELECT * FROM {qualified} WHERE ({row_filter.where}))"
