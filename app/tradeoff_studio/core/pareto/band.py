"""The near-front band: candidates that confidence intervals cannot tell apart from the front.

Each candidate has point estimates ``values`` and, per objective, a confidence interval
``[lo, hi]`` in the objective's own units (``lo <= hi``). In minimisation terms (a maximised
objective is negated, so its interval flips), a candidate's *optimistic* corner is its lower
bounds and its *pessimistic* corner its upper bounds.

Candidate ``c`` is **out** of the band iff some front member ``f`` (a non-dominated candidate by
point estimate) dominates ``c`` even when ``f`` is taken at its pessimistic corner and ``c`` at
its optimistic one: ``f.hi <= c.lo`` in every objective and ``<`` in at least one. Everything
else is in the band. Front members are always in the band, even when an interval does not
contain its point estimate (as a percentile bootstrap interval may not).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tradeoff_studio.core.pareto._divide import dominated_by
from tradeoff_studio.core.pareto._input import (
    Maximize,
    ParetoInputError,
    as_matrix,
    candidate_label,
    objective_columns,
)
from tradeoff_studio.core.pareto._kernels import choose_pivots, pivot_survivors
from tradeoff_studio.core.pareto.front import front_mask


def near_front_band(
    values: ArrayLike,
    lo: ArrayLike,
    hi: ArrayLike,
    maximize: Maximize = None,
    *,
    ids: Sequence[object] | None = None,
) -> NDArray[np.bool_]:
    """Return a mask of the candidates not distinguishable from the front (see the module docstring).

    ``values``, ``lo`` and ``hi`` have shape ``(n, m)``; ``lo``/``hi`` are the lower/upper
    confidence bounds in the objectives' own units. It is a dominance test of the optimistic
    candidates against the pessimistic front, reduced to its own non-dominated points: O(n log n)
    for two and three objectives, O(n log^(m-2) n) beyond.
    Raises ``ParetoInputError`` for mismatched shapes, non-finite numbers or ``lo > hi``.
    """
    point = objective_columns(values, maximize, ids=ids)
    lower = _bounds(lo, point.shape, maximize, ids, "lower confidence bounds")
    upper = _bounds(hi, point.shape, maximize, ids, "upper confidence bounds")
    _check_order(as_matrix(lo), as_matrix(hi), ids)
    optimistic, pessimistic = np.minimum(lower, upper), np.maximum(lower, upper)
    front = front_mask(point)
    walls = np.compress(front, pessimistic, axis=1)
    return front | ~_beaten(np.compress(front_mask(walls), walls, axis=1), optimistic)


def _beaten(walls: NDArray[np.float64], optimistic: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Mask of the optimistic corners that a wall strictly dominates.

    With three or more objectives a few walls (the best under positive weightings) first settle
    the clearly beaten candidates in O(n m^2); the exact dominance test then runs on the rest.
    """
    if walls.shape[1] == 0 or walls.shape[0] <= 2:
        return dominated_by(walls, optimistic, strict=True)
    beaten = np.ones(optimistic.shape[1], dtype=bool)
    rest = pivot_survivors(optimistic, choose_pivots(walls))
    beaten[rest] = dominated_by(walls, np.take(optimistic, rest, axis=1), strict=True)
    return beaten


def _bounds(
    bounds: ArrayLike,
    shape: tuple[int, int],
    maximize: Maximize,
    ids: Sequence[object] | None,
    what: str,
) -> NDArray[np.float64]:
    """Validate one bound table and return it as minimisation columns of the same shape as the values."""
    cols = objective_columns(bounds, maximize, ids=ids, what=what)
    if cols.shape != shape:
        raise ParetoInputError(
            f"The {what} have {cols.shape[1]} rows and {cols.shape[0]} objectives, but the values "
            f"have {shape[1]} rows and {shape[0]} objectives; give one bound per value."
        )
    return cols


def _check_order(lo: NDArray[np.float64], hi: NDArray[np.float64], ids: Sequence[object] | None) -> None:
    """Raise ``ParetoInputError`` naming the first candidate whose lower bound exceeds its upper bound."""
    inverted = lo > hi
    if not inverted.any():
        return
    row, column = (int(i) for i in np.argwhere(inverted)[0])
    raise ParetoInputError(
        f"The confidence interval of {candidate_label(row, ids)} is inverted in objective {column}: "
        f"lo = {lo[row, column]} > hi = {hi[row, column]}. Swap or recompute the bounds."
    )
