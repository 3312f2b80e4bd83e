"""Encrypt or decrypt an existing project: copy it into a new file, then replace atomically.

The copy is made in steps that report progress and can be cancelled (house rule 3): the schema
first (``COPY FROM DATABASE … (SCHEMA)``), then each table in row-id ranges of
:data:`CHUNK_ROWS` rows, with a cancellation check between ranges and DuckDB's ``interrupt()``
inside one. The copy is verified table by table before the original is replaced, so a failure
or a cancel at any point leaves the original file untouched and the project open; the staging
file is deleted. DuckDB runs on one thread meanwhile, which keeps the app's window responsive.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import duckdb

from . import audit, keys
from .dbjobs import interruptible
from .errors import ProjectError
from .extensions import load_extension
from .jobs import CancelToken, Progress, no_progress
from .project import ALIAS, Project, open_project, project_path
from .sql import ident, literal

_TARGET = "converted"
CHUNK_ROWS = 16 * 122_880  # 16 DuckDB row groups per step


def encrypt_project(
    project: Project, *, progress: Progress = no_progress, cancel: CancelToken | None = None
) -> bytes:
    """Encrypt ``project``'s file with a fresh key; returns the key. The project is closed.

    Cancelled (:class:`~.errors.CancelledError`) or failed, the file is unchanged and the project
    stays open.
    """
    if project.encrypted:
        raise ProjectError(f"{project.path} is already encrypted.")
    key = keys.new_key()
    _rewrite(project, key, action="encrypt", progress=progress, cancel=cancel or CancelToken())
    if keys.keyring_available():
        with open_project(project.path, key=key):
            pass
    return key


def decrypt_project(
    project: Project, *, progress: Progress = no_progress, cancel: CancelToken | None = None
) -> None:
    """Write ``project``'s file back unencrypted and forget its key. The project is closed.

    Cancelled or failed, the file is unchanged and the project stays open.
    """
    if not project.encrypted:
        raise ProjectError(f"{project.path} is not encrypted.")
    project_id = project.project_id
    _rewrite(project, None, action="decrypt", progress=progress, cancel=cancel or CancelToken())
    keys.forget_key(project_id)


def save_copy(
    project: Project, target: Path, *, progress: Progress = no_progress, cancel: CancelToken | None = None
) -> Path:
    """Write a copy of ``project`` to ``target`` (``.tsproj`` added when no suffix), encrypted with
    the same key when the project is; returns the copy's path. The project stays open and unchanged.

    Run it on a cursor of its own (:func:`.cursors.own_cursor`) when the caller keeps using the
    project meanwhile. An existing ``target`` is refused; a cancel or failure leaves no file.
    """
    destination = project_path(target).absolute()
    if destination.exists():
        raise ProjectError(f"{destination} already exists. Choose another name, or delete that file first.")
    if not destination.parent.is_dir():
        raise ProjectError(f"Folder {destination.parent} does not exist. Create it first.")
    staging = destination.with_name(f".{destination.name}.{uuid.uuid4().hex}.saving")
    details = {"encrypted": project.key is not None, "copied_from": str(project.path)}
    try:
        _copy_into(project.con, staging, project.key, action="save_as", progress=progress,
                   cancel=cancel or CancelToken(), details=details)  # fmt: skip
        os.replace(staging, destination)
    except (OSError, duckdb.Error) as error:
        reason = (
            error.strerror if isinstance(error, OSError) and error.strerror else str(error).splitlines()[0]
        )
        raise ProjectError(
            f"Could not save a copy as {destination}: {reason}. Nothing was written."
        ) from None
    finally:
        for leftover in (staging, staging.with_name(staging.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return destination


def _rewrite(
    project: Project, key: bytes | None, *, action: str, progress: Progress, cancel: CancelToken
) -> None:
    path = project.path
    staging = path.with_name(f".{path.name}.{uuid.uuid4().hex}.{action}")
    try:
        _copy_into(project.con, staging, key, action=action, progress=progress, cancel=cancel)
        cancel.raise_if_cancelled()  # the last point where Cancel still leaves everything as it was
        project.close()
        os.replace(staging, path)
    except (OSError, duckdb.Error) as error:
        reason = (
            error.strerror if isinstance(error, OSError) and error.strerror else str(error).splitlines()[0]
        )
        raise ProjectError(f"Could not {action} {path}: {reason}. The file is unchanged.") from None
    finally:
        for leftover in (staging, staging.with_name(staging.name + ".wal")):
            leftover.unlink(missing_ok=True)


def _copy_into(
    con: duckdb.DuckDBPyConnection,
    staging: Path,
    key: bytes | None,
    *,
    action: str,
    progress: Progress,
    cancel: CancelToken,
    details: dict[str, object] | None = None,
) -> None:
    options = ""
    if key is not None:
        load_extension(con, "httpfs")
        options = f" (ENCRYPTION_KEY {literal(keys.database_secret(key))})"
    con.execute(f"ATTACH {literal(str(staging))} AS {_TARGET}{options}")
    threads = con.execute("SELECT current_setting('threads')").fetchone()
    con.execute("SET threads = 1")
    try:
        with interruptible(con, cancel):
            con.execute(f"COPY FROM DATABASE {ALIAS} TO {_TARGET} (SCHEMA)")
        _copy_rows(con, action, progress, cancel)
        _verify(con)
        con.execute(f"USE {_TARGET}")  # the audit entry belongs to the new file only
        audit.record(con, action=action, subject="project", details=details or {"encrypted": key is not None})
        progress(1.0, "Copied: replacing the file")
    finally:
        con.execute(f"USE {ALIAS}")
        con.execute(f"DETACH {_TARGET}")
        con.execute(f"SET threads = {int(threads[0]) if threads else 1}")


def _copy_rows(con: duckdb.DuckDBPyConnection, action: str, progress: Progress, cancel: CancelToken) -> None:
    """Copy every table's rows in row-id ranges, reporting progress by rows and checking Cancel."""
    sizes = []
    for schema_name, table in con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? ORDER BY 1, 2", [ALIAS]
    ).fetchall():
        name = f"{ident(schema_name)}.{ident(table)}"
        top = con.execute(f"SELECT coalesce(max(rowid) + 1, 0) FROM {ALIAS}.{name}").fetchone()
        sizes.append((name, str(table), int(top[0]) if top else 0))
    total = max(sum(size for _name, _table, size in sizes), 1)
    done = 0
    verb = {"encrypt": "Encrypting", "decrypt": "Decrypting"}.get(action, "Copying")
    for name, table, size in sizes:
        for start in range(0, size, CHUNK_ROWS):
            progress(done / total, f"{verb}: table {table}")
            with interruptible(con, cancel):
                source = f"SELECT * FROM {ALIAS}.{name} WHERE rowid >= ? AND rowid < ?"
                con.execute(f"INSERT INTO {_TARGET}.{name} {source}", [start, start + CHUNK_ROWS])
            done += min(CHUNK_ROWS, size - start)
    progress(done / total, f"{verb}: checking the copy")


def _verify(con: duckdb.DuckDBPyConnection) -> None:
    """Every table of the original exists in the copy with the same row count."""
    tables = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ?", [ALIAS]
    ).fetchall()
    for schema_name, table in tables:
        name = f"{ident(schema_name)}.{ident(table)}"
        original = con.execute(f"SELECT count(*) FROM {ALIAS}.{name}").fetchone()
        copied = con.execute(f"SELECT count(*) FROM {_TARGET}.{name}").fetchone()
        if original != copied:
            raise ProjectError(f"The converted copy of table {table!r} does not match the original.")
