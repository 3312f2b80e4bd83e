"""Randomized per-group policies (Hardt, Price & Srebro 2016; Fairlearn's ThresholdOptimizer).

Mixing two thresholds at random reaches every point between them, so a group can reach any
rate ``s`` with the utility of the upper concave hull of its (rate, utility) points at ``s``.
Every group is put at the same rate ``s`` (exact parity of that rate in expectation) by mixing
the two hull vertices around ``s``. ``s`` runs over an even grid of the rates every group can
reach, plus the best one: the sum of concave piecewise-linear hulls peaks at a vertex of one.
Unlike Fairlearn's 1,000-point grid, the hulls here use the policy search grid's positions.
"""

from __future__ import annotations

import numpy as np

from .cells import Float, Int
from .policies import PolicySet


def upper_hull(x: Float, y: Float) -> Int:
    """Indices of the upper concave hull of the points, by increasing ``x`` (Andrew's monotone chain)."""
    order = np.lexsort((-y, x))
    hull: list[int] = []
    for index in order:
        if hull and x[hull[-1]] == x[index]:
            continue
        while len(hull) >= 2:
            a, b = hull[-2], hull[-1]
            cross = (x[b] - x[a]) * (y[index] - y[a]) - (y[b] - y[a]) * (x[index] - x[a])
            if cross < 0:
                break
            hull.pop()
        hull.append(int(index))
    return np.array(hull, dtype=np.int64)


def _targets(hulls: list[tuple[Float, Float]], count: int, upper: float) -> Float:
    low = max(float(hx[0]) for hx, _ in hulls)
    high = min(*(float(hx[-1]) for hx, _ in hulls), upper)
    if high < low:
        return np.zeros(0)
    knots = np.unique(np.concatenate([hx for hx, _ in hulls] + [[low, high]]))
    knots = knots[(knots >= low) & (knots <= high)]
    total = sum(np.interp(knots, hx, hy) for hx, hy in hulls)
    best = knots[int(np.argmax(total))]
    return np.unique(np.concatenate([np.linspace(low, high, count), [best]]))


def randomized_policies(
    rate: Float, utility: Float, grid: Int, count: int, upper: float = np.inf
) -> PolicySet:
    """Policies equalising ``rate`` (``(G, P)`` on the search ``grid``) at about ``count`` levels.

    ``upper`` caps the common rate (a capacity as a selection rate). Each group mixes the two
    hull vertices around the target; ``p_hi`` is the probability of the one with higher rate.
    """
    hull_index = [upper_hull(rate[g], utility[g]) for g in range(len(rate))]
    hulls = [(rate[g, index], utility[g, index]) for g, index in enumerate(hull_index)]
    targets = _targets(hulls, count, upper)
    groups = len(rate)
    lo = np.zeros((len(targets), groups), dtype=np.int64)
    hi = np.zeros_like(lo)
    p_hi = np.zeros((len(targets), groups))
    for g, ((hx, _), index) in enumerate(zip(hulls, hull_index, strict=True)):
        if len(hx) == 1:
            lo[:, g] = hi[:, g] = grid[index[0]]
            continue
        left = np.clip(np.searchsorted(hx, targets, side="right") - 1, 0, len(hx) - 2)
        share = np.clip((targets - hx[left]) / (hx[left + 1] - hx[left]), 0.0, 1.0)
        lo[:, g], hi[:, g], p_hi[:, g] = grid[index[left]], grid[index[left + 1]], share
    return PolicySet(["randomized"] * len(targets), lo, hi, p_hi)
