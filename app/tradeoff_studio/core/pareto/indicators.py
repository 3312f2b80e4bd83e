"""Front indicators: exact hypervolume (2 and 3 objectives) and the knee point.

All computations run in minimisation terms (maximised objectives negated); results and
reference points are reported in the objectives' own units and directions.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

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
    """Return the exact hypervolume of ``points`` (shape ``(n, 2)`` or ``(n, 3)``) and its reference.

    The hypervolume is the measure of the region dominated by the points and bounded by the
    reference point. Points not strictly better than the reference in every objective contribute
    nothing. When ``reference`` is ``None`` it is derived from the front: per objective, the
    nadir (worst front value) moved 10% of the front's range further towards "worse", or by 1
    when that range is 0. Complexity: O(n log n) for both 2 and 3 objectives (the 3-D sweep
    keeps a 2-D staircase in Python lists, whose inserts add O(n^2) element moves in the worst
    case). Raises ``ParetoInputError`` for other numbers of objectives or an unusable reference.
    """
    cols = objective_columns(points, maximize, ids=ids)
    m = cols.shape[0]
    if m not in (2, 3):
        raise ParetoInputError(f"Exact hypervolume is available for 2 or 3 objectives, not {m}.")
    sign = np.where(maximize_mask(maximize, m), -1.0, 1.0)
    ref = _derived_reference(cols) if reference is None else _given_reference(reference, m) * sign
    inside = np.compress((cols < ref[:, None]).all(axis=0), cols, axis=1)
    front = np.compress(front_mask(inside), inside, axis=1)
    value = _volume_2d(front, ref) if m == 2 else _volume_3d(front, ref)
    return Hypervolume(float(value), tuple((ref * sign + 0.0).tolist()))


def _derived_reference(cols: NDArray[np.float64]) -> NDArray[np.float64]:
    """Nadir of the front plus 10% of the front's range per objective (plus 1 where the range is 0)."""
    if cols.shape[1] == 0:
        raise ParetoInputError("There are no candidates to derive a reference point from; pass reference=.")
    front = np.compress(front_mask(cols), cols, axis=1)
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


def _volume_2d(front: NDArray[np.float64], ref: NDArray[np.float64]) -> float:
    """Area dominated by a 2-D front (sorted by the first objective: a staircase of rectangles)."""
    order = np.argsort(front[0], kind="stable")
    xs, ys = front[0][order], front[1][order]
    widths = np.diff(np.append(xs, ref[0]))
    return float(np.dot(widths, ref[1] - ys))


def _volume_3d(front: NDArray[np.float64], ref: NDArray[np.float64]) -> float:
    """Volume dominated by a 3-D front: sweep up the third objective, keep the 2-D staircase area.

    Between consecutive third-objective values the dominated slice is the area of the 2-D
    staircase of the points seen so far; each insertion updates that area locally.
    """
    order = np.argsort(front[2], kind="stable")
    xs, ys, zs = (front[j][order].tolist() for j in range(3))
    zs.append(float(ref[2]))
    stair_x: list[float] = []
    stair_y: list[float] = []
    area = volume = 0.0
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        area += _insert(stair_x, stair_y, x, y, (float(ref[0]), float(ref[1])))
        volume += area * (zs[i + 1] - zs[i])
    return volume


def _insert(
    stair_x: list[float], stair_y: list[float], x: float, y: float, ref: tuple[float, float]
) -> float:
    """Insert ``(x, y)`` into a 2-D staircase (x increasing, y decreasing); return the area it adds."""
    i = bisect_left(stair_x, x)
    if (i > 0 and stair_y[i - 1] <= y) or (i < len(stair_x) and stair_x[i] == x and stair_y[i] <= y):
        return 0.0
    height = stair_y[i - 1] if i > 0 else ref[1]
    j, left, added = i, x, 0.0
    while j < len(stair_x) and stair_y[j] >= y:
        added += (stair_x[j] - left) * (height - y)
        left, height = stair_x[j], stair_y[j]
        j += 1
    added += ((stair_x[j] if j < len(stair_x) else ref[0]) - left) * (height - y)
    stair_x[i:j] = [x]
    stair_y[i:j] = [y]
    return added


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
