"""``tradeoff-studio check``: is a project file sound? Like SQLite's ``PRAGMA integrity_check``.

The file is opened without migrating or changing anything, then checked in order: the database
is readable (every table read in full), the catalog is valid (``schema_version``, the project id,
every stored JSON field), every reference holds (datasets, score columns, models, analyses and
their input tables, decisions and their candidates), and every model's stored bytes match their
recorded SHA-256. Each problem found is one line naming what is wrong.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from . import schema
from .catalog_check import JSON_FIELDS, json_field_problems, parse_schema_version
from .errors import ProjectDamagedError, ProjectError, StudioError
from .files import check_regular_file
from .jobs import CancelToken
from .project import ALIAS, attach_unchecked, is_damage, project_path
from .schema import CATALOG_SCHEMA
from .sql import ident

_CATALOG_TABLES = ("meta", *JSON_FIELDS)
_DAMAGED = "the file is truncated or parts of it were overwritten; restore it from a backup"


@dataclass
class IntegrityReport:
    """What ``check`` found: the problems (empty when sound) and what it looked at."""

    path: str
    problems: list[str] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

    @property
    def sound(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"path": self.path, "sound": self.sound, "problems": self.problems, "checked": self.checked}


def check_project(
    path: str | Path, *, key: bytes | None = None, cancel: CancelToken | None = None
) -> IntegrityReport:
    """Check the project at ``path`` without changing it; see the module doc for what is checked.

    Errors that stop the check before it starts (no such file, locked, wrong key) are raised as
    the usual :class:`ProjectError`; a damaged file or catalog is reported, not raised.
    """
    target = project_path(path).absolute() if not Path(path).exists() else Path(path).absolute()
    check_regular_file(target, what="project file", error_type=ProjectError)
    report = IntegrityReport(str(target))
    try:
        con, _key = attach_unchecked(target, key)
    except ProjectError as error:
        if not isinstance(error, ProjectDamagedError) and "not a valid" not in str(error):
            raise
        report.problems.append(f"database: {_DAMAGED if isinstance(error, ProjectDamagedError) else error}")
        return report
    try:
        _check_open(target, con, report, cancel or CancelToken())
    finally:
        con.close()
    return report


def _check_open(
    path: Path, con: duckdb.DuckDBPyConnection, report: IntegrityReport, cancel: CancelToken
) -> None:
    try:
        missing = _catalog_tables_missing(con)
        if missing:
            report.problems.append(
                f"catalog: missing table(s) {', '.join(missing)}; not a Tradeoff Studio project"
            )
            return
        _check_meta(path, con, report)
        report.problems.extend(f"catalog: {problem}" for problem in json_field_problems(con))
        _check_tables_readable(con, report, cancel)
        _check_references(con, report)
        _check_models(con, report, cancel)
    except duckdb.Error as error:
        if not is_damage(error):
            raise
        report.problems.append(f"database: {_DAMAGED}")


def _catalog_tables_missing(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = ?",
        [ALIAS, CATALOG_SCHEMA],
    ).fetchall()
    present = {str(row[0]) for row in rows}
    return [name for name in _CATALOG_TABLES if name not in present]


def _check_meta(path: Path, con: duckdb.DuckDBPyConnection, report: IntegrityReport) -> None:
    meta = dict(con.execute(f"SELECT key, value FROM {CATALOG_SCHEMA}.meta").fetchall())
    latest = schema.current_version()
    if "schema_version" not in meta:
        report.problems.append("catalog: no schema_version")
    else:
        try:
            version = parse_schema_version(path, meta["schema_version"], latest)
        except StudioError:
            report.problems.append(f"catalog: schema_version is {str(meta['schema_version'])[:40]!r}, "
                                   f"expected a number from 1 to {latest}")  # fmt: skip
        else:
            if version > latest:
                report.problems.append(
                    f"catalog: schema_version {version} is newer than this app reads ({latest})"
                )
    if not meta.get("project_id"):
        report.problems.append("catalog: no project_id")


def _user_tables(con: duckdb.DuckDBPyConnection, schema_name: str) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? "
        "AND NOT temporary ORDER BY table_name",
        [ALIAS, schema_name],
    ).fetchall()
    return [str(row[0]) for row in rows]


def _check_tables_readable(
    con: duckdb.DuckDBPyConnection, report: IntegrityReport, cancel: CancelToken
) -> None:
    """Read every table in full (every column), so a damaged block is found now, not mid-analysis."""
    tables = [("main", name) for name in _user_tables(con, "main")]
    tables += [(CATALOG_SCHEMA, name) for name in _user_tables(con, CATALOG_SCHEMA)]
    for schema_name, name in tables:
        cancel.raise_if_cancelled()
        try:
            con.execute(
                f"SELECT count(*), sum(hash(COLUMNS(*))) FROM {ident(schema_name)}.{ident(name)}"
            ).fetchall()
        except duckdb.Error as error:
            why = (
                "the file is truncated or was overwritten" if is_damage(error) else str(error).splitlines()[0]
            )
            report.problems.append(f"table {name!r}: cannot be read ({why[:200]})")
    report.checked["tables"] = len(tables)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    try:
        return con.execute(sql).fetchall()
    except duckdb.Error:
        return []


def _columns(con: duckdb.DuckDBPyConnection, schema_name: str, table: str) -> set[str]:
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = ? "
        "AND table_name = ?",
        [ALIAS, schema_name, table],
    ).fetchall()
    return {str(row[0]) for row in rows}


def _check_references(con: duckdb.DuckDBPyConnection, report: IntegrityReport) -> None:
    tables = set(_user_tables(con, "main"))
    catalog_tables = set(_user_tables(con, CATALOG_SCHEMA))
    models = {str(row[0]) for row in _rows(con, f"SELECT name FROM {CATALOG_SCHEMA}.models")}
    problems = report.problems
    datasets = _rows(con, f"SELECT table_name, row_count FROM {CATALOG_SCHEMA}.datasets")
    for name, rows in datasets:
        if name not in tables:
            problems.append(f"dataset {name!r}: its table is missing")
        elif (actual := _count(con, "main", name)) != rows:
            problems.append(f"dataset {name!r}: the catalog records {rows:,} rows, the table has {actual:,}")
    scores = _rows(
        con, f"SELECT table_name, column_name, model_name, model_sha256 FROM {CATALOG_SCHEMA}.score_columns"
    )
    # `models remove` keeps the score columns a model made; its audit entry accounts for the model.
    removed = set(
        _rows(con, f"SELECT subject, input_sha256 FROM {CATALOG_SCHEMA}.audit WHERE action = 'model.remove'")
    )
    for table, column, model, sha256 in scores:
        if table not in tables:
            problems.append(f"score column {column!r}: its table {table!r} is missing")
        elif column not in _columns(con, "main", table):
            problems.append(f"score column {column!r}: table {table!r} has no such column")
        if model not in models and (model, sha256) not in removed:
            problems.append(f"score column {column!r}: its model {model!r} is not in the project")
    analyses = _rows(con, f"SELECT name, spec::VARCHAR, candidates_table FROM {CATALOG_SCHEMA}.analyses")
    dropped = {
        row[0]
        for row in _rows(con, f"SELECT subject FROM {CATALOG_SCHEMA}.audit WHERE action = 'remove-table'")
    }
    for name, spec_text, candidates in analyses:
        if candidates not in catalog_tables:
            problems.append(f"analysis {name!r}: its candidates table is missing")
        for source in _input_tables(spec_text):
            if source not in tables and source not in dropped:  # `tables remove` is audited: not damage
                problems.append(f"analysis {name!r}: its input table {source!r} is missing")
    _check_decisions(con, report, {str(row[0]): str(row[2]) for row in analyses}, catalog_tables)
    report.checked |= {"datasets": len(datasets), "score_columns": len(scores), "analyses": len(analyses)}


def _input_tables(spec_text: str) -> list[str]:
    """The project tables an analysis read: every ``table`` or ``*_table`` string in its inputs, at any depth
    (``source.table`` of risk-return, ``weights_table``, ``price_table``, ``drift_table``…)."""
    try:
        inputs = json.loads(spec_text).get("inputs", {})
    except (ValueError, AttributeError):
        return []  # reported with the JSON fields
    if (
        isinstance(inputs, dict) and "dataset" in inputs
    ):  # --dataset (#21): its rows are in files, not a table
        inputs = {key: value for key, value in inputs.items() if key not in ("table", "dataset")}
    found: list[str] = []
    pending = [inputs]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if isinstance(value, str) and (key == "table" or key.endswith("_table")):
                    found.append(value)
                else:
                    pending.append(value)
        elif isinstance(item, list):
            pending.extend(item)
    return sorted(set(found))


def _check_decisions(
    con: duckdb.DuckDBPyConnection,
    report: IntegrityReport,
    analyses: dict[str, str],
    catalog_tables: set[str],
) -> None:
    decisions = _rows(con, f"SELECT id, analysis, candidate_id FROM {CATALOG_SCHEMA}.decisions")
    for decision, analysis, candidate in decisions:
        if analysis not in analyses:
            report.problems.append(f"decision {decision!r}: its analysis {analysis!r} is not in the project")
            continue
        table = analyses[analysis]
        if table not in catalog_tables or "candidate_id" not in _columns(con, CATALOG_SCHEMA, table):
            continue  # reported with the analysis
        found = con.execute(
            f"SELECT count(*) FROM {CATALOG_SCHEMA}.{ident(table)} WHERE candidate_id::VARCHAR = ?",
            [str(candidate)],
        ).fetchone()
        if not found or not found[0]:
            report.problems.append(
                f"decision {decision!r}: its candidate {candidate!r} is not among the candidates of "
                f"analysis {analysis!r}"
            )
    report.checked["decisions"] = len(decisions)


def _count(con: duckdb.DuckDBPyConnection, schema_name: str, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {ident(schema_name)}.{ident(table)}").fetchone()
    return int(row[0]) if row else 0


def _check_models(con: duckdb.DuckDBPyConnection, report: IntegrityReport, cancel: CancelToken) -> None:
    """Every model's stored bytes hash to the SHA-256 and size the catalog records."""
    names = [str(row[0]) for row in _rows(con, f"SELECT name FROM {CATALOG_SCHEMA}.models ORDER BY name")]
    for name in names:
        cancel.raise_if_cancelled()
        recorded, size, blob = con.execute(
            f"SELECT sha256, size_bytes, onnx FROM {CATALOG_SCHEMA}.models WHERE name = ?", [name]
        ).fetchone() or (None, None, None)
        data = bytes(blob) if blob is not None else b""
        actual = hashlib.sha256(data).hexdigest()
        if actual != recorded:
            report.problems.append(
                f"model {name!r}: its stored bytes have SHA-256 {actual}, but the catalog records {recorded}"
            )
        elif size != len(data):
            report.problems.append(
                f"model {name!r}: {len(data):,} bytes stored, the catalog records {size:,}"
            )
    report.checked["models"] = len(names)
