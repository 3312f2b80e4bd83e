"""Shared views of a candidates table: rows by id, objectives as "goodness", fronts, units."""

from __future__ import annotations

import re

import numpy as np
from numpy.typing import NDArray

from ..analyses.candidates import CandidateTable
from ..pareto import non_dominated
from .preferences import DecisionError

_SHOWN_IDS = 10


def candidate_ids(table: CandidateTable) -> list[str]:
    """The candidates' ids as text, in row order."""
    return table.frame["candidate_id"].astype(str).tolist()


def row_of(table: CandidateTable, candidate_id: str) -> int:
    """Row index of ``candidate_id``; :class:`DecisionError` shows some of the ids."""
    ids = candidate_ids(table)
    try:
        return ids.index(str(candidate_id))
    except ValueError:
        shown = ", ".join(ids[:_SHOWN_IDS]) + (f" … ({len(ids)} in all)" if len(ids) > _SHOWN_IDS else "")
        raise DecisionError(
            f"The analysis has no candidate '{candidate_id}'. Its candidates: {shown}."
        ) from None


def signs(table: CandidateTable) -> NDArray[np.float64]:
    """+1 for each maximised objective, -1 for each minimised one."""
    return np.array([1.0 if o.direction == "max" else -1.0 for o in table.objectives])


def goodness(table: CandidateTable) -> NDArray[np.float64]:
    """Objective values ``(n, m)`` with minimised objectives negated: larger is always better
    (an undefined value counts as worse than any other, see :func:`fill_undefined`)."""
    return fill_undefined(
        table.frame[[o.metric for o in table.objectives]].to_numpy(dtype=np.float64) * signs(table)
    )


def fill_undefined(good: NDArray[np.float64]) -> NDArray[np.float64]:
    """Larger-is-better values with NaN (undefined, e.g. ``dp_ratio`` of a rule selecting nobody in
    a group) replaced, per column, by a finite value one span below the worst defined one."""
    missing = np.isnan(good)
    if not missing.any():
        return good
    out = good.copy()
    for column in np.flatnonzero(missing.any(axis=0)):
        defined = good[~missing[:, column], column]
        low, high = (defined.min(), defined.max()) if defined.size else (0.0, 0.0)
        out[missing[:, column], column] = low - (high - low) - 1.0
    return out


def front_rows(good: NDArray[np.float64], mask: NDArray[np.bool_]) -> NDArray[np.intp]:
    """Rows (in table order) on the front of the candidates selected by ``mask``."""
    rows = np.flatnonzero(mask)
    if rows.size == 0:
        return rows
    return rows[non_dominated(good[rows], "max")]


def dominates(good: NDArray[np.float64], row: int) -> NDArray[np.bool_]:
    """Mask of the candidates that dominate candidate ``row`` (all larger-is-better)."""
    return (good >= good[row]).all(axis=1) & (good > good[row]).any(axis=1)


QUANTITIES = re.compile(r"cost|latency|memory|size|count|_ms$|_s$|_mb$|_bytes$|^k$")
"""Metric names that measure money, time, memory or counts: never percentage points, even when
every value happens to lie in [0, 1] (an LLM's cost per item in dollars)."""


def is_proportion(table: CandidateTable, metric: str) -> bool:
    """Whether ``metric`` reads as percentage points: every defined value lies in [0, 1] and its
    name is not one of :data:`QUANTITIES`."""
    if QUANTITIES.search(metric):
        return False
    values = table.frame[metric].to_numpy(dtype=np.float64)
    values = values[~np.isnan(values)]
    return bool(values.size) and bool(((values >= 0.0) & (values <= 1.0)).all())
