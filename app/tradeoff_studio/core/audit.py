"""The append-only audit trail (house rule 13).

Every action that changes a project calls :func:`record` inside the same transaction as the
change, so an entry exists exactly when the change does.
"""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass
from typing import Any

import duckdb

from .schema import CATALOG_SCHEMA


@dataclass(frozen=True)
class AuditEntry:
    """One audited action."""

    seq: int
    logged_at: str
    username: str
    action: str
    subject: str
    details: dict[str, Any]
    input_sha256: str | None
    output_sha256: str | None


def current_user() -> str:
    """The OS user name, or 'unknown' where the platform cannot tell."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def record(
    con: duckdb.DuckDBPyConnection,
    *,
    action: str,
    subject: str,
    details: dict[str, Any],
    input_sha256: str | None = None,
    output_sha256: str | None = None,
) -> None:
    """Append one entry; call inside the transaction that makes the change."""
    con.execute(
        f"""INSERT INTO {CATALOG_SCHEMA}.audit
            SELECT coalesce(max(seq), 0) + 1, now(), ?, ?, ?, ?, ?, ?
            FROM {CATALOG_SCHEMA}.audit""",
        [current_user(), action, subject, json.dumps(details), input_sha256, output_sha256],
    )


def entries(con: duckdb.DuckDBPyConnection) -> list[AuditEntry]:
    """All entries, oldest first."""
    rows = con.execute(
        f"SELECT seq, logged_at::VARCHAR, username, action, subject, details, input_sha256, output_sha256 "
        f"FROM {CATALOG_SCHEMA}.audit ORDER BY seq"
    ).fetchall()
    return [
        AuditEntry(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), row[6], row[7]) for row in rows
    ]
