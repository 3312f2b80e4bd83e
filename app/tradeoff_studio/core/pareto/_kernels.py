"""Vectorised dominance kernels (minimisation, one objective per row of ``cols``).

Dominance: ``a`` dominates ``b`` iff ``a <= b`` in every objective and ``a < b`` in at least
one. Identical points do not dominate each other.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from tradeoff_studio.core.pareto._order import argsort_exact, dense_rank

PREFILTER_MIN = 4096
"""Below this many points the exact kernels are fast enough without pivot pruning."""

_PREFILTER_SAMPLE = 2048
_PREFILTER_MIN_RATE = 0.25
CDQ_MAX = (1 << 20) - 1
"""The 3-D kernel packs a block index, two ranks and a flag into 63 bits: fewer than 2**20 points."""


def nondominated_2d(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Non-dominated mask of ``n >= 1`` 2-D points, O(n log n): sort by ``x``, sweep a running min of ``y``.

    A point survives iff its ``y`` is below the minimum ``y`` of all points with a smaller ``x``
    and not above the minimum ``y`` of the points sharing its ``x`` (so duplicates both survive).
    """
    n = x.size
    order, xs = argsort_exact(x)
    ys = y[order]
    keep = np.empty(n, dtype=bool)
    tied = xs[1:] == xs[:-1]
    if not tied.any():
        best = np.minimum.accumulate(ys)
        keep[0] = True
        np.less(ys[1:], best[:-1], out=keep[1:])
    else:
        starts = np.flatnonzero(np.concatenate(([True], ~tied)))
        group_min = np.minimum.reduceat(ys, starts)
        before = np.concatenate(([np.inf], np.minimum.accumulate(group_min)[:-1]))
        sizes = np.diff(np.append(starts, n))
        keep = (ys <= np.repeat(group_min, sizes)) & (ys < np.repeat(before, sizes))
    mask = np.empty(n, dtype=bool)
    mask[order] = keep
    return mask


def dominated_brute(rest: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Dominated mask of distinct points in lexicographic order, given all objectives but the first.

    Compares all pairs: point ``b`` is dominated iff an earlier point is ``<=`` in ``rest``.
    O(m n^2) time and n^2 memory.
    """
    n = rest.shape[1]
    weakly = np.triu(np.ones((n, n), dtype=bool), k=1)
    for row in rest:
        weakly &= row[:, None] <= row[None, :]
    return weakly.any(axis=0)


def pivot_survivors(cols: NDArray[np.float64], chosen: NDArray[np.float64]) -> NDArray[np.intp]:
    """Rows that no pivot (a column of ``chosen``) beats: O(n m) for the first pivot, less after.

    A pivot beats a point when it is strictly better in the first objective and no worse in the
    others, which implies dominance; points that only tie the pivot in the first objective are
    kept, so the result is a superset of the rows no pivot dominates. Survivors are compressed
    after each pivot.
    """
    alive = np.arange(cols.shape[1])
    current = cols
    for pivot in chosen.T:
        beaten = current[0] > pivot[0]
        for row, value in zip(current[1:], pivot[1:], strict=True):
            beaten &= row >= value
        keep = np.flatnonzero(~beaten)
        alive, current = alive[keep], np.take(current, keep, axis=1)
    return alive


def choose_pivots(sample: NDArray[np.float64]) -> NDArray[np.float64]:
    """Pivot points of a sample: minimisers of ``m + 1`` positive weightings of the normalised sample."""
    m = sample.shape[0]
    low = sample.min(axis=1, keepdims=True)
    span = sample.max(axis=1, keepdims=True) - low
    span[span == 0] = 1.0
    weights = np.ones((m + 1, m)) + 3.0 * np.eye(m + 1, m, k=-1)
    best = np.unique(np.argmin(weights @ ((sample - low) / span), axis=1))
    return sample[:, best]


def prefilter(cols: NDArray[np.float64]) -> NDArray[np.intp] | None:
    """Rows that no pivot dominates, or ``None`` when pruning would not pay.

    Rounds of pivot pruning: pivots are the best points of a strided sample under a few positive
    weightings; a round runs only when the pivots beat at least a quarter of the sample, so a
    front where everything is non-dominated costs one sample test. Each round is O(n m^2).
    Dominated pivots are harmless: only points a pivot dominates are dropped.
    """
    alive: NDArray[np.intp] | None = None
    current = cols
    while current.shape[1] > PREFILTER_MIN:
        sample = current[:, :: current.shape[1] // _PREFILTER_SAMPLE]
        chosen = choose_pivots(sample)
        if pivot_survivors(sample, chosen).size > (1 - _PREFILTER_MIN_RATE) * sample.shape[1]:
            break
        keep = pivot_survivors(current, chosen)
        alive = keep if alive is None else alive[keep]
        current = np.take(current, keep, axis=1)
    return alive


def dominated_3d(
    y: NDArray[np.float64], z: NDArray[np.float64], source: NDArray[np.bool_] | None = None
) -> NDArray[np.bool_]:
    """Mask of the points that an earlier point weakly beats in ``y`` and ``z`` (``<=`` in both).

    The points must be in lexicographic order by ``(x, y, z)``; then for distinct points the
    result is exactly the dominated mask. With ``source`` only the points it marks count as
    earlier points (used to test queries against references placed in one order).

    Offline divide and conquer, vectorised one level at a time. At level ``k`` the positions form
    pairs of blocks of ``2**k``; sorting each pair by ``y`` (left block first on ties) and taking
    a running maximum of the complemented ``z`` of left-block points answers the question for
    every right-block point at once. The sort key packs ``pair | y rank | position in pair |
    complemented z rank [| source flag]`` into one int64, so each level is a stable sort of
    sorted runs (a linear-time merge for numpy's timsort) plus a few O(n) passes: O(n log n) in
    all, with the ranks; for at most ``CDQ_MAX`` points.
    """
    n = y.size
    levels, bits = max(1, (n - 1).bit_length()), max(1, n.bit_length())
    position = np.arange(n, dtype=np.int64)
    z_field = ((1 << bits) - 1) - dense_rank(z)
    if source is not None:
        z_field <<= 1
        z_field |= source
    width = bits + (source is not None)
    key = (position >> 1) << (width + 1 + bits)
    key |= dense_rank(y) << (width + 1)
    key |= (position & 1) << width
    key |= z_field
    key.sort(kind="stable")
    dominated = np.zeros(n, dtype=bool)
    buffers = (np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64), np.empty(n, dtype=bool))
    for level in range(levels):
        _mark_level(key, dominated, buffers, level=level, bits=bits, width=width)
        if level + 1 < levels:
            _next_level(key, level + width + 1, bits, buffers[0], buffers[1])
            key.sort(kind="stable")
    return dominated


def _mark_level(
    key: NDArray[np.int64],
    dominated: NDArray[np.bool_],
    buffers: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]],
    *,
    level: int,
    bits: int,
    width: int,
) -> None:
    """Mark the right-block points that a left-block (source) point of the same pair beats.

    ``width`` is the width of the z field: ``bits``, or ``bits + 1`` when its lowest bit is the
    source flag.
    """
    value, running, right = buffers
    shift = width + level + 1 + bits
    np.bitwise_and(key, ~(((1 << shift) - 1) ^ ((1 << width) - 1)), out=value)
    np.bitwise_and(key, 1 << (width + level), out=running)
    np.not_equal(running, 0, out=right)
    running >>= width + level
    running -= 1
    running &= value
    if width > bits:
        running &= -(value & 1)
        value &= ~1
    np.maximum.accumulate(running, out=running)
    hits = running >= value
    hits &= right
    if hits.any():
        found = key[hits]
        within = (found >> width) & ((1 << (level + 1)) - 1)
        dominated[((found >> shift) << (level + 1)) | within] = True


def _next_level(
    key: NDArray[np.int64], y_shift: int, bits: int, pair_bit: NDArray[np.int64], y_field: NDArray[np.int64]
) -> None:
    """Move the lowest pair bit below the ``y`` field (which starts at ``y_shift``): blocks double."""
    np.bitwise_and(key, 1 << (y_shift + bits), out=pair_bit)
    np.bitwise_and(key, ((1 << bits) - 1) << y_shift, out=y_field)
    key -= pair_bit
    key += y_field
    pair_bit >>= bits
    key += pair_bit
