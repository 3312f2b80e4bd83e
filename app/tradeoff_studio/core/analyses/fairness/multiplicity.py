"""Predictive multiplicity across the score columns (Watson-Daniels, Parkes & Ustun, AAAI 2023).

The baseline h₀ is the score with the lowest (weighted) log-loss; the Rashomon set is every
score within ``epsilon`` of it. With δ = ``delta``:

- ambiguity = share of rows whose score *some* model of the set moves by ≥ δ from h₀;
- discrepancy = the largest share of rows that *one* model moves by ≥ δ (never above ambiguity);
- viable prediction range of a row = [min, max] of the set's scores for it.

Log-loss needs probabilities, so every score must lie in [0, 1]; scores are clipped to
[1e-15, 1 − 1e-15] inside the logarithm. Two scans of the table in DuckDB; the per-row ranges
come back only up to ``vpr_row_limit`` rows. Shares are weighted when the spec has weights.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ...dbjobs import execute_long
from ...jobs import CancelToken, Progress, no_progress
from ...project import Project
from ...sql import ident
from ..candidates import AnalysisError
from .grouping import Bins, source
from .spec import FairnessSpec
from .validate import TableFacts, group_label, ident_order

if TYPE_CHECKING:
    import pandas as pd

CLIP = 1e-15


@dataclass(frozen=True)
class Multiplicity:
    """Multiplicity of the Rashomon set; ``rows`` holds per-row ranges (None above the limit)."""

    epsilon: float
    delta: float
    losses: dict[str, float]
    baseline: str
    rashomon: list[str]
    ambiguity: float
    discrepancy: float
    discrepancy_model: str | None
    vpr_width_mean: float
    vpr_width_max: float
    by_group: pd.DataFrame
    rows: pd.DataFrame | None


def refusal(spec: FairnessSpec, facts: TableFacts) -> str | None:
    """Why multiplicity cannot be computed for this spec and table, or None when it can."""
    if len(spec.scores) < 2:
        return "Predictive multiplicity needs at least two score columns to compare."
    outside = [name for name, found in facts.scores.items() if found.low < 0.0 or found.high > 1.0]
    if outside:
        return (
            f"Predictive multiplicity compares log-losses, which need probabilities in [0, 1]; score "
            f"column(s) {', '.join(outside)} of table '{spec.table}' lie outside [0, 1]."
        )
    return None


@dataclass(frozen=True)
class _Job:
    """Where multiplicity's scans report progress and look for cancellation."""

    project: Project
    progress: Progress
    cancel: CancelToken

    def rows(self, sql: str, params: list[Any], message: str) -> list[tuple[Any, ...]]:
        """Run ``sql`` as a long job and fetch every row."""
        execute_long(
            self.project.con, sql, params, progress=self.progress, cancel=self.cancel, message=message
        )
        return self.project.con.fetchall()


def _losses(job: _Job, spec: FairnessSpec, facts: TableFacts) -> dict[str, float]:
    weight = f"CAST({ident(spec.weights)} AS DOUBLE)" if spec.weights else "CAST(1 AS DOUBLE)"
    terms = []
    for score in spec.scores:
        value = f"CAST({ident(score)} AS DOUBLE)"
        loss = (
            f"CASE WHEN {ident(spec.label)} = $1 THEN -ln(greatest({value}, {CLIP})) "
            f"ELSE -ln(greatest(1 - {value}, {CLIP})) END"
        )
        terms.append(f"sum({weight} * {loss}) / sum({weight})")
    (row,) = job.rows(f"SELECT {', '.join(terms)} FROM {ident(spec.table)}", [facts.positive], "Log-losses")
    return {score: float(value) for score, value in zip(spec.scores, row, strict=True)}


def _spread_sql(baseline: str, others: list[str]) -> dict[str, str]:
    """SQL for the largest move from h₀, the range's ends, a flag per model and the flags' sums."""
    h0 = f"CAST({ident(baseline)} AS DOUBLE)"
    moves = [f"abs(CAST({ident(other)} AS DOUBLE) - {h0})" for other in others]
    every = [h0, *(f"CAST({ident(other)} AS DOUBLE)" for other in others)]
    if not others:
        return {"move": "0.0", "lo": h0, "hi": h0, "flags": "", "sums": ""}
    return {
        "move": f"greatest({', '.join(moves)})" if len(moves) > 1 else moves[0],
        "lo": f"least({', '.join(every)})",
        "hi": f"greatest({', '.join(every)})",
        "flags": "".join(f", CAST({move} >= $1 AS DOUBLE) AS m{i}" for i, move in enumerate(moves)),
        "sums": "".join(f", sum(w * m{i})" for i in range(len(moves))),
    }


def analyze_multiplicity(
    project: Project,
    spec: FairnessSpec,
    facts: TableFacts,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> Multiplicity:
    """Ambiguity, discrepancy and viable prediction ranges of the Rashomon set of ``spec.scores``.

    ``facts`` come from :func:`.validate.validate`. Raises :class:`AnalysisError` when
    :func:`refusal` gives a reason; the scans report progress and stop when ``cancel`` fires.
    """
    import pandas as pd

    reason = refusal(spec, facts)
    if reason is not None:
        raise AnalysisError(reason)
    job = _Job(project, progress, cancel or CancelToken())
    losses = _losses(job, spec, facts)
    baseline = min(losses, key=losses.__getitem__)
    rashomon = [s for s in spec.scores if losses[s] <= losses[baseline] + spec.epsilon]
    others = [s for s in rashomon if s != baseline]
    sql = _spread_sql(baseline, others)
    found = _by_group(job, spec, sql, facts.bins)
    keys = len(spec.sensitive)
    sums = np.array([row[keys + 1 :] for row in found], dtype=np.float64)
    weight_sum, ambiguous, width, width_max = sums[:, 0], sums[:, 1], sums[:, 2], sums[:, 3]
    total = float(weight_sum.sum())
    moved = [float(sums[:, 4 + i].sum()) / total for i in range(len(others))]
    by_group = pd.DataFrame({
        "group": [group_label(spec.sensitive, tuple(row[:keys])) for row in found],
        "rows": np.array([row[keys] for row in found], dtype=np.int64),
        "ambiguity": ambiguous / weight_sum,
        "vpr_width_mean": width / weight_sum,
        "vpr_width_max": width_max,
    })  # fmt: skip
    return Multiplicity(
        spec.epsilon, spec.delta, losses, baseline, rashomon,
        float(ambiguous.sum()) / total,
        max(moved, default=0.0),
        others[moved.index(max(moved))] if others else None,
        float(width.sum()) / total,
        float(width_max.max()),
        by_group,
        _rows(job, spec, sql) if facts.rows <= spec.vpr_row_limit else None,
    )  # fmt: skip


def _by_group(job: _Job, spec: FairnessSpec, sql: dict[str, str], bins: Bins) -> list[tuple[Any, ...]]:
    """Per group: rows, weight, ambiguous weight, summed and largest width, weight each model moves."""
    weight = f"CAST({ident(spec.weights)} AS DOUBLE)" if spec.weights else "CAST(1 AS DOUBLE)"
    sensitive = ", ".join(ident(column) for column in spec.sensitive)
    return job.rows(
        f"WITH r AS (SELECT {sensitive}, {weight} AS w, {sql['move']} AS move, "
        f"{sql['hi']} - {sql['lo']} AS width{sql['flags']} FROM {source(spec.table, bins)}) "
        f"SELECT {sensitive}, count(*), sum(w), sum(w * CAST(move >= $1 AS DOUBLE)), sum(w * width), "
        f"max(width){sql['sums']} FROM r GROUP BY ALL ORDER BY {ident_order(spec.sensitive)}",
        [spec.delta],
        "Prediction ranges",
    )


def _rows(job: _Job, spec: FairnessSpec, sql: dict[str, str]) -> pd.DataFrame:
    columns = f"rowid AS row_id, {sql['lo']} AS vpr_lo, {sql['hi']} AS vpr_hi"
    query = f"SELECT {columns} FROM {ident(spec.table)} ORDER BY rowid"
    execute_long(
        job.project.con, query, [], progress=job.progress, cancel=job.cancel, message="Per-row ranges"
    )
    return job.project.con.df()
