"""moocore's C kernels for exact hypervolume and Pareto ranks, used as a library (LGPL-2.1-or-later).

Why a library: moocore (López-Ibáñez et al.) implements HV3D+ (O(n log n)), HV4D+ (O(n^2)) and,
from five objectives, inclusion-exclusion or a recursion over 4-D contributions, in C. Our NumPy
sweeps need a Python step per point: they measured 3.5x slower in 3-D (10,000 front points) and
100-300x slower from four objectives (``tests/benchmarks/bench_pareto_indicators.py``). Our own
exact kernels stay in :mod:`._volume` and :mod:`.front` as the reference the tests compare
moocore with, and they run beyond moocore's compile-time limits below.

Licence: moocore is LGPL-2.1-or-later (its AVL tree is LGPL; the rest MPL-2.0). We only call its
public Python API; its C code lives in its own shared object (``moocore/_libmoocore.abi3.so``
from the pip wheel, or that file in a one-folder bundle), never copied or linked statically, so
a user can replace it with a modified build, as the LGPL requires. moocore is imported on first
use so that start-up does not pay for it (about 50 ms).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from tradeoff_studio.core.pareto._order import argsort_exact

HV_MAX_OBJECTIVES = 31
"""moocore 0.3's ``MOOCORE_HV_DIMENSION_MAX``: more objectives use our WFG."""

RANKS_MAX_OBJECTIVES = 255
"""moocore 0.3's ``MOOCORE_DIMENSION_MAX``: more objectives use our own filter and sorting."""

PRESORT_MIN = 1_000
"""Below this many points presorting the rows for moocore costs more than it saves (measured:
4-D, 500 front points, CPU time 447 us presorted against 426 us not); from 3 objectives, ranks
gain only from ``4 * PRESORT_MIN`` points (3-D 20,000: 14.6 against 15.9 ms; 1,000: a loss)."""


def hypervolume(cols: NDArray[np.float64], ref: NDArray[np.float64]) -> float:
    """Exact hypervolume of minimisation columns ``cols`` (``(m, n)``, 2 <= m <= 31) against ``ref``.

    Points not strictly better than ``ref`` in every objective add nothing; dominated points and
    duplicates are allowed. In 3-D and 4-D the rows go to moocore sorted by the last objective,
    on which it runs faster (measured, CPU time: 10,000 3-D front points 2.1 ms against 3.1 ms
    unsorted; 500 4-D ones 0.35 against 0.39 ms); our exact argsort costs 0.2 ms at 10,000.
    """
    import moocore

    m, n = cols.shape
    presort = m in (3, 4) and n >= PRESORT_MIN
    rows = cols.T[argsort_exact(cols[-1])[0]] if presort else np.ascontiguousarray(cols.T)
    return float(moocore.hypervolume(rows, ref=np.ascontiguousarray(ref, dtype=np.float64)))


def pareto_ranks(cols: NDArray[np.float64]) -> NDArray[np.int64]:
    """Pareto ranks (0 = front) of minimisation columns ``cols`` (``(m, n)``, 2 <= m <= 255).

    The rows go to moocore sorted (by the last objective up to 3 objectives, by the first from 4),
    on which it runs faster (measured on uniform points: 2-D 100,000: 11 ms against 35-40 ms;
    3-D 20,000: 12.8 against 16.0 ms; 5-D 5,000: 7.8 against 8.5 ms), and the ranks are put back
    in row order.
    """
    import moocore

    m, n = cols.shape
    if n < (PRESORT_MIN if m == 2 else 4 * PRESORT_MIN):
        return np.asarray(moocore.pareto_rank(np.ascontiguousarray(cols.T)), dtype=np.int64)
    order = argsort_exact(cols[-1] if m <= 3 else cols[0])[0]
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = moocore.pareto_rank(cols.T[order])
    return ranks


def nondominated(cols: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Non-dominated mask of minimisation columns ``cols`` (``(m, n)``, 2 <= m <= 255); duplicates kept.

    Used from four objectives, where it measured 2-3x faster than our divide and conquer on
    all-non-dominated sets (4-D, 500 points: 0.28 against 0.84 ms; 20,000: 34 against 97 ms).
    """
    import moocore

    return np.asarray(moocore.is_nondominated(np.ascontiguousarray(cols.T), keep_weakly=True), dtype=bool)
