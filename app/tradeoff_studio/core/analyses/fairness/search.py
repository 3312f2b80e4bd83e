"""Deterministic per-group thresholds by a window search, not by enumerating combinations.

Utilities that are linear in the confusion counts (accuracy, balanced accuracy, TPR, minus
expected cost) add up over groups: ``U = Σ_g u_g(position_g)``. A disparity constraint
"spread of a rate ≤ ε" holds exactly when some window ``[s, s + ε]`` holds every group's rate
(for ``dp_ratio ≥ ρ``, the window ``[s, s / ρ]``; for equalized odds, one window on TPR and one
on FPR). The best policy under the constraint is therefore

    max over s of Σ_g max { u_g(p) : rate_g(p) in the window },

and taking ``s`` among the rates the groups can reach loses nothing: at the optimum, ``s`` is
the smallest group rate. Rates fall as the position rises, so each window is a contiguous
range of positions and the inner maximum is a range-maximum query (a sparse table: O(1) per
query after O(P log P) set-up). The search costs O(L·S·G) for L levels and S window starts,
instead of P^G for the combinations. It is exact when every reachable rate is a start (when
there are at most ``max_starts`` of them); otherwise ``max_starts`` evenly spread starts are
used. With a capacity, each group may select at most the capacity's share of its own rows:
sufficient for the total to fit (the exact problem, a knapsack, is not solved).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .cells import Float, Int

Window = Literal["difference", "ratio"]
TOLERANCE = 1e-12


class RangeArgmax:
    """Index of the largest value in ``values[g, left:right]``, per group, in O(1) per query."""

    def __init__(self, values: Float) -> None:
        self.values = values
        groups, size = values.shape
        levels = [np.broadcast_to(np.arange(size, dtype=np.int32), (groups, size)).copy()]
        width = 1
        while 2 * width <= size:
            prev = levels[-1]
            right = np.concatenate([prev[:, width:], prev[:, -width:]], axis=1)
            left_value = np.take_along_axis(values, prev, axis=1)
            right_value = np.take_along_axis(values, right, axis=1)
            levels.append(np.where(right_value > left_value, right, prev))
            width *= 2
        self.table = np.stack(levels)

    def query(self, left: Int, right: Int) -> Int:
        """Argmax over ``[left, right)`` for arrays of shape ``(G, ...)``; empty ranges give any index."""
        size = self.values.shape[1]
        left = np.minimum(left, size - 1)
        right = np.clip(right, left + 1, size)
        level = np.floor(np.log2(right - left)).astype(np.int64)
        groups = np.arange(left.shape[0]).reshape((-1,) + (1,) * (left.ndim - 1))
        first = self.table[level, groups, left]
        second = self.table[level, groups, right - (1 << level)]
        values = self.values[groups, first], self.values[groups, second]
        return np.where(values[1] > values[0], second, first)


@dataclass(frozen=True)
class Constraint:
    """The rates a disparity bounds, shape ``(G, P)`` each (falling along P), and how."""

    rates: Sequence[Float]
    window: Window


def starts(rates: Float, max_starts: int) -> Float:
    """Window starts: the reachable rates, thinned evenly to ``max_starts``."""
    values = np.unique(rates)
    if len(values) > max_starts:
        values = values[np.unique(np.linspace(0, len(values) - 1, max_starts).round().astype(np.int64))]
    return values


def _ranges(rates: Float, low: Float, high: Float) -> tuple[Int, Int]:
    """Per group, the position range whose rates lie in ``[low, high]`` (arrays broadcast to (G, S))."""
    left = np.empty((rates.shape[0], *np.broadcast(low, high).shape), dtype=np.int64)
    right = np.empty_like(left)
    for g, rate in enumerate(rates):
        rising = -rate
        left[g] = np.searchsorted(rising, -(high + TOLERANCE), side="left")
        right[g] = np.searchsorted(rising, -(low - TOLERANCE), side="right")
    return left, right


def _window_high(low: Float, level: float, window: Window) -> Float:
    if window == "difference":
        return low + level
    return low / level if level > 0 else np.full_like(low, np.inf)


def best_for_level(
    constraint: Constraint,
    level: float,
    rmq: RangeArgmax,
    window_starts: Sequence[Float],
    first: Int | None = None,
) -> Int | None:
    """Best grid indices (one per group) whose rates fit one window at ``level``, or None.

    ``first`` is, per group, the lowest grid index the group may use (a capacity).
    """
    lefts, rights = [], []
    for axis, (rate, start) in enumerate(zip(constraint.rates, window_starts, strict=True)):
        shape = [1] * len(window_starts)
        shape[axis] = len(start)
        low = start.reshape(shape)
        left, right = _ranges(rate, low, _window_high(low, level, constraint.window))
        lefts.append(left)
        rights.append(right)
    left = np.maximum.reduce(np.broadcast_arrays(*lefts))
    right = np.minimum.reduce(np.broadcast_arrays(*rights))
    if first is not None:
        left = np.maximum(left, first.reshape((-1,) + (1,) * (left.ndim - 1)))
    feasible = (left < right).all(axis=0)
    if not feasible.any():
        return None
    chosen = rmq.query(left, right)
    groups = np.arange(left.shape[0]).reshape((-1,) + (1,) * (left.ndim - 1))
    total = np.where(feasible, rmq.values[groups, chosen].sum(axis=0), -np.inf)
    best: Int = chosen.reshape(len(chosen), -1)[:, int(np.argmax(total))]
    return best


def window_search(
    constraint: Constraint,
    utility: Float,
    levels: Float,
    *,
    max_starts: int = 2000,
    first: Int | None = None,
) -> Int:
    """Grid indices ``(L', G)`` of the best policy at each constraint level (distinct policies only).

    ``utility`` is ``(G, P)``; ``levels`` are spreads ε (``difference``) or ratios ρ (``ratio``);
    ``first`` is each group's lowest allowed grid index. Levels with no feasible policy are skipped.
    """
    per_axis = max_starts if len(constraint.rates) == 1 else int(np.sqrt(max_starts))
    window_starts = [starts(rate, per_axis) for rate in constraint.rates]
    rmq = RangeArgmax(utility)
    found = [best_for_level(constraint, float(level), rmq, window_starts, first) for level in levels]
    chosen = [row for row in found if row is not None]
    if not chosen:
        return np.zeros((0, utility.shape[0]), dtype=np.int64)
    return np.unique(np.stack(chosen), axis=0)
