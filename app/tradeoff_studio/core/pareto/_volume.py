"""Our own exact hypervolume kernels in minimisation terms, for any number of objectives.

The engine reports moocore's figure from 3 to 31 objectives (see :mod:`._hv`); these kernels are
the reference the tests check it with, and they run beyond 31 objectives.

All functions take minimisation columns ``cols`` (shape ``(m, n)``, finite) and a reference
point ``ref`` (shape ``(m,)``) and return the Lebesgue measure of the union of the boxes
``[p, ref)`` over the points ``p`` strictly better than ``ref`` in every objective.

* 1 objective: ``ref - min``.
* 2 objectives: a sort and a staircase of rectangles, O(n log n).
* 3 objectives: a sweep up the third objective keeping the 2-D staircase area, O(n log n)
  (Python lists for the staircase: O(n^2) element moves in the worst case).
* 4 or more: WFG (While, Bradstreet and Barone, 2012). Points are sorted worst-first in the
  last objective; the volume is the sum of each point's exclusive contribution, its box minus
  the volume of the later points limited to its box. The limited set shares the point's last
  objective, so its volume is a slab over an (m-1)-objective volume: the recursion drops one
  objective at each level and ends in the 3-D sweep. Limited sets are reduced to their
  distinct non-dominated points first, which keeps them small in practice.
"""

from __future__ import annotations

from bisect import bisect_left

import numpy as np
from numpy.typing import NDArray

from tradeoff_studio.core.pareto.front import front_mask

SMALL_SET = 32
"""Up to this many points, limited sets are filtered by comparing all pairs (less overhead)."""


def volume(cols: NDArray[np.float64], ref: NDArray[np.float64]) -> float:
    """The hypervolume of the points ``cols`` (``(m, n)``, minimised) against ``ref``."""
    inside = np.compress((cols < ref[:, None]).all(axis=0), cols, axis=1)
    if inside.shape[1] == 0:
        return 0.0
    if cols.shape[0] == 3:  # the sweep skips dominated points and duplicates itself
        return _front_volume(inside, ref)
    if cols.shape[0] == 2:
        return _staircase_2d(inside, ref)
    if cols.shape[0] == 1:
        return float(ref[0] - inside[0].min())
    return _front_volume(_distinct_front(inside), ref)


def _distinct_front(cols: NDArray[np.float64]) -> NDArray[np.float64]:
    """The distinct non-dominated points of ``cols`` (duplicates add no volume)."""
    k = cols.shape[1]
    if k < 2:
        return cols
    if k == 2:
        a, b = cols[:, 0], cols[:, 1]
        if (a <= b).all():
            return cols[:, :1]
        return cols[:, 1:] if (b <= a).all() else cols
    cols = np.unique(cols, axis=1)
    mask = _small_front_mask(cols) if cols.shape[1] <= SMALL_SET else front_mask(cols, own=True)
    return np.ascontiguousarray(np.compress(mask, cols, axis=1))


def _small_front_mask(cols: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Non-dominated mask of a few distinct points by comparing every pair (O(k^2 m), vectorised)."""
    points = cols.T
    no_worse = (points[:, None, :] <= points[None, :, :]).all(axis=2)  # [i, j]: i no worse than j
    np.fill_diagonal(no_worse, False)
    return ~no_worse.any(axis=0)  # distinct points: no worse everywhere and different = dominates


def _front_volume(front: NDArray[np.float64], ref: NDArray[np.float64]) -> float:
    """Volume of distinct mutually non-dominated points, all strictly inside ``ref``."""
    m, k = front.shape
    if k == 0:
        return 0.0
    if k == 1:
        return float(np.prod(ref - front[:, 0]))
    if m == 1:
        return float(ref[0] - front[0].min())
    if m == 2:
        return volume_2d(front, ref)
    if m == 3:
        return volume_3d(front, ref)
    return _wfg(front, ref)


def _staircase_2d(points: NDArray[np.float64], ref: NDArray[np.float64]) -> float:
    """Area dominated by any 2-D points: one lexicographic sort, then the strictly falling staircase.

    After sorting by (x, y), a point adds area iff its y is below every earlier y (earlier points
    have no larger x); the others are dominated or duplicates.
    """
    order = np.lexsort((points[1], points[0]))
    xs, ys = points[0][order], points[1][order]
    keep = np.empty(ys.size, dtype=bool)
    keep[0] = True
    np.less(ys[1:], np.minimum.accumulate(ys)[:-1], out=keep[1:])
    xs, ys = xs[keep], ys[keep]
    widths = np.diff(np.append(xs, ref[0]))
    return float(np.dot(widths, ref[1] - ys))


def volume_2d(front: NDArray[np.float64], ref: NDArray[np.float64]) -> float:
    """Area dominated by a 2-D front (sorted by the first objective: a staircase of rectangles)."""
    order = np.argsort(front[0], kind="stable")
    xs, ys = front[0][order], front[1][order]
    widths = np.diff(np.append(xs, ref[0]))
    return float(np.dot(widths, ref[1] - ys))


def volume_3d(front: NDArray[np.float64], ref: NDArray[np.float64]) -> float:
    """Volume dominated by a 3-D front: sweep up the third objective, keep the 2-D staircase area.

    Between consecutive third-objective values the dominated slice is the area of the 2-D
    staircase of the points seen so far; each insertion updates that area locally.
    """
    order = np.argsort(front[2], kind="stable")
    xs, ys, zs = (front[j][order].tolist() for j in range(3))
    zs.append(float(ref[2]))
    stair_x: list[float] = []
    stair_y: list[float] = []
    area = total = 0.0
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        area += _insert(stair_x, stair_y, x, y, (float(ref[0]), float(ref[1])))
        total += area * (zs[i + 1] - zs[i])
    return total


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


def _wfg(front: NDArray[np.float64], ref: NDArray[np.float64]) -> float:
    """WFG for four or more objectives: the sum of exclusive contributions, worst last objective first.

    After sorting by the last objective (descending), every later point is no worse than point
    ``k`` there, so the later points limited to ``k``'s box all sit at ``k``'s last objective:
    ``k``'s exclusive volume is ``(ref_z - z_k)`` times its (m-1)-objective box minus the
    (m-1)-objective volume of the limited points.
    """
    order = np.argsort(-front[-1], kind="stable")
    points = np.ascontiguousarray(front[:, order])
    head, last = points[:-1], points[-1]
    sub_ref = ref[:-1]
    total = 0.0
    for k in range(points.shape[1]):
        corner = head[:, k]
        box = float(np.prod(sub_ref - corner))
        later = head[:, k + 1 :]
        if later.shape[1]:
            limited = np.maximum(later, corner[:, None])
            if limited.shape[0] == 3:  # the 3-D sweep skips dominated points and duplicates itself
                box -= (
                    volume_3d(limited, sub_ref) if limited.shape[1] > 1 else _front_volume(limited, sub_ref)
                )
            else:
                box -= _front_volume(_distinct_front(limited), sub_ref)
        total += box * float(ref[-1] - last[k])
    return total
