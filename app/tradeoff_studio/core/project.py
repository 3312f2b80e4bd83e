"""A project: one DuckDB file (``.tsproj``) holding the data, the models and the catalog.

The database is attached under the alias ``proj`` to an in-memory connection, so that the
encrypted variant (``ATTACH … (ENCRYPTION_KEY …)``) and temporary work tables share one shape.
Every change runs inside :meth:`Project.transaction`: a killed process leaves the last
committed state, since DuckDB replays only committed transactions from its write-ahead log.
"""

from __future__ import annotations

import glob
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from . import keys, schema
from .catalog_check import check_catalog_fields, parse_schema_version
from .errors import ProjectDamagedError, ProjectError, ProjectLockedError
from .extensions import load_extension
from .files import check_regular_file
from .keys import ProjectKeyError
from .schema import CATALOG_SCHEMA
from .sql import ident, literal

SUFFIX = ".tsproj"
ALIAS = "proj"
_LOCK_PID = re.compile(r"\(PID (\d+)\)")
STAGING_SUFFIXES = (".encrypt", ".decrypt", ".encrypt.wal", ".decrypt.wal")
_DISK_FULL = ("No space left", "File too large", "Disk quota")
_DAMAGE = ("Could not read enough bytes", "Corrupt database file", "checksum", "Failed to load metadata",
           "block id")  # fmt: skip
_READ_ONLY = ("Permission denied", "Read-only file system", "Operation not permitted")


class ProjectKeyRequiredError(ProjectKeyError):
    """The project is encrypted and no key for it was given or found in the keyring."""


def project_path(path: str | os.PathLike[str]) -> Path:
    """The project file for ``path``: ``.tsproj`` is appended when no suffix is given."""
    candidate = Path(path)
    return candidate if candidate.suffix else candidate.with_suffix(SUFFIX)


class Project:
    """An open project. Use :func:`create` or :func:`open_project`, then :meth:`close`."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection, key: bytes | None = None) -> None:
        self.path = path
        self.con = con
        self.key = key
        self.closed = False
        self.project_id = self.meta("project_id")

    @property
    def encrypted(self) -> bool:
        """Whether the file is encrypted (AES-GCM through DuckDB and OpenSSL)."""
        return self.key is not None

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Checkpoint and release the file and its lock (a second call does nothing)."""
        if self.closed:
            return
        self.closed = True
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
            self.con.commit()
        except duckdb.Error as error:
            self._rollback_quietly()
            if is_write_failure(error):
                raise write_error(self.path, error) from None
            raise
        except BaseException:
            self._rollback_quietly()
            raise

    def _rollback_quietly(self) -> None:
        """Roll back; after a fatal write error DuckDB has already discarded the transaction."""
        try:
            self.con.rollback()
        except duckdb.Error:
            return

    # The open path and `info` bind no parameters: DuckDB 1.5.5 compares every non-None parameter
    # with pandas.NaT/NA before converting it (GetPythonObjectType), which imports pandas (+0.3 s).
    # The catalog's meta table and column list are small, so they are read whole and filtered here.

    def meta(self, key: str) -> str:
        """A value from the catalog's key/value table."""
        rows = dict(self.con.execute(f"SELECT key, value FROM {CATALOG_SCHEMA}.meta").fetchall())
        if key not in rows:
            raise ProjectError(f"{self.path} has no '{key}' in its catalog; it may be damaged.")
        return str(rows[key])

    @property
    def schema_version(self) -> int:
        """The catalog schema version stored in the file."""
        return parse_schema_version(self.path, self.meta("schema_version"), schema.current_version())

    def tables(self) -> list[str]:
        """Names of the user's data tables, sorted."""
        rows = self.con.execute(
            f"SELECT table_name FROM duckdb_tables() WHERE database_name = {literal(ALIAS)} "
            "AND schema_name = 'main' AND NOT temporary ORDER BY table_name"
        ).fetchall()
        return [str(row[0]) for row in rows]

    def columns(self, table: str) -> list[tuple[str, str]]:
        """``(name, DuckDB type)`` of each column of a user table, in order."""
        rows = self.con.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() "
            f"WHERE database_name = {literal(ALIAS)} AND schema_name = 'main' ORDER BY column_index"
        ).fetchall()
        return [(str(name), str(dtype)) for owner, name, dtype in rows if owner == table]

    def row_count(self, table: str) -> int:
        """Number of rows in a user table."""
        row = self.con.execute(f"SELECT count(*) FROM {ident(table)}").fetchone()
        return int(row[0]) if row else 0


def _connect(path: Path, key: bytes | None = None) -> duckdb.DuckDBPyConnection:
    """Attach ``path`` to a fresh in-memory connection, translating DuckDB's errors."""
    con = duckdb.connect(":memory:")
    try:
        options = ""
        if key is not None:
            load_extension(con, "httpfs")  # OpenSSL AES-GCM: without it DuckDB can only read
            options = f" (ENCRYPTION_KEY {literal(keys.database_secret(key))})"
        con.execute(f"ATTACH {literal(str(path))} AS {ALIAS}{options}")
        con.execute(f"USE {ALIAS}")
    except duckdb.Error as error:
        con.close()
        raise (damaged_file_error(path) if is_damage(error) else _translate_open_error(path, error)) from None
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
    if "without a key" in text:
        return ProjectKeyRequiredError(
            f"{path} is encrypted and its key is not in this machine's keyring. Open it with its "
            "recovery key (--recovery-key-file FILE on the command line)."
        )
    if "Wrong encryption key" in text:
        return ProjectKeyError(
            f"The key does not open {path}: it is the wrong recovery key for this project."
        )
    if "not a valid DuckDB database" in text:
        return ProjectError(f"{path} is not a Tradeoff Studio project (not a DuckDB database file).")
    if any(marker in text for marker in _READ_ONLY):
        return ProjectError(
            f"{path} cannot be opened for writing (read-only file or folder). "
            "Copy it somewhere writable, or change its permissions."
        )
    return ProjectError(f"Could not open {path}: {text.strip().splitlines()[0]}")


def is_damage(error: duckdb.Error) -> bool:
    """Whether DuckDB found the file truncated or its blocks overwritten."""
    return any(marker in str(error) for marker in _DAMAGE)


def damaged_file_error(path: Path) -> ProjectDamagedError:
    """The user-facing error for a truncated or overwritten project file."""
    return ProjectDamagedError(
        f"The project file {path} is damaged or not a Tradeoff Studio project: it is truncated or parts "
        "of it were overwritten. Restore it from a backup (or run 'tradeoff-studio check' on it)."
    )


def is_write_failure(error: duckdb.Error) -> bool:
    """Whether DuckDB failed to write the file: a full disk, a size limit, or a read-only place."""
    return any(marker in str(error) for marker in (*_DISK_FULL, *_READ_ONLY))


def write_error(path: Path, error: duckdb.Error) -> ProjectError:
    """The user-facing error for a write that failed: nothing of it reached the file."""
    text = str(error)
    cause = (
        "the disk is full (or a file size limit was reached); free some space and try again"
        if any(marker in text for marker in _DISK_FULL)
        else "the file or its folder is read-only; copy the project somewhere writable"
    )
    return ProjectError(
        f"Could not write {path}: {cause}. Nothing was changed. ({text.strip().splitlines()[0]})"
    )


def _check_folder_writable(path: Path) -> None:
    """DuckDB writes a log next to the file: refuse early, with a clear message, if it cannot."""
    probe = path.with_name(f".{path.name}.{uuid.uuid4().hex}.probe")
    try:
        probe.touch(exist_ok=False)
    except OSError:
        raise ProjectError(
            f"{path} cannot be opened for writing: its folder {path.parent} is read-only. "
            "Copy the project somewhere writable."
        ) from None
    probe.unlink(missing_ok=True)


def create_project(path: str | os.PathLike[str], *, encrypted: bool = False) -> Project:
    """Create a new, empty project file (encrypted with a fresh key if asked). Fails if it exists.

    The key of an encrypted project goes into the keyring when one is available; either way it
    is on the returned project's ``key`` so the caller can show its recovery key.
    """
    target = project_path(path).absolute()
    if target.exists():
        raise ProjectError(f"{target} already exists. Choose another name or open it instead.")
    if not target.parent.is_dir():
        raise ProjectError(f"Folder {target.parent} does not exist. Create it first.")
    key = keys.new_key() if encrypted else None
    staging = target.with_name(f".{target.name}.{uuid.uuid4().hex}.creating")
    try:
        con = _connect(staging, key)
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
    project = open_project(target, key=key)
    return project


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


def open_project(path: str | os.PathLike[str], *, key: bytes | None = None) -> Project:
    """Open an existing project, migrating its catalog when it is older than this app.

    An encrypted project opens with ``key`` (a recovery key the user gave) or else with the
    key the keyring holds for it. A key given explicitly is remembered in the keyring, when
    one is available, so the next open needs nothing.
    """
    target = Path(path).absolute()
    if not target.exists() and not target.suffix and project_path(target).exists():
        target = project_path(target)
    if not target.is_file():
        if os.path.lexists(target):  # a directory, FIFO, device or link loop: say which
            check_regular_file(target, what="project file", error_type=ProjectError)
        raise ProjectError(f"{target} does not exist. Create it with 'tradeoff-studio new {target}'.")
    _check_folder_writable(target)
    con, used_key = _connect_with_any_key(target, key)
    try:
        _check_and_migrate(target, con)
        check_catalog_fields(target, con)
    except BaseException:
        con.close()
        raise
    project = Project(target, con, used_key)
    _remove_stale_staging(target)
    if key is not None and used_key is not None and keys.keyring_available():
        keys.store_key(project.project_id, used_key, target)
    return project


def _remove_stale_staging(path: Path) -> None:
    """Delete copies a killed create/encrypt/decrypt left beside the file.

    Safe while we hold the project's lock: a conversion in progress holds it too.
    """
    for leftover in path.parent.glob(f".{glob.escape(path.name)}.*"):
        if leftover.name.endswith(STAGING_SUFFIXES):
            leftover.unlink(missing_ok=True)


def attach_unchecked(path: Path, key: bytes | None = None) -> tuple[duckdb.DuckDBPyConnection, bytes | None]:
    """Attach ``path`` as :func:`open_project` does (plainly, with ``key``, with the keyring's) but
    without checking or migrating its catalog: for the integrity check, which reports what it finds."""
    return _connect_with_any_key(path, key)


def _connect_with_any_key(path: Path, key: bytes | None) -> tuple[duckdb.DuckDBPyConnection, bytes | None]:
    """Connect plainly, then with the given key, then with the keyring's."""
    try:
        return _connect(path), None
    except ProjectKeyRequiredError:
        candidate = key if key is not None else keys.load_key(path)
        if candidate is None:
            raise
        return _connect(path, candidate), candidate


def _stored_version(path: Path, con: duckdb.DuckDBPyConnection) -> int:
    try:
        row = con.execute(f"SELECT value FROM {CATALOG_SCHEMA}.meta WHERE key = 'schema_version'").fetchone()
    except duckdb.CatalogException:
        row = None
    except duckdb.Error as error:
        raise (damaged_file_error(path) if is_damage(error) else _translate_open_error(path, error)) from None
    if row is None:
        raise ProjectError(
            f"{path} is a DuckDB database but not a Tradeoff Studio project (it has no catalog)."
        )
    return parse_schema_version(path, row[0], schema.current_version())


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
        con.execute(f"UPDATE {CATALOG_SCHEMA}.meta SET value = ? WHERE key = 'schema_version'", [str(latest)])
    except BaseException:
        con.rollback()
        raise
    con.commit()
