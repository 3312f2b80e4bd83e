"""A new score column: added, filled, catalogued and audited in one transaction.

The scores arrive as ``(rowid, score)`` pairs in whatever order the scan produced them; the
column is filled by joining on ``rowid``, so every score lands on its own row.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
import numpy as np

from .. import audit
from ..errors import ModelError, ProjectError
from ..jobs import CancelToken, Progress
from ..project import ALIAS, Project
from ..schema import CATALOG_SCHEMA
from ..sql import ident
from .manifest import sha256_hex
from .mapping import InputMapping, OutputSpec
from .registry import ModelRecord


@dataclass(frozen=True)
class ScoreRecord:
    """A score column: where it is, what produced it, and how long it took."""

    table_name: str
    column_name: str
    model_name: str
    model_sha256: str
    model_output: str
    input_mapping: InputMapping
    provider: str
    row_count: int
    seconds: float
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (the keys of the project summary's score columns)."""
        return {
            "table": self.table_name,
            "column": self.column_name,
            "model": self.model_name,
            "model_sha256": self.model_sha256,
            "output": self.model_output,
            "input_mapping": self.input_mapping.to_dict(),
            "provider": self.provider,
            "rows": self.row_count,
            "seconds": self.seconds,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class ScorePlan:
    """What a scoring run writes where, everything checked before the model runs."""

    table: str
    column: str
    model: ModelRecord
    mapping: InputMapping
    output: OutputSpec
    rows: int

    @property
    def source(self) -> str:
        """The table's qualified, quoted name."""
        return f"{ALIAS}.main.{ident(self.table)}"


def table_changed(plan: ScorePlan) -> ModelError:
    """The error for a table whose row count changed during the run."""
    return ModelError(
        f"Table '{plan.table}' changed while it was being scored (it had {plan.rows:,} rows). "
        "Nothing was written; score it again."
    )


def write_score_column(
    project: Project,
    plan: ScorePlan,
    rowids: np.ndarray,
    scores: np.ndarray,
    *,
    provider: str,
    started: float,
    progress: Progress,
    cancel: CancelToken,
) -> ScoreRecord:
    """Add and fill the column, its catalog row and the audit entry in one transaction.

    ``rowids`` and ``scores`` are parallel arrays over every row of the table; ``started`` is the
    ``time.perf_counter()`` at which the run began. The audit entry's input hash is the model's
    SHA-256, its output hash that of the scores as little-endian float64 in ``rowid`` order.
    """
    cancel.raise_if_cancelled()
    progress(0.96, f"Writing column '{plan.column}' to table '{plan.table}'")
    output_sha256 = sha256_hex(scores[np.argsort(rowids, kind="stable")].astype("<f8").tobytes())
    view = f"_ts_scores_{uuid.uuid4().hex}"
    project.con.register(view, {"rid": rowids, "score": scores})  # NumPy arrays, scanned in place
    try:
        with project.transaction() as con:
            _fill_column(con, plan, view)
            progress(0.98, "Recording the score column in the catalog")
            record = _record(plan, provider, time.perf_counter() - started)
            _catalog(con, record, output_sha256)
            cancel.raise_if_cancelled()
    finally:
        project.con.unregister(view)
    progress(1.0, f"Scored {plan.rows:,} rows into '{plan.column}'")
    return record


def _fill_column(con: duckdb.DuckDBPyConnection, plan: ScorePlan, view: str) -> None:
    """ALTER TABLE … ADD COLUMN, then UPDATE … FROM the scores joined on rowid.

    Measured on 1M rows x 23 columns (bench_scoring.py --write, median of 5, commit included):
    0.106 s, against 0.616 s for rebuilding the table with the new column and swapping it in.
    """
    column = ident(plan.column)
    try:
        con.execute(f"ALTER TABLE {plan.source} ADD COLUMN {column} DOUBLE")
        row = con.execute(
            f"UPDATE {plan.source} AS t SET {column} = s.score FROM {ident(view)} AS s WHERE t.rowid = s.rid"
        ).fetchone()
        total = con.execute(f"SELECT count(*) FROM {plan.source}").fetchone()
    except duckdb.Error as error:
        raise ProjectError(
            f"Could not write column '{plan.column}' to table '{plan.table}': {error}. Nothing was written."
        ) from None
    if row is None or total is None or int(row[0]) != plan.rows or int(total[0]) != plan.rows:
        raise table_changed(plan)


def _record(plan: ScorePlan, provider: str, seconds: float) -> ScoreRecord:
    return ScoreRecord(
        table_name=plan.table,
        column_name=plan.column,
        model_name=plan.model.name,
        model_sha256=plan.model.sha256,
        model_output=plan.output.describe(),
        input_mapping=plan.mapping,
        provider=provider,
        row_count=plan.rows,
        seconds=seconds,
        created_at=datetime.now(UTC),
    )


def _catalog(con: duckdb.DuckDBPyConnection, record: ScoreRecord, output_sha256: str) -> None:
    """The ``_ts.score_columns`` row and the audit entry of a new score column."""
    mapping = record.input_mapping.to_dict()
    con.execute(
        f"INSERT OR REPLACE INTO {CATALOG_SCHEMA}.score_columns (table_name, column_name, model_name, "
        "model_sha256, model_output, input_mapping, provider, row_count, seconds, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [record.table_name, record.column_name, record.model_name, record.model_sha256, record.model_output,
         json.dumps(mapping), record.provider, record.row_count, record.seconds, record.created_at],
    )  # fmt: skip
    details = record.to_dict()
    del details["created_at"]
    audit.record(
        con,
        action="score",
        subject=f"{record.table_name}.{record.column_name}",
        details=details,
        input_sha256=record.model_sha256,
        output_sha256=output_sha256,
    )
