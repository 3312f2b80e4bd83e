"""Non-dominated filtering and non-dominated sorting (Pareto ranks) for any number of objectives.

Definitions, in minimisation terms (maximised objectives are negated first): candidate ``a``
*dominates* ``b`` iff ``a <= b`` in every objective and ``a < b`` in at least one. A candidate
is *non-dominated* (on the front) iff no candidate dominates it. Identical candidates do not
dominate each other, so duplicates of a front point are all on the front and share a rank.
Results never depend on the order of the rows.

Algorithms (n candidates, m objectives):

* 1 objective: the candidates equal to the minimum, O(n).
* 2 objectives: sort by the first objective and sweep a running minimum of the second,
  O(n log n).
* 3 objectives: a vectorised offline divide and conquer over the lexicographic order (each
  of its log n levels is one stable merge and a few passes), O(n log n) whatever the front
  size; never O(n^2). Above 2**20 points the halves are combined with a 2-D staircase test,
  adding one log factor per halving.
* 4 or more: moocore's C filter (:mod:`._native`, 2-3x faster than ours on fronts); our
  divide and conquer after Kung, Luccio and Preparata, O(n log^(m-2) n), is the tests'
  reference for it and runs beyond 255 objectives.

Before the exact algorithm, points dominated by a few pivot points are dropped in O(n m^2)
passes when a sample shows it pays; on random data this removes almost everything.

Ranks (non-dominated sorting) come from moocore's C code for 2 to 255 objectives; our own
sorting (:func:`reference_ranks`) is the reference the tests check it with.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tradeoff_studio.core.pareto import _kernels, _native
from tradeoff_studio.core.pareto._divide import dominated_sorted
from tradeoff_studio.core.pareto._input import Maximize, objective_columns
from tradeoff_studio.core.pareto._order import dense_rank, lex_unique


def non_dominated(
    points: ArrayLike, maximize: Maximize = None, *, ids: Sequence[object] | None = None
) -> NDArray[np.bool_]:
    """Return a boolean mask of the non-dominated rows of ``points`` (shape ``(n, m)``).

    ``maximize`` gives the direction of each objective (see :data:`Maximize`); ``ids`` names the
    candidates in error messages. Identical rows are all kept when they are non-dominated.
    Complexity: O(n log n) for m = 2 and 3; from m = 4 moocore's C filter (module docstring).
    NaN or infinite values raise ``ParetoInputError`` naming the candidate.
    """
    return front_mask(objective_columns(points, maximize, ids=ids))


def front_mask(cols: NDArray[np.float64], *, own: bool = False) -> NDArray[np.bool_]:
    """Non-dominated mask of minimisation columns ``cols`` (shape ``(m, n)``, finite, validated).

    ``own=True`` never calls moocore (our reference filter from 3 objectives).
    """
    m, n = cols.shape
    if n == 0 or m == 1:
        return cols[0] == cols[0].min() if n else np.zeros(0, dtype=bool)
    exact = _own_exact_front if own else _exact_front
    alive = _kernels.prefilter(cols)
    if alive is None:
        return exact(cols)
    mask = np.zeros(n, dtype=bool)
    mask[alive[exact(np.take(cols, alive, axis=1))]] = True
    return mask


def _own_exact_front(cols: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Our exact non-dominated mask without pruning: the 2-D sweep, or :func:`reference_front`."""
    if cols.shape[0] == 2:
        return _kernels.nondominated_2d(cols[0], cols[1])
    return reference_front(cols)


def _exact_front(cols: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Non-dominated mask without pruning: the 2-D sweep, the 3-D kernel, moocore from 4 objectives."""
    m = cols.shape[0]
    if m == 2:
        return _kernels.nondominated_2d(cols[0], cols[1])
    if 4 <= m <= _native.RANKS_MAX_OBJECTIVES:
        return _native.nondominated(cols)
    return reference_front(cols)


def reference_front(cols: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Our own exact non-dominated mask of ``cols`` (``(m, n)``, m >= 3): lexicographic divide and conquer.

    The engine's filter from 3 objectives, and beyond moocore's limit; the tests' reference for
    moocore's filter from 4 objectives.
    """
    representatives, inverse = lex_unique(cols)
    return ~dominated_sorted(np.take(cols[1:], representatives, axis=1))[inverse]


def nondominated_ranks(
    points: ArrayLike, maximize: Maximize = None, *, ids: Sequence[object] | None = None
) -> NDArray[np.int64]:
    """Return the Pareto rank of every row: 0 on the front, 1 on the front of the rest, and so on.

    Full non-dominated sorting. A candidate's rank is the length of the longest chain of
    candidates that dominate one another down to it, so identical rows share a rank.
    m = 1 is a dense rank, O(n log n); from 2 to 255 objectives moocore's C non-dominated sorting
    runs (:mod:`._native`; 2-4x faster than :func:`reference_ranks`, which runs beyond).
    """
    cols = objective_columns(points, maximize, ids=ids)
    m, n = cols.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if m == 1:
        return dense_rank(cols[0])
    if m <= _native.RANKS_MAX_OBJECTIVES:
        return _native.pareto_ranks(cols)
    return reference_ranks(cols)


def reference_ranks(cols: NDArray[np.float64]) -> NDArray[np.int64]:
    """Our own Pareto ranks of minimisation columns ``cols`` (``(m, n)``, m >= 2, n >= 1).

    O(n log n) for m = 2 (patience sorting of the lexicographic order: binary search over the
    last value of each front); for m >= 3 peeling one front at a time with :func:`front_mask`,
    O(F T(n)) for F fronts where T is the filter's cost. The tests check moocore against it.
    """
    if cols.shape[0] == 2:
        return _ranks_2d(cols)
    return _ranks_by_peeling(cols)


def _ranks_2d(cols: NDArray[np.float64]) -> NDArray[np.int64]:
    """Ranks for two objectives by patience sorting over the distinct points in lexicographic order.

    ``tails[k]`` is the smallest second objective seen so far on front ``k``; it is non-decreasing
    in ``k``. An earlier distinct point with a second objective ``<=`` dominates, so a point's rank
    is the number of fronts whose tail is ``<=`` its value.
    """
    representatives, inverse = lex_unique(cols)
    tails: list[float] = []
    ranks: list[int] = []
    for value in cols[1][representatives].tolist():
        rank = bisect_right(tails, value)
        if rank == len(tails):
            tails.append(value)
        else:
            tails[rank] = value
        ranks.append(rank)
    return np.array(ranks, dtype=np.int64)[inverse]


def _ranks_by_peeling(cols: NDArray[np.float64]) -> NDArray[np.int64]:
    """Ranks for three or more objectives: take the front (our own filter), remove it, repeat."""
    ranks = np.empty(cols.shape[1], dtype=np.int64)
    remaining = np.arange(cols.shape[1])
    rank = 0
    while remaining.size:
        front = front_mask(np.take(cols, remaining, axis=1), own=True)
        ranks[remaining[front]] = rank
        remaining = remaining[~front]
        rank += 1
    return ranks
