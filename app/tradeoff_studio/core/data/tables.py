"""Remove an imported table (``tables remove``), or make room for ``import --replace``.

A table goes with its catalog rows: its provenance (``_ts.datasets``), the score columns
recorded on it (``_ts.score_columns``) and its column roles (``_ts.column_roles``; a replaced
table starts without roles). Analyses and decisions stay: each analysis keeps its
own copy of the candidates, with the source table's name in its inputs. Every removal is one
audit entry (action ``"remove-table"``) inside the transaction that makes it.
"""

from __future__ import annotations

import duckdb

from .. import audit
from ..errors import NotFoundError
from ..project import Project
from ..schema import CATALOG_SCHEMA
from ..sql import ident


def find_table(project: Project, name: str) -> str:
    """The table's name as stored (DuckDB names are case-insensitive), or :class:`NotFoundError`."""
    for table in project.tables():
        if table.casefold() == name.casefold():
            return table
    listed = ", ".join(project.tables()) or "(none yet)"
    raise NotFoundError(f"The project has no table '{name}'. Its tables: {listed}.")


def drop_table(con: duckdb.DuckDBPyConnection, table: str, *, reason: str) -> dict[str, int]:
    """Drop ``table`` and its catalog rows inside the caller's transaction; audit it with ``reason``.

    Returns how many rows the table had and how many score columns were recorded on it.
    """
    row = con.execute(f"SELECT count(*) FROM {ident(table)}").fetchone()
    scores = con.execute(
        f"SELECT count(*) FROM {CATALOG_SCHEMA}.score_columns WHERE lower(table_name) = lower(?)", [table]
    ).fetchone()
    counts = {"rows": int(row[0]) if row else 0, "score_columns": int(scores[0]) if scores else 0}
    con.execute(f"DROP TABLE {ident(table)}")
    con.execute(f"DELETE FROM {CATALOG_SCHEMA}.datasets WHERE lower(table_name) = lower(?)", [table])
    con.execute(f"DELETE FROM {CATALOG_SCHEMA}.score_columns WHERE lower(table_name) = lower(?)", [table])
    con.execute(f"DELETE FROM {CATALOG_SCHEMA}.column_roles WHERE lower(table_name) = lower(?)", [table])
    audit.record(con, action="remove-table", subject=table, details={"reason": reason, **counts})
    return counts


def remove_table(project: Project, name: str) -> dict[str, object]:
    """Remove table ``name`` with its provenance and score-column records, atomically and audited."""
    table = find_table(project, name)
    with project.transaction() as con:
        counts = drop_table(con, table, reason="tables remove")
    return {"table": table, **counts}
