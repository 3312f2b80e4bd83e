"""Which operating points to build from the systems: hull mixtures and confidence cascades.

- The **upper convex hull** (quality up, cost down) of the measured *base points* — the systems
  and the cascades' operating points — is walked from the cheapest point (ties: the better
  one) to the first point of highest quality. Mixing two adjacent hull vertices at random,
  sending a share ``s`` of the items to the dearer one, reaches every point of the edge between
  them: quality and cost are ``(1 - s)·first + s·second`` (DESIGN §6: the achievable set is the
  convex hull of the measured points).
  Any hull point has such a recipe: :func:`hull_target` finds the one that meets a target
  quality at least cost, or the best quality within a cost budget.
- A **cascade** ``first → second`` asks ``first`` on every item and escalates the item to
  ``second`` when ``first``'s confidence is below a threshold. Thresholds are the
  ``k / thresholds`` quantiles (inverted CDF) of ``first``'s confidence, duplicates and the
  ones escalating nothing dropped. Pairs: ``first`` cheaper *and* worse than ``second`` and
  ``first`` with a confidence (a system may have none);
  pairs of Pareto-efficient systems first, then by cost, at most :data:`MAX_CASCADE_PAIRS`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

MAX_CASCADE_PAIRS = 15


@dataclass(frozen=True)
class Mixture:
    """Route a random share ``share`` of the items to base point ``second``, the rest to ``first``.

    Base points are numbered systems first, then the cascades' operating points in plan order.
    ``target`` names the target it meets (e.g. ``quality 0.7``) when it was asked for.
    """

    first: int
    second: int
    share: float
    target: str | None = None


@dataclass(frozen=True)
class Cascade:
    """``first`` answers; items with confidence below ``thresholds[k]`` escalate to ``second``.

    ``order`` sorts the items by ``first``'s confidence; the first ``ends[k]`` of them escalate
    at threshold ``k``. A cross-fitted sweep (:mod:`.crossfit`) carries ``masks`` instead: which
    items escalate at each level, decided on held-out thresholds.
    """

    first: int
    second: int
    levels: np.ndarray
    thresholds: np.ndarray
    order: np.ndarray
    ends: np.ndarray
    masks: np.ndarray | None = None  # (levels, items) bool, when cross-fitted

    def escalated(self, level: int) -> np.ndarray:
        """Which items escalate at the ``level``-th threshold (a bool per item)."""
        if self.masks is not None:
            return self.masks[level]
        mask = np.zeros(len(self.order), dtype=bool)
        mask[self.order[: self.ends[level]]] = True
        return mask

    def escalated_shares(self) -> np.ndarray:
        """The share of items escalated at each threshold."""
        return self.masks.mean(axis=1) if self.masks is not None else self.ends / len(self.order)


@dataclass(frozen=True)
class Plan:
    """The operating points beyond the single systems: cascades, then hull mixtures of base points."""

    cascades: list[Cascade]
    skipped_pairs: int
    hull: list[int]
    mixtures: list[Mixture]


def upper_hull(cost: np.ndarray, quality: np.ndarray) -> list[int]:
    """Indices of the efficient upper-hull vertices, cheapest first (see the module docstring)."""
    order = sorted(range(len(cost)), key=lambda i: (cost[i], -quality[i], i))
    hull: list[int] = []
    for index in order:
        if hull and cost[index] == cost[hull[-1]]:
            continue  # same cost, no better (sorted by quality within a cost)
        while len(hull) >= 2 and _turn(cost, quality, hull[-2], hull[-1], index) >= 0.0:
            hull.pop()
        hull.append(index)
    top = int(np.argmax([quality[i] for i in hull]))
    return hull[: top + 1]


def _turn(cost: np.ndarray, quality: np.ndarray, a: int, b: int, c: int) -> float:
    """Cross product of (b - a) and (c - a): ≥ 0 when b is not above the segment a–c."""
    return float(
        (cost[b] - cost[a]) * (quality[c] - quality[a]) - (quality[b] - quality[a]) * (cost[c] - cost[a])
    )


def mixtures(hull: list[int], steps: int) -> list[Mixture]:
    """Interior points ``s = 1/steps … (steps-1)/steps`` of every hull edge."""
    shares = [k / steps for k in range(1, steps)]
    return [Mixture(a, b, share) for a, b in itertools.pairwise(hull) for share in shares]


def hull_target(
    hull: list[int],
    cost: np.ndarray,
    quality: np.ndarray,
    *,
    quality_at_least: float | None = None,
    budget: float | None = None,
) -> Mixture | str:
    """The hull mixture meeting one target: a quality at least cost, or the best quality within a
    cost budget. A string says why there is none (the target is out of the hull's reach)."""  # fmt: skip
    costs, qualities = cost[hull], quality[hull]
    if quality_at_least is not None:
        target, values, label = quality_at_least, qualities, f"quality {quality_at_least:g}"
        if target > qualities[-1]:
            return (
                f"no system or mixture reaches a quality of {target:g}: the best reaches {qualities[-1]:.6g}"
            )
    else:
        target, values, label = float(budget or 0.0), costs, f"budget {budget:g}"
        if target < costs[0]:
            return f"a cost of {target:g} per item is below the cheapest system's {costs[0]:.6g}"
    if target <= values[0] or len(hull) == 1:
        return Mixture(hull[0], hull[min(1, len(hull) - 1)], 0.0, label)
    if target >= values[-1]:
        return Mixture(hull[-2], hull[-1], 1.0, label)
    k = int(np.searchsorted(values, target, side="left"))  # values[k - 1] < target <= values[k]
    share = (target - values[k - 1]) / (values[k] - values[k - 1])
    return Mixture(hull[k - 1], hull[k], float(share), label)


def efficient(cost: np.ndarray, quality: np.ndarray) -> np.ndarray:
    """Whether each system is Pareto-efficient (no other is at least as good on both, better on one)."""
    better = (quality[None, :] >= quality[:, None]) & (cost[None, :] <= cost[:, None])
    strictly = (quality[None, :] > quality[:, None]) | (cost[None, :] < cost[:, None])
    return ~(better & strictly).any(axis=1)


def cascade_pairs(
    cost: np.ndarray, quality: np.ndarray, can_start: np.ndarray
) -> tuple[list[tuple[int, int]], int]:
    """The (first, second) pairs to sweep, and how many eligible pairs were left out.

    ``can_start`` marks the systems with a confidence on every item (only they can go first).
    """
    good = efficient(cost, quality)
    pairs = [(a, b) for a in range(len(cost)) for b in range(len(cost))
             if can_start[a] and cost[a] < cost[b] and quality[a] < quality[b]]  # fmt: skip
    pairs.sort(key=lambda p: (not (good[p[0]] and good[p[1]]), cost[p[0]], cost[p[1]]))
    return pairs[:MAX_CASCADE_PAIRS], max(0, len(pairs) - MAX_CASCADE_PAIRS)


def cascade(first: int, second: int, confidence: np.ndarray, steps: int) -> Cascade:
    """The threshold sweep of ``first → second`` on ``first``'s confidence (one value per item)."""
    order = np.argsort(confidence, kind="stable")
    ranked = confidence[order]
    levels = np.arange(1, steps) / steps
    thresholds = np.quantile(confidence, levels, method="inverted_cdf")
    ends = np.searchsorted(ranked, thresholds, side="left")
    keep = (ends > 0) & np.concatenate([[True], np.diff(thresholds) > 0])
    return Cascade(first, second, levels[keep], thresholds[keep], order, ends[keep])


def plan_cascades(
    cost: np.ndarray, quality: np.ndarray, confidence: np.ndarray | None, thresholds: int
) -> tuple[list[Cascade], int]:
    """The cascade sweeps (none without a confidence matrix) and how many eligible pairs were skipped."""
    if confidence is None:
        return [], 0
    # NaN: a system without confidence; -inf: an item it did not answer (always escalated)
    pairs, skipped = cascade_pairs(cost, quality, ~np.isnan(confidence).any(axis=1))
    sweeps = [cascade(a, b, confidence[a], thresholds) for a, b in pairs]
    return [s for s in sweeps if len(s.ends)], skipped


def plan_mixtures(
    cascades: list[Cascade], skipped: int, base: tuple[np.ndarray, np.ndarray], mix_steps: int,
    targets: tuple[tuple[float, ...], tuple[float, ...]],
) -> tuple[Plan, list[str]]:  # fmt: skip
    """The plan with the hull of the base points' (cost, quality), its mixtures and the targets' exact
    mixtures (target qualities, then budgets); also the reasons for targets out of reach."""
    cost, quality = base
    hull = upper_hull(cost, quality)
    found = [hull_target(hull, cost, quality, quality_at_least=q) for q in targets[0]]
    found += [hull_target(hull, cost, quality, budget=b) for b in targets[1]]
    extra = [m for m in found if isinstance(m, Mixture)]
    reasons = [reason for reason in found if isinstance(reason, str)]
    return Plan(cascades, skipped, hull, mixtures(hull, mix_steps) + extra), reasons


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs: tuple[float, ...]) -> np.ndarray:
    """Inverted-CDF quantiles of ``values`` under each row of ``weights``: shape ``(rows, len(qs))``.

    The q-quantile is the smallest value whose cumulative weight reaches ``q`` of the total
    (DuckDB's ``quantile_disc``, numpy's ``method="inverted_cdf"``).
    """
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[:, order], axis=1)
    out = np.empty((weights.shape[0], len(qs)))
    for column, q in enumerate(qs):
        target = cumulative[:, -1:] * q * (1.0 - 1e-12)
        out[:, column] = values[order][np.argmax(cumulative >= target, axis=1)]
    return out
