"""WoE, IV and PSI tables of each model's score, on ``iv_bins`` quantile bins of the score.

- Label: p = the negative class's distribution over the bins ("goods" when the positive label
  marks a default), q = the positive class's; IV is the score's predictive strength.
- Protected: for each group, p = the group's distribution, q = the rest's. ``iv_protected``
  is the largest of these. ``dp_gap_bound`` = √IV/2 bounds, by Pinsker's inequality, the gap
  between the group's and the rest's selection rates at any threshold on an IV bin edge.
- Drift: PSI of the score from this table (expected) to ``drift_table`` (actual), overall and
  per group, on the same bins (the rows of a bin: ``score >= score_lo`` and ``< score_hi``).

pandas is imported inside the functions (house rule 7).
"""

from __future__ import annotations

from statistics import NormalDist
from typing import TYPE_CHECKING, Any

import numpy as np

from ...dbjobs import execute_long
from ...jobs import CancelToken, no_progress
from ...project import Project
from ...sql import ident
from ..candidates import AnalysisError
from ..inputs import require_column, table_columns
from .cells import Cells, Float, Int, collapse
from .grouping import source
from .validate import NUMERIC_REASON, Groups
from .woe import Divergence, Sides, divergence, woe_columns

if TYPE_CHECKING:
    import pandas as pd


def model_sides(cells: Cells, edges: Int, groups: Groups) -> dict[str, tuple[str, Sides]]:
    """``{target: (kind, sides)}`` for the label and each group, on the IV bins at ``edges``."""
    weight = collapse(cells.weight, edges)
    rows = collapse(cells.count.astype(np.float64), edges)
    squares = collapse(cells.weight_sq, edges)
    total, total_rows, total_sq = weight.sum(axis=0), rows.sum(axis=0), squares.sum(axis=0)
    out = {
        "label": (
            "label",
            Sides(
                total[:, 0], total[:, 1], total_rows[:, 0], total_rows[:, 1], total_sq[:, 0], total_sq[:, 1]
            ),
        )
    }
    mass, mass_rows, mass_sq = weight.sum(axis=2), rows.sum(axis=2), squares.sum(axis=2)
    for g, label in enumerate(groups.labels):
        rest = (
            mass.sum(axis=0) - mass[g],
            mass_rows.sum(axis=0) - mass_rows[g],
            mass_sq.sum(axis=0) - mass_sq[g],
        )
        out[label] = ("protected", Sides(mass[g], rest[0], mass_rows[g], rest[1], mass_sq[g], rest[2]))
    return out


def _iv_row(model: str, target: str, kind: str, result: Divergence, confidence: float) -> dict[str, Any]:
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    row = {"model": model, "target": target, "kind": kind, "iv": result.value, "iv_se": result.se}
    row |= {"iv_lo": max(0.0, result.value - z * result.se), "iv_hi": result.value + z * result.se}
    row |= {"chi2": result.chi2, "df": result.df, "p_value": result.p_value, "n_p": result.n_p}
    row |= {"n_q": result.n_q, "corrected": result.corrected}
    row["dp_gap_bound"] = float(np.sqrt(result.value) / 2) if kind == "protected" else float("nan")
    return row


def woe_frames(
    cells: Cells, edges: Int, groups: Groups, confidence: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The WoE table (one row per target and bin) and the IV table (one row per target)."""
    import pandas as pd

    woe_rows: list[pd.DataFrame] = []
    iv_rows = []
    for target, (kind, sides) in model_sides(cells, edges, groups).items():
        columns = woe_columns(sides)
        frame = pd.DataFrame({"model": cells.model, "target": target, "bin": np.arange(len(edges) - 1)})
        frame["score_lo"] = cells.thresholds[edges[:-1]]
        frame["score_hi"] = cells.thresholds[edges[1:]]
        frame["n_p"], frame["n_q"] = sides.p_weight, sides.q_weight
        for name, values in columns.items():
            frame[name] = values
        woe_rows.append(frame)
        iv_rows.append(_iv_row(cells.model, target, kind, divergence(sides), confidence))
    return pd.concat(woe_rows, ignore_index=True), pd.DataFrame(iv_rows)


def check_drift_table(project: Project, table: str, scores: tuple[str, ...] | Any) -> dict[str, str]:
    """The drift table's columns, after checking it has every score column (numeric)."""
    columns = table_columns(project, table)
    for score in scores:
        require_column(table, score, columns, numeric=True, reason=NUMERIC_REASON)
    if project.row_count(table) == 0:
        raise AnalysisError(f"Drift table '{table}' has no rows; PSI needs scores in both tables.")
    return columns


def drift_counts(
    project: Project,
    table: str,
    score: str,
    edges: Float,
    *,
    sensitive: tuple[str, ...],
    weights: str | None,
    cancel: CancelToken,
    bins: dict[str, list[float]] | None = None,
) -> list[tuple[Any, ...]]:
    """Rows ``(*group values, bin, rows, weight, squared weight)`` of ``score`` in ``table``."""
    value = f"CAST({ident(score)} AS DOUBLE)"
    bin_sql = " + ".join([f"CAST({value} >= ? AS INTEGER)" for _ in edges]) or "0"
    weight = f"CAST({ident(weights)} AS DOUBLE)" if weights else "CAST(1 AS DOUBLE)"
    keys = "".join(f"{ident(column)}, " for column in sensitive)
    sql = (
        f"SELECT {keys}{bin_sql} AS b, count(*), sum({weight}), sum({weight} * {weight}) "
        f"FROM {source(table, bins or {})} WHERE {value} IS NOT NULL GROUP BY ALL"
    )
    params = [float(edge) for edge in edges]
    execute_long(project.con, sql, params, progress=no_progress, cancel=cancel, message=f"Drift of {score}")
    return project.con.fetchall()


def drift_frame(
    cells: Cells, edges: Int, groups: Groups, counts: list[tuple[Any, ...]], by_group: bool
) -> pd.DataFrame:
    """PSI from this table to the drift table, overall and (when ``by_group``) per group."""
    import pandas as pd

    base = collapse(cells.weight, edges).sum(axis=2)
    base_rows = collapse(cells.count.astype(np.float64), edges).sum(axis=2)
    base_sq = collapse(cells.weight_sq, edges).sum(axis=2)
    bins = len(edges) - 1
    index = {value: g for g, value in enumerate(groups.values)}
    keys = len(groups.columns) if by_group else 0
    actual = np.zeros((len(groups.labels) + 1, 3, bins))
    for row in counts:
        g = index.get(tuple(row[:keys]), -1) if by_group else -1
        b, n, w, w2 = row[keys:]
        sums = (float(w), float(n), float(w2))
        actual[-1, :, b] += sums
        if g >= 0:
            actual[g, :, b] += sums
    targets = [("(all)", -1, base.sum(axis=0), base_rows.sum(axis=0), base_sq.sum(axis=0))]
    if by_group:
        targets += [(label, g, base[g], base_rows[g], base_sq[g]) for g, label in enumerate(groups.labels)]
    rows = []
    for label, g, expected, expected_rows, expected_sq in targets:
        if actual[g, 1].sum() == 0:
            continue
        found = divergence(
            Sides(expected, actual[g, 0], expected_rows, actual[g, 1], expected_sq, actual[g, 2])
        )
        entry = {"model": cells.model, "group": label, "psi": found.value, "psi_se": found.se}
        entry |= {"chi2": found.chi2, "df": found.df, "p_value": found.p_value, "n_expected": found.n_p}
        rows.append(entry | {"n_actual": found.n_q, "corrected": found.corrected})
    return pd.DataFrame(rows)
