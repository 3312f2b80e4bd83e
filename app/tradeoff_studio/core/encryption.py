"""Encrypt or decrypt an existing project: copy it into a new file, then replace atomically.

The copy (``COPY FROM DATABASE``) is verified table by table before the original is replaced,
so a failure at any point leaves the original file untouched.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import duckdb

from . import audit, keys
from .errors import ProjectError
from .extensions import load_extension
from .project import ALIAS, Project, open_project
from .sql import ident, literal

_TARGET = "converted"


def encrypt_project(project: Project) -> bytes:
    """Encrypt ``project``'s file with a fresh key; returns the key. The project is closed."""
    if project.encrypted:
        raise ProjectError(f"{project.path} is already encrypted.")
    key = keys.new_key()
    _rewrite(project, key, action="encrypt")
    if keys.keyring_available():
        with open_project(project.path, key=key):
            pass
    return key


def decrypt_project(project: Project) -> None:
    """Write ``project``'s file back unencrypted and forget its key. The project is closed."""
    if not project.encrypted:
        raise ProjectError(f"{project.path} is not encrypted.")
    project_id = project.project_id
    _rewrite(project, None, action="decrypt")
    keys.forget_key(project_id)


def _rewrite(project: Project, key: bytes | None, *, action: str) -> None:
    path = project.path
    staging = path.with_name(f".{path.name}.{uuid.uuid4().hex}.{action}")
    try:
        _copy_into(project.con, staging, key, action=action)
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


def _copy_into(con: duckdb.DuckDBPyConnection, staging: Path, key: bytes | None, *, action: str) -> None:
    options = ""
    if key is not None:
        load_extension(con, "httpfs")
        options = f" (ENCRYPTION_KEY {literal(keys.database_secret(key))})"
    con.execute(f"ATTACH {literal(str(staging))} AS {_TARGET}{options}")
    try:
        con.execute(f"COPY FROM DATABASE {ALIAS} TO {_TARGET}")
        _verify(con)
        con.execute(f"USE {_TARGET}")  # the audit entry belongs to the new file only
        audit.record(con, action=action, subject="project", details={"encrypted": key is not None})
    finally:
        con.execute(f"USE {ALIAS}")
        con.execute(f"DETACH {_TARGET}")


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
