"""Threshold policies as per-group mixtures of positions; global and capacity policies.

A policy gives each group two positions (see :mod:`.cells`) and the probability of the second:
group ``g`` of candidate ``c`` uses position ``hi[c, g]`` with probability ``p_hi[c, g]`` and
``lo[c, g]`` otherwise. A deterministic policy has ``lo == hi`` and ``p_hi == 0``; a global
policy has the same position in every group. Its selected counts are gathered from the
cumulative curves, so a set of C policies costs O(C·G) once the curves exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...pareto import non_dominated
from .cells import Cells, Curves, Float, Int, quantile_positions
from .metrics import evaluate


@dataclass(frozen=True)
class PolicySet:
    """``C`` policies over ``G`` groups; ``policy`` names each one's kind (global, group, …)."""

    policy: list[str]
    lo: Int
    hi: Int
    p_hi: Float

    def __len__(self) -> int:
        return len(self.policy)

    @classmethod
    def deterministic(cls, policy: str, positions: Int) -> PolicySet:
        """Policies that use ``positions[c, g]`` for group ``g`` with certainty."""
        positions = np.asarray(positions, dtype=np.int64)
        return cls([policy] * len(positions), positions, positions.copy(), np.zeros(positions.shape))

    @classmethod
    def uniform(cls, policy: str, positions: Int, groups: int) -> PolicySet:
        """Global policies: the same position in every group."""
        return cls.deterministic(policy, np.repeat(np.asarray(positions, np.int64)[:, None], groups, axis=1))

    @classmethod
    def concat(cls, sets: Sequence[PolicySet], groups: int) -> PolicySet:
        """All policies of ``sets``, in order."""
        if not sets:
            empty = np.zeros((0, groups), dtype=np.int64)
            return cls([], empty, empty.copy(), np.zeros((0, groups)))
        return cls(
            [name for part in sets for name in part.policy],
            np.concatenate([part.lo for part in sets]),
            np.concatenate([part.hi for part in sets]),
            np.concatenate([part.p_hi for part in sets]),
        )

    def select(self, keep: np.ndarray) -> PolicySet:
        """The policies where ``keep`` (a mask or indices) says so."""
        index = np.flatnonzero(keep) if np.asarray(keep).dtype == bool else np.asarray(keep)
        return PolicySet([self.policy[i] for i in index], self.lo[index], self.hi[index], self.p_hi[index])

    def positions(self) -> Int:
        """Every position any policy uses, sorted."""
        return np.unique(np.concatenate([self.lo.ravel(), self.hi.ravel()]))

    def remap(self, positions: Int) -> PolicySet:
        """The same policies indexing ``positions`` (which must contain every used position)."""
        lo = np.searchsorted(positions, self.lo)
        hi = np.searchsorted(positions, self.hi)
        return PolicySet(self.policy, lo, hi, self.p_hi)

    def gather(self, curve: Float) -> Float:
        """Expected value of ``curve`` (shape ``(..., G, P)``) per policy and group: ``(..., C, G)``."""
        groups = np.arange(curve.shape[-2])[None, :]
        low = curve[..., groups, self.lo]
        high = curve[..., groups, self.hi]
        return low + self.p_hi * (high - low)

    def evaluate(self, curves: Curves, cost_ratio: float, favorable: bool = True) -> dict[str, Float]:
        """Every threshold metric of every policy (see :func:`.metrics.evaluate`); ``favorable`` is
        False when the favourable outcome is not being selected."""
        return evaluate(
            self.gather(curves.tp), self.gather(curves.fp), curves.pos, curves.neg, cost_ratio,
            favorable_selected=favorable,
        )  # fmt: skip

    def uses_attribute(self) -> np.ndarray:
        """Per policy: whether groups are treated differently (the rule reads the protected attribute)."""
        same = (self.lo == self.lo[:, :1]) & (self.hi == self.hi[:, :1]) & (self.p_hi == self.p_hi[:, :1])
        return ~same.all(axis=1)

    def randomized(self) -> np.ndarray:
        """Per policy: whether some group flips a coin between two thresholds."""
        return ((self.p_hi > 0) & (self.p_hi < 1) & (self.lo != self.hi)).any(axis=1)


def global_policies(
    cells: Cells,
    curves: Curves,
    *,
    limit: int,
    objectives: Sequence[tuple[str, bool]],
    constants: dict[str, float],
    cost_ratio: float,
) -> PolicySet:
    """Global thresholds: every position when there are at most ``limit``; else at most ``limit``:
    the exact front of the whole curve on ``objectives`` (``(metric, maximise)``; model-level
    metrics come from ``constants``), thinned evenly to ``limit // 2`` when larger, and the rest
    at quantiles of the pooled weight.
    """
    groups, bins = curves.tp.shape[0], cells.bins
    every = np.arange(bins + 1, dtype=np.int64)
    if bins + 1 <= limit:
        return PolicySet.uniform("global", every, groups)
    metrics = PolicySet.uniform("global", every, groups).evaluate(curves, cost_ratio)
    values = np.column_stack(
        [metrics[name] if name in metrics else np.full(bins + 1, constants[name]) for name, _ in objectives]
    )
    front = np.flatnonzero(non_dominated(values, [up for _, up in objectives]))
    if len(front) > limit // 2:
        front = front[np.unique(np.linspace(0, len(front) - 1, limit // 2).round().astype(np.int64))]
    grid = quantile_positions(cells.weight.sum(axis=(0, 2)), limit - len(front))
    return PolicySet.uniform("global", np.union1d(grid, front), groups)


def selected_rows(cells: Cells) -> Float:
    """Rows selected at every position per group (row counts, not weights): ``(G, K + 1)``."""
    counts = cells.count.sum(axis=2)
    flipped = np.cumsum(counts[:, ::-1], axis=1)[:, ::-1]
    return np.concatenate([flipped, np.zeros((len(counts), 1))], axis=1).astype(np.float64)


def capacity_policies(cells: Cells, capacity: int) -> PolicySet:
    """Top-``capacity`` policies: one global threshold selecting as many rows as the capacity
    allows without exceeding it, and per-group thresholds that give each group a share of the
    capacity proportional to its size (equal selection rates, up to ties and bins)."""
    rows = selected_rows(cells)
    groups = len(rows)
    total = rows.sum(axis=0)
    best = int(np.argmax(total <= capacity))
    sizes = rows[:, 0]
    quota = np.floor(capacity * sizes / sizes.sum())
    per_group = np.array([int(np.argmax(rows[g] <= quota[g])) for g in range(groups)])
    return PolicySet.concat(
        [
            PolicySet.uniform("capacity", np.array([best]), groups),
            PolicySet.deterministic("capacity", per_group[None]),
        ],
        groups,
    )


SIMPLICITY = ("global", "capacity", "group", "randomized")


def distinct(policies: PolicySet, found: Curves) -> tuple[PolicySet, int]:
    """The policies with identical expected counts per group (so identical metrics) merged.

    Of each set of identical policies the simplest is kept: one that does not use the protected
    attribute before one that does, deterministic before randomized, then by kind (global,
    capacity, group, randomized) and table order. Returns the kept policies, in their original
    order, and how many were merged away.
    """
    if len(policies) < 2:
        return policies, 0
    scale = float(found.pos.sum() + found.neg.sum()) or 1.0
    key = np.concatenate([policies.gather(found.tp), policies.gather(found.fp)], axis=1) / scale
    key = np.round(key, 12)
    kind = np.array([SIMPLICITY.index(name) for name in policies.policy])
    order = np.lexsort((np.arange(len(policies)), kind, policies.randomized(), policies.uses_attribute()))
    _, first = np.unique(key[order], axis=0, return_index=True)
    keep = np.sort(order[first])
    return policies.select(keep), len(policies) - len(keep)


def within_capacity(policies: PolicySet, rows: Float, capacity: int) -> np.ndarray:
    """Mask of the policies whose expected number of selected rows is at most ``capacity``."""
    return policies.gather(rows).sum(axis=-1) <= capacity * (1 + 1e-12)
