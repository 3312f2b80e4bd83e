"""Checks of a project's catalog that run at every open: cheap, and enough to refuse a tampered file.

A catalog edited outside the app (a text or negative ``schema_version``, a stored JSON field that
no longer parses or has the wrong shape) is reported as damaged, naming the table, the row and
the field, instead of failing later inside a workflow with a library's error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from .errors import ProjectDamagedError
from .schema import CATALOG_SCHEMA

# table → (key column, {JSON column: expected Python type})
JSON_FIELDS: dict[str, tuple[str, dict[str, type]]] = {
    "datasets": ("table_name", {"columns": list, "sources": list, "reader_options": dict}),
    "models": ("name", {"manifest": dict}),
    "score_columns": ("column_name", {"input_mapping": dict}),
    "analyses": ("name", {"spec": dict}),
    "decisions": ("id", {"preferences": dict}),
    "audit": ("seq", {"details": dict}),
}


def damaged(path: Path, problem: str) -> ProjectDamagedError:
    """The error for a catalog problem: what is wrong, and what to do."""
    return ProjectDamagedError(
        f"The project's catalog is damaged: {problem}. ({path}; it may have been edited outside "
        "Tradeoff Studio. Restore it from a backup, or run 'tradeoff-studio check' for every problem.)"
    )


def parse_schema_version(path: Path, text: object, latest: int) -> int:
    """The stored ``schema_version`` as a number from 1 up, or a :class:`ProjectDamagedError`."""
    try:
        version = int(str(text).strip())
    except ValueError:
        raise damaged(path, f"schema_version is {str(text)[:40]!r}, expected a number") from None
    if version < 1:
        raise damaged(path, f"schema_version is {version}, expected a number from 1 to {latest}")
    return version


def json_field_problems(con: duckdb.DuckDBPyConnection, *, limit: int | None = None) -> list[str]:
    """Every stored JSON field that does not parse or has the wrong shape (at most ``limit``)."""
    problems: list[str] = []
    for table, (key, fields) in JSON_FIELDS.items():
        columns = ", ".join(f"{column}::VARCHAR" for column in fields)
        try:
            rows = con.execute(f"SELECT {key}::VARCHAR, {columns} FROM {CATALOG_SCHEMA}.{table}").fetchall()
        except duckdb.CatalogException:
            problems.append(f"its table {table} is missing")
            continue
        except duckdb.Error:
            problems.append(f"its table {table} cannot be read (the file is truncated or was overwritten)")
            continue
        for row in rows:
            for (column, expected), text in zip(fields.items(), row[1:], strict=True):
                problem = _json_problem(text, expected)
                if problem is not None:
                    problems.append(f"{table} {row[0]!r}: field {column} {problem}")
            if limit is not None and len(problems) >= limit:
                return problems[:limit]
    return problems


def _json_problem(text: str | None, expected: type) -> str | None:
    if text is None:
        return "is empty"
    try:
        value: Any = json.loads(text)
    except ValueError as error:
        return f"is not valid JSON ({error.msg} at character {error.pos})"
    if not isinstance(value, expected):
        return f"holds {_json_kind(value)}, expected a JSON {'array' if expected is list else 'object'}"
    return None


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    kinds = {list: "an array", dict: "an object", str: "a string"}
    return next((name for kind, name in kinds.items() if isinstance(value, kind)), "a number")


def check_catalog_fields(path: Path, con: duckdb.DuckDBPyConnection) -> None:
    """Raise :class:`ProjectDamagedError` naming the first damaged JSON field, if any."""
    problems = json_field_problems(con, limit=1)
    if problems:
        raise damaged(path, problems[0])
