"""Front indicators: exact hypervolume (any number of objectives) and the knee point.

All computations run in minimisation terms (maximised objectives negated); results and
reference points are reported in the objectives' own units and directions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tradeoff_studio.core.pareto._hv import exact_volume
from tradeoff_studio.core.pareto._input import Maximize, ParetoInputError, maximize_mask, objective_columns
from tradeoff_studio.core.pareto.front import front_mask

REFERENCE_MARGIN = 0.1
"""A derived reference point lies this fraction of the front's range beyond its nadir."""


@dataclass(frozen=True)
class Hypervolume:
    """An exact hypervolume and the reference point it was measured against (objectives' own units)."""

    value: float
    reference: tuple[float, ...]


def hypervolume(
    points: ArrayLike,
    maximize: Maximize = None,
    *,
    reference: ArrayLike | None = None,
    ids: Sequence[object] | None = None,
) -> Hypervolume:
    """Return the exact hypervolume of ``points`` (shape ``(n, m)``, any ``m``) and its reference.

    The hypervolume is the measure of the region dominated by the points and bounded by the
    reference point. Points not strictly better than the reference in every objective contribute
    nothing. When ``reference`` is ``None`` it is derived from the front: per objective, the
    nadir (worst front value) moved 10% of the front's range further towards "worse", or by 1
    when that range is 0. Complexity: O(n log n) for 2 and 3 objectives, O(n^2) for 4 (HV4D+),
    then growing with the front (see :mod:`._hv`: NumPy in 2-D, moocore's C kernels from 3 to
    31 objectives, our WFG beyond). Raises ``ParetoInputError`` for an unusable reference.
    """
    cols = objective_columns(points, maximize, ids=ids)
    m = cols.shape[0]
    sign = np.where(maximize_mask(maximize, m), -1.0, 1.0)
    if reference is None:
        front = _front(cols)
        ref = _reference_of_front(front)
        value = exact_volume(front, ref, front=True)
    else:
        ref = _given_reference(reference, m) * sign
        value = exact_volume(cols, ref)
    return Hypervolume(value, tuple((ref * sign + 0.0).tolist()))


def reference_point(
    points: ArrayLike, maximize: Maximize = None, *, ids: Sequence[object] | None = None
) -> NDArray[np.float64]:
    """The derived reference point of ``points`` in the objectives' own units (see :func:`hypervolume`)."""
    cols = objective_columns(points, maximize, ids=ids)
    sign = np.where(maximize_mask(maximize, cols.shape[0]), -1.0, 1.0)
    return _reference_of_front(_front(cols)) * sign + 0.0


def _front(cols: NDArray[np.float64]) -> NDArray[np.float64]:
    """The non-dominated columns of ``cols``; refuses an empty set (no reference can be derived)."""
    if cols.shape[1] == 0:
        raise ParetoInputError("There are no candidates to derive a reference point from; pass reference=.")
    return np.compress(front_mask(cols), cols, axis=1)


def _reference_of_front(front: NDArray[np.float64]) -> NDArray[np.float64]:
    """Nadir of the front plus 10% of the front's range per objective (plus 1 where the range is 0)."""
    nadir = front.max(axis=1)
    span = nadir - front.min(axis=1)
    return nadir + np.where(span > 0, REFERENCE_MARGIN * span, 1.0)


def _given_reference(reference: ArrayLike, m: int) -> NDArray[np.float64]:
    """Validate a user-given reference point: ``m`` finite numbers."""
    try:
        ref = np.asarray(reference, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ParetoInputError(f"The reference point must be {m} numbers: {exc}") from exc
    if ref.shape != (m,) or not np.isfinite(ref).all():
        raise ParetoInputError(
            f"The reference point must be {m} finite numbers, one per objective; got {ref}."
        )
    return ref


def knee_point(points: ArrayLike, maximize: Maximize = None, *, ids: Sequence[object] | None = None) -> int:
    """Return the row index of the knee of the front of ``points`` (shape ``(n, m)``).

    Method: take the non-dominated rows, scale each objective to [0, 1] over the front (ideal
    -> 0, nadir -> 1; an objective that is constant on the front maps to 0), and return the
    front point farthest on the ideal side of the hyperplane through the extreme points (for
    each objective, the first front row with its best value). In 2-D that is the line between
    the two ends of the front. When the extremes do not span a hyperplane with a positive normal
    (degenerate fronts), the hyperplane ``sum = 1`` through the unit points is used instead.
    Ties go to the lowest row index. O(n log n) for the front plus O(k m^2) for k front points.
    """
    cols = objective_columns(points, maximize, ids=ids)
    if cols.shape[1] == 0:
        raise ParetoInputError("There are no candidates to choose a knee point from.")
    rows = np.flatnonzero(front_mask(cols))
    front = np.take(cols, rows, axis=1)
    low = front.min(axis=1, keepdims=True)
    span = front.max(axis=1, keepdims=True) - low
    scaled = (front - low) / np.where(span > 0, span, 1.0)
    normal = _extreme_hyperplane(scaled)
    distance = (1.0 - normal @ scaled) / np.linalg.norm(normal)
    return int(rows[np.flatnonzero(distance == distance.max())[0]])


def _extreme_hyperplane(scaled: NDArray[np.float64]) -> NDArray[np.float64]:
    """Normal ``w`` of the hyperplane ``w . f = 1`` through the extreme points, or all ones."""
    m = scaled.shape[0]
    extremes = scaled[:, np.argmin(scaled, axis=1)].T
    if np.linalg.matrix_rank(extremes) < m:
        return np.ones(m)
    normal = np.linalg.solve(extremes, np.ones(m))
    return normal if (normal > 0).all() else np.ones(m)
