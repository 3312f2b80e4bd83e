"""The project catalog's schema and its migrations (house rule 6).

``MIGRATIONS[i]`` takes a project from schema version ``i`` to ``i + 1``. A new project runs
all of them; opening an older project runs the ones it lacks, in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

CATALOG_SCHEMA = "_ts"

Migration = Callable[[duckdb.DuckDBPyConnection], None]


def _create_catalog(con: duckdb.DuckDBPyConnection) -> None:
    """Version 1: the catalog of datasets, models, score columns, analyses, decisions, audit."""
    statements = [
        f"CREATE SCHEMA IF NOT EXISTS {CATALOG_SCHEMA}",
        f"""CREATE TABLE {CATALOG_SCHEMA}.meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)""",
        f"""CREATE TABLE {CATALOG_SCHEMA}.datasets (
            table_name VARCHAR PRIMARY KEY, format VARCHAR NOT NULL, row_count BIGINT NOT NULL,
            columns JSON NOT NULL, sources JSON NOT NULL, reader_options JSON NOT NULL,
            imported_at TIMESTAMPTZ NOT NULL)""",
        f"""CREATE TABLE {CATALOG_SCHEMA}.models (
            name VARCHAR PRIMARY KEY, sha256 VARCHAR NOT NULL, size_bytes BIGINT NOT NULL,
            source_path VARCHAR NOT NULL, manifest JSON NOT NULL, onnx BLOB NOT NULL,
            added_at TIMESTAMPTZ NOT NULL)""",
        f"""CREATE TABLE {CATALOG_SCHEMA}.score_columns (
            table_name VARCHAR NOT NULL, column_name VARCHAR NOT NULL, model_name VARCHAR NOT NULL,
            model_sha256 VARCHAR NOT NULL, model_output VARCHAR NOT NULL, input_mapping JSON NOT NULL,
            provider VARCHAR NOT NULL, row_count BIGINT NOT NULL, seconds DOUBLE NOT NULL,
            created_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (table_name, column_name))""",
        f"""CREATE TABLE {CATALOG_SCHEMA}.analyses (
            name VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, spec JSON NOT NULL,
            candidates_table VARCHAR NOT NULL, created_at TIMESTAMPTZ NOT NULL)""",
        f"""CREATE TABLE {CATALOG_SCHEMA}.decisions (
            id VARCHAR PRIMARY KEY, analysis VARCHAR NOT NULL, candidate_id VARCHAR NOT NULL,
            preferences JSON NOT NULL, rationale VARCHAR NOT NULL, author VARCHAR NOT NULL,
            decided_at TIMESTAMPTZ NOT NULL)""",
        f"""CREATE TABLE {CATALOG_SCHEMA}.audit (
            seq BIGINT PRIMARY KEY, logged_at TIMESTAMPTZ NOT NULL, username VARCHAR NOT NULL,
            action VARCHAR NOT NULL, subject VARCHAR NOT NULL, details JSON NOT NULL,
            input_sha256 VARCHAR, output_sha256 VARCHAR)""",
    ]
    for statement in statements:
        con.execute(statement)


def _decision_status(con: duckdb.DuckDBPyConnection) -> None:
    """Version 2: every decision has a status (``current``, ``superseded`` or ``withdrawn``).

    Decisions recorded before are ``current``: nothing said otherwise. ``supersedes`` and
    ``superseded_by`` link a decision to the one it replaced and the one that replaced it;
    ``status_reason`` says why a decision was withdrawn, ``status_changed_at`` when.
    """
    for column in (
        "status VARCHAR DEFAULT 'current'",
        "supersedes VARCHAR",
        "superseded_by VARCHAR",
        "status_reason VARCHAR",
        "status_changed_at TIMESTAMPTZ",
    ):
        con.execute(f"ALTER TABLE {CATALOG_SCHEMA}.decisions ADD COLUMN {column}")
    con.execute(f"UPDATE {CATALOG_SCHEMA}.decisions SET status = 'current' WHERE status IS NULL")


def _column_roles(con: duckdb.DuckDBPyConnection) -> None:
    """Version 3: the role a column plays (label, weight, sensitive attribute…), set in the data view or
    with ``tradeoff-studio roles``; ``value`` is a label's favourable value (NULL for other roles)."""
    con.execute(
        f"""CREATE TABLE {CATALOG_SCHEMA}.column_roles (
            table_name VARCHAR NOT NULL, column_name VARCHAR NOT NULL, role VARCHAR NOT NULL,
            value VARCHAR, set_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (table_name, column_name))"""
    )


def _explorations(con: duckdb.DuckDBPyConnection) -> None:
    """Exploration trails (``navigate``): steps taken on an analysis's front, never decisions.

    One row per step: the analysis, the trail's name, the step number (1, 2, …), when, and the
    step as JSON (what was asked, the projection and its neighbours).
    """
    con.execute(
        f"""CREATE TABLE {CATALOG_SCHEMA}.explorations (
            analysis VARCHAR NOT NULL, trail VARCHAR NOT NULL, step INTEGER NOT NULL,
            created_at TIMESTAMPTZ NOT NULL, author VARCHAR NOT NULL, details JSON NOT NULL,
            PRIMARY KEY (analysis, trail, step))"""
    )


def _reports(con: duckdb.DuckDBPyConnection) -> None:
    """Saved trade-off reports (issue #13): each save is a new version of a report, with its model
    JSON, the model's digest, its decisions and who saved it (audited as ``report``)."""
    con.execute(
        f"""CREATE TABLE {CATALOG_SCHEMA}.reports (
            id VARCHAR NOT NULL, version INTEGER NOT NULL, title VARCHAR NOT NULL, decisions JSON NOT NULL,
            model JSON NOT NULL, digest VARCHAR NOT NULL, author VARCHAR NOT NULL,
            saved_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (id, version))"""
    )


MIGRATIONS: list[Migration] = [_create_catalog, _decision_status, _column_roles, _explorations, _reports]


def current_version() -> int:
    """The schema version this build of the app writes."""
    return len(MIGRATIONS)
