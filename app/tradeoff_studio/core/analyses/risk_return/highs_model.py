"""The HiGHS model's parts for the risk–return programs: constraint rows, measure columns, plumbing.

:mod:`.measure_frontier` assembles them: per-asset bounds and the budget and return rows there;
group bounds, absolute limits (turnover, gross exposure), the CVaR and CDaR scenario columns and
rows, and the Hessian of a quadratic program here.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np

INF = float("inf")
OPTIONS = (
    ("output_flag", False),
    ("threads", 1),
    ("random_seed", 0),
    ("primal_feasibility_tolerance", 1e-9),
    ("dual_feasibility_tolerance", 1e-9),
)
MIP_OPTIONS = (("mip_rel_gap", 1e-10), ("mip_abs_gap", 1e-12))  # branch and bound to the exact optimum
Row = tuple[np.ndarray, np.ndarray, float, float]  # (columns, values, lower, upper)
Parts = tuple[np.ndarray, np.ndarray, np.ndarray, list[Row]]  # extra columns' bounds and cost, rows


@dataclass(frozen=True)
class GroupBound:
    """The total weight of a group of assets (``members``, their positions) lies in [lower, upper]."""

    name: str
    members: tuple[int, ...]
    lower: float
    upper: float


@dataclass(frozen=True)
class AbsoluteLimit:
    """Σ|w_i − centre_i| ≤ limit: turnover from the current weights, or gross exposure (centre 0)."""

    name: str  # "turnover" or "gross exposure", for messages
    centre: np.ndarray
    limit: float


def limit_parts(limits: tuple[AbsoluteLimit, ...], assets: int, first: int) -> Parts:
    """Columns a_i ≥ |w_i − c_i| (n per limit, from column ``first``) and the rows Σa_i ≤ limit."""
    rows: list[Row] = []
    for k, limit in enumerate(limits):
        start = first + k * assets
        for i in range(assets):
            rows.append((np.array([start + i, i]), np.array([1.0, -1.0]), -float(limit.centre[i]), INF))
            rows.append((np.array([start + i, i]), np.array([1.0, 1.0]), float(limit.centre[i]), INF))
        rows.append((np.arange(start, start + assets), np.ones(assets), -INF, float(limit.limit)))
    count = len(limits) * assets
    return np.zeros(count), np.full(count, INF), np.zeros(count), rows


def group_rows(groups: tuple[GroupBound, ...]) -> list[Row]:
    """One row per group: lower ≤ Σ_(i in group) w_i ≤ upper."""
    return [(np.array(g.members), np.ones(len(g.members)), g.lower, g.upper) for g in groups]


def cvar_parts(returns: np.ndarray, level: float) -> Parts:
    """Columns α (free) and u_t ≥ 0; rows r_t'w + α + u_t ≥ 0."""
    periods, assets = returns.shape
    weight = 1.0 / ((1.0 - level) * periods)
    lower = np.concatenate([[-INF], np.zeros(periods)])
    cost = np.concatenate([[1.0], np.full(periods, weight)])
    columns = np.concatenate([np.arange(assets), [assets]])
    rows = [(np.append(columns, assets + 1 + t), np.concatenate([returns[t], [1.0, 1.0]]), 0.0, INF)
            for t in range(periods)]  # fmt: skip
    return lower, np.full(periods + 1, INF), cost, rows


def cdar_parts(returns: np.ndarray, level: float) -> Parts:
    """Columns α (free), v_t ≥ 0, z_t ≥ 0; rows v_t − v_(t−1) + r_t'w ≥ 0 and z_t − v_t + α ≥ 0."""
    periods, assets = returns.shape
    alpha, first_v, first_z = assets, assets + 1, assets + 1 + periods
    weight = 1.0 / ((1.0 - level) * periods)
    lower = np.concatenate([[-INF], np.zeros(2 * periods)])
    cost = np.concatenate([[1.0], np.zeros(periods), np.full(periods, weight)])
    w_columns = np.arange(assets)
    rows: list[Row] = []
    for t in range(periods):
        previous = ([first_v + t - 1], [-1.0]) if t else ([], [])
        rows.append((np.concatenate([w_columns, [first_v + t], previous[0]]),
                     np.concatenate([returns[t], [1.0], previous[1]]), 0.0, INF))  # fmt: skip
    rows += [(np.array([first_z + t, first_v + t, alpha]), np.array([1.0, -1.0, 1.0]), 0.0, INF)
             for t in range(periods)]  # fmt: skip
    return lower, np.full(2 * periods + 1, INF), cost, rows


def new_highs() -> Any:
    """A HiGHS instance; its once-per-process banner goes to /dev/null, not into the CLI's stdout or JSON."""
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            return highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def rows_into(lp: Any, rows: list[Row]) -> None:
    """Store ``rows`` as the model's row-wise constraint matrix with their bounds."""
    import highspy

    lp.num_row_ = len(rows)
    lp.row_lower_ = np.array([row[2] for row in rows], dtype=np.float64)
    lp.row_upper_ = np.array([row[3] for row in rows], dtype=np.float64)
    lengths = np.array([len(row[0]) for row in rows])
    matrix = lp.a_matrix_
    matrix.format_ = highspy.MatrixFormat.kRowwise
    matrix.num_row_, matrix.num_col_ = len(rows), lp.num_col_
    matrix.start_ = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    matrix.index_ = np.concatenate([row[0] for row in rows]).astype(np.int32)
    matrix.value_ = np.concatenate([row[1] for row in rows]).astype(np.float64)


def joined(first: Parts, second: Parts) -> Parts:
    """Two sets of extra columns (bounds, costs) and rows, one after the other."""
    return (
        np.concatenate([first[0], second[0]]),
        np.concatenate([first[1], second[1]]),
        np.concatenate([first[2], second[2]]),
        first[3] + second[3],
    )


def triangular_hessian(matrix: np.ndarray, columns: int) -> Any:
    """``matrix`` (symmetric, on the first columns) as HiGHS's lower-triangular Hessian of ``columns``."""
    import highspy

    n = len(matrix)
    hessian = highspy.HighsHessian()
    hessian.dim_ = columns
    hessian.format_ = highspy.HessianFormat.kTriangular
    starts = np.concatenate([[0], np.cumsum(np.arange(n, 0, -1))])
    hessian.start_ = np.concatenate([starts, np.full(columns - n, starts[-1])]).astype(np.int32)
    hessian.index_ = np.concatenate([np.arange(j, n) for j in range(n)]).astype(np.int32)
    hessian.value_ = np.concatenate([matrix[j:, j] for j in range(n)]).astype(np.float64)
    return hessian


def min_weight_parts(upper: np.ndarray, min_weight: float, first: int) -> Parts:
    """Binary columns z_i (from column ``first``) and the rows X·z_i ≤ w_i ≤ min(u_i, 1)·z_i: each weight
    is 0 or at least X (long-only: a weight never exceeds 1, so the big M is min(u_i, 1))."""
    assets = len(upper)
    rows: list[Row] = []
    for i in range(assets):
        rows.append((np.array([i, first + i]), np.array([1.0, -min_weight]), 0.0, INF))
        rows.append((np.array([i, first + i]), np.array([1.0, -min(float(upper[i]), 1.0)]), -INF, 0.0))
    return np.zeros(assets), np.ones(assets), np.zeros(assets), rows


def make_integer(lp: Any, first: int) -> None:
    """Columns from ``first`` on are integers (the binaries of :func:`min_weight_parts`)."""
    import highspy

    kinds = [highspy.HighsVarType.kContinuous] * first
    kinds += [highspy.HighsVarType.kInteger] * (lp.num_col_ - first)
    lp.integrality_ = kinds
