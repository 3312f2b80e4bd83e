"""Divide and conquer for any number of objectives (minimisation, one objective per row).

Two routines in the style of Kung, Luccio and Preparata (1975):

* :func:`dominated_by` answers, for every query point, "does some reference point dominate
  it?" It splits both sets at the median of the first objective: low references against low
  queries and high against high keep every objective, low references against high queries
  drop the first objective (it is already strictly better). Two objectives are a sort and a
  binary search, three the vectorised 3-D kernel on the union (references as sources).
  O(N log N) for ``d <= 3`` objectives and ``N`` points in all, O(N log^(d-2) N) beyond.
* :func:`dominated_sorted` filters distinct points in lexicographic order: dominators come
  earlier, so a point in the second half is dominated iff the first half's front dominates it
  in the remaining objectives, or its own half does. Three objectives go straight to the 3-D
  kernel, O(n log n); ``m >= 4`` objectives cost O(n log^(m-2) n).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from tradeoff_studio.core.pareto import _kernels
from tradeoff_studio.core.pareto._order import lex_order

_LEAF = 256
"""Subsets up to this size are filtered by comparing all pairs."""

_BRUTE_PAIRS = 1 << 16
"""Reference-query problems up to this many pairs are compared directly."""

_BRUTE_REFERENCES = 32


def dominated_by(
    reference: NDArray[np.float64], query: NDArray[np.float64], *, strict: bool = True
) -> NDArray[np.bool_]:
    """Mask of the query points (columns) that some reference point dominates.

    With ``strict=False`` weak dominance (``<=`` everywhere) is enough; with ``strict=True`` the
    reference point must also be ``<`` in at least one objective.
    """
    d, n_ref = reference.shape
    n_query = query.shape[1]
    if n_ref == 0 or n_query == 0:
        return np.zeros(n_query, dtype=bool)
    if d == 1:
        best = reference[0].min()
        return best < query[0] if strict else best <= query[0]
    if d == 2:
        return _staircase(reference, query, strict)
    if n_ref * n_query <= _BRUTE_PAIRS or n_ref <= _BRUTE_REFERENCES:
        return _compare_all(reference, query, strict)
    if d == 3 and n_ref + n_query <= _kernels.CDQ_MAX:
        return _sweep_3d(reference, query, strict)
    return _split(reference, query, strict)


def _staircase(reference: NDArray[np.float64], query: NDArray[np.float64], strict: bool) -> NDArray[np.bool_]:
    """Two objectives: sort the references by the first, running minimum of the second, binary search."""
    order = np.argsort(reference[0], kind="stable")
    xs = reference[0][order]
    best_y = np.minimum.accumulate(reference[1][order])
    at_most = np.searchsorted(xs, query[0], side="right")
    best = np.where(at_most > 0, best_y[np.maximum(at_most - 1, 0)], np.inf)
    if not strict:
        return best <= query[1]
    below = np.searchsorted(xs, query[0], side="left")
    best_below = np.where(below > 0, best_y[np.maximum(below - 1, 0)], np.inf)
    return (best_below <= query[1]) | (best < query[1])


def _sweep_3d(reference: NDArray[np.float64], query: NDArray[np.float64], strict: bool) -> NDArray[np.bool_]:
    """Three objectives: the 3-D kernel on the union in lexicographic order, references as sources.

    Identical points keep their order in the union, so placing the references first counts an
    identical reference (weak dominance) and placing them last does not (strict dominance).
    """
    n_ref, n_query = reference.shape[1], query.shape[1]
    union = np.concatenate((query, reference) if strict else (reference, query), axis=1)
    is_reference = np.zeros(n_ref + n_query, dtype=bool)
    is_reference[n_query:] = strict
    is_reference[:n_ref] |= not strict
    order, _ = lex_order(union)
    beaten = np.empty(n_ref + n_query, dtype=bool)
    beaten[order] = _kernels.dominated_3d(union[1][order], union[2][order], source=is_reference[order])
    return beaten[:n_query] if strict else beaten[n_ref:]


def _compare_all(
    reference: NDArray[np.float64], query: NDArray[np.float64], strict: bool
) -> NDArray[np.bool_]:
    """Compare every reference with every query, in blocks of references of bounded memory."""
    n_query = query.shape[1]
    found = np.zeros(n_query, dtype=bool)
    step = max(1, _BRUTE_PAIRS // n_query)
    for start in range(0, reference.shape[1], step):
        block = reference[:, start : start + step, None]
        weakly = block[0] <= query[0]
        better = block[0] < query[0]
        for j in range(1, block.shape[0]):
            weakly &= block[j] <= query[j]
            if strict:
                better |= block[j] < query[j]
        if strict:
            weakly &= better
        found |= weakly.any(axis=0)
    return found


def _split(reference: NDArray[np.float64], query: NDArray[np.float64], strict: bool) -> NDArray[np.bool_]:
    """Split both sets at the median of the first objective and recurse (see the module docstring)."""
    first = np.concatenate((reference[0], query[0]))
    cut, top = np.median(first), first.max()
    ref_low = reference[0] <= cut if cut < top else reference[0] < cut
    query_low = query[0] <= cut if cut < top else query[0] < cut
    if not (ref_low.any() or query_low.any()):
        return dominated_by(reference[1:], query[1:], strict=strict)
    found = np.zeros(query.shape[1], dtype=bool)
    low_refs, high_refs = np.compress(ref_low, reference, axis=1), np.compress(~ref_low, reference, axis=1)
    found[query_low] = dominated_by(low_refs, np.compress(query_low, query, axis=1), strict=strict)
    high = np.flatnonzero(~query_low)
    high_found = dominated_by(low_refs[1:], np.take(query[1:], high, axis=1), strict=False)
    rest = np.flatnonzero(~high_found)
    high_found[rest] = dominated_by(high_refs, np.take(query, high[rest], axis=1), strict=strict)
    found[high] = high_found
    return found


def dominated_sorted(rest: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Dominated mask of distinct points in lexicographic order, given all objectives but the first.

    ``rest`` holds objectives ``1 .. m-1`` (one per row, ``m >= 3``); the first objective is
    implied by the order: a point can only be dominated by an earlier one, and an earlier point
    that is ``<=`` in the remaining objectives dominates.
    """
    d, n = rest.shape
    if n <= 1:
        return np.zeros(n, dtype=bool)
    if n <= _LEAF:
        return _kernels.dominated_brute(rest)
    if d == 2 and n <= _kernels.CDQ_MAX:
        return _kernels.dominated_3d(rest[0], rest[1])
    half = n // 2
    left = dominated_sorted(rest[:, :half])
    right = dominated_by(np.compress(~left, rest[:, :half], axis=1), rest[:, half:], strict=False)
    alive = np.flatnonzero(~right)
    right[alive[dominated_sorted(np.take(rest[:, half:], alive, axis=1))]] = True
    return np.concatenate((left, right))
