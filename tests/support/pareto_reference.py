"""Brute-force Pareto references for the engine's tests: dominance by definition, ranks by
peeling, hypervolume by inclusion-exclusion (small inputs only)."""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import NDArray


def dominance_matrix(points: NDArray[np.float64]) -> NDArray[np.bool_]:
    """``D[a, b]``: row ``a`` dominates row ``b`` (minimisation), by definition."""
    weakly = (points[:, None, :] <= points[None, :, :]).all(axis=2)
    better = (points[:, None, :] < points[None, :, :]).any(axis=2)
    return weakly & better


def brute_front(points: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Rows no other row dominates (minimisation)."""
    return ~dominance_matrix(points).any(axis=0)


def brute_ranks(points: NDArray[np.float64]) -> NDArray[np.int64]:
    """Pareto ranks by peeling fronts found from the full dominance matrix (rows minimised)."""
    dominates = dominance_matrix(points)
    ranks = np.zeros(len(points), dtype=np.int64)
    remaining = np.ones(len(points), dtype=bool)
    rank = 0
    while remaining.any():
        front = remaining & ~(dominates & remaining[:, None]).any(axis=0)
        ranks[front] = rank
        remaining &= ~front
        rank += 1
    return ranks


def brute_volume(points: NDArray[np.float64], ref: NDArray[np.float64]) -> float:
    """Volume of the union of boxes ``[p, ref)`` (rows of ``points``, minimised): inclusion-exclusion."""
    inside = points[(points < ref).all(axis=1)]
    total = 0.0
    for size in range(1, len(inside) + 1):
        for subset in itertools.combinations(range(len(inside)), size):
            total += (-1) ** (size + 1) * float(np.prod(ref - inside[list(subset)].max(axis=0)))
    return total
