"""A project: one DuckDB file (``.tsproj``) holding the data, the models and the catalog.

The database is attached under the alias ``proj`` to an in-memory connection, so that the
encrypted variant (``ATTACH … (ENCRYPTION_KEY …)``) and temporary work tables share one shape.
Every change runs inside :meth:`Project.transaction`: a killed process leaves the last
committed state, since DuckDB replays only committed transactions from its write-ahead log.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from . import schema
from .errors import ProjectError, ProjectLockedError
from .schema import CATALOG_SCHEMA
from .sql import ident, literal

SUFFIX = ".tsproj"
ALIAS = "proj"
_LOCK_PID = re.compile(r"\(PID (\d+)\)")


def project_path(path: str | os.PathLike[str]) -> Path:
    """The project file for ``path``: ``.tsproj`` is appended when no suffix is given."""
    candidate = Path(path)
    return candidate if candidate.suffix else candidate.with_suffix(SUFFIX)


class Project:
    """An open project. Use :func:`create` or :func:`open_project`, then :meth:`close`."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection) -> None:
        self.path = path
        self.con = con
        self.project_id = self.meta("project_id")

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Checkpoint and release the file and its lock."""
        try:
            self.con.execute("CHECKPOINT")
        finally:
            self.con.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run a block atomically: on any error nothing of it reaches the file."""
        self.con.begin()
        try:
            yield self.con
        except BaseException:
            self.con.rollback()
            raise
        self.con.commit()

    def meta(self, key: str) -> str:
        """A value from the catalog's key/value table."""
        row = self.con.execute(
            f"SELECT value FROM {CATALOG_SCHEMA}.meta WHERE key = ?", [key]
        ).fetchone()
        if row is None:
            raise ProjectError(f"{self.path} has no '{key}' in its catalog; it may be damaged.")
        return str(row[0])

    @property
    def schema_version(self) -> int:
        """The catalog schema version stored in the file."""
        return int(self.meta("schema_version"))

    def tables(self) -> list[str]:
        """Names of the user's data tables, sorted."""
        rows = self.con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ? "
            "AND schema_name = 'main' AND NOT temporary ORDER BY table_name",
            [ALIAS],
        ).fetchall()
        return [str(row[0]) for row in rows]

    def columns(self, table: str) -> list[tuple[str, str]]:
        """``(name, DuckDB type)`` of each column of a user table, in order."""
        rows = self.con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ? "
            "AND schema_name = 'main' AND table_name = ? ORDER BY column_index",
            [ALIAS, table],
        ).fetchall()
        return [(str(name), str(dtype)) for name, dtype in rows]

    def row_count(self, table: str) -> int:
        """Number of rows in a user table."""
        row = self.con.execute(f"SELECT count(*) FROM {ident(table)}").fetchone()
        return int(row[0]) if row else 0


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    """Attach ``path`` to a fresh in-memory connection, translating DuckDB's errors."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH {literal(str(path))} AS {ALIAS}")
        con.execute(f"USE {ALIAS}")
    except duckdb.IOException as error:
        con.close()
        raise _translate_open_error(path, error) from None
    return con


def _translate_open_error(path: Path, error: duckdb.Error) -> ProjectError:
    text = str(error)
    if "Could not set lock" in text:
        match = _LOCK_PID.search(text)
        pid = f" (PID {match.group(1)})" if match else ""
        return ProjectLockedError(
            f"{path} is open in another Tradeoff Studio process{pid}. "
            "Close it there first, or work on a copy of the file."
        )
    if "not a valid DuckDB database" in text:
        return ProjectError(f"{path} is not a Tradeoff Studio project (not a DuckDB database file).")
    return ProjectError(f"Could not open {path}: {text}")


def create_project(path: str | os.PathLike[str]) -> Project:
    """Create a new, empty project file. Fails if the file exists."""
    target = project_path(path)
    if target.exists():
        raise ProjectError(f"{target} already exists. Choose another name or open it instead.")
    if not target.parent.is_dir():
        raise ProjectError(f"Folder {target.parent} does not exist. Create it first.")
    staging = target.with_name(f".{target.name}.{uuid.uuid4().hex}.creating")
    try:
        con = _connect(staging)
        try:
            _initialise(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(staging, target)
    except OSError as error:
        raise ProjectError(f"Could not create {target}: {error.strerror or error}") from None
    finally:
        for leftover in (staging, staging.with_name(staging.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return open_project(target)


def _initialise(con: duckdb.DuckDBPyConnection) -> None:
    con.begin()
    for migration in schema.MIGRATIONS:
        migration(con)
    now = datetime.now(UTC).isoformat()
    values = [
        ("schema_version", str(schema.current_version())),
        ("project_id", uuid.uuid4().hex),
        ("created_at", now),
    ]
    con.executemany(f"INSERT INTO {CATALOG_SCHEMA}.meta VALUES (?, ?)", values)
    con.commit()


def open_project(path: str | os.PathLike[str]) -> Project:
    """Open an existing project, migrating its catalog when it is older than this app."""
    target = Path(path)
    if not target.exists() and not target.suffix and project_path(target).exists():
        target = project_path(target)
    if not target.is_file():
        raise ProjectError(f"{target} does not exist. Create it with 'tradeoff-studio new {target}'.")
    con = _connect(target)
    try:
        _check_and_migrate(target, con)
    except BaseException:
        con.close()
        raise
    return Project(target, con)


def _stored_version(path: Path, con: duckdb.DuckDBPyConnection) -> int:
    try:
        row = con.execute(
            f"SELECT value FROM {CATALOG_SCHEMA}.meta WHERE key = 'schema_version'"
        ).fetchone()
    except duckdb.CatalogException:
        row = None
    if row is None:
        raise ProjectError(
            f"{path} is a DuckDB database but not a Tradeoff Studio project (it has no catalog)."
        )
    return int(row[0])


def _check_and_migrate(path: Path, con: duckdb.DuckDBPyConnection) -> None:
    version = _stored_version(path, con)
    latest = schema.current_version()
    if version > latest:
        raise ProjectError(
            f"{path} was written by a newer Tradeoff Studio (schema {version}; this app reads up "
            f"to {latest}). Update Tradeoff Studio to open it."
        )
    if version == latest:
        return
    con.begin()
    try:
        for migration in schema.MIGRATIONS[version:]:
            migration(con)
        con.execute(
            f"UPDATE {CATALOG_SCHEMA}.meta SET value = ? WHERE key = 'schema_version'", [str(latest)]
        )
    except BaseException:
        con.rollback()
        raise
    con.commit()
