"""Every candidate's quality, cost and latency under item weights: the point and the bootstrap.

With all item weights 1 the functions give the point estimates; with multinomial counts (items
drawn with replacement, the same draw for every candidate) they give bootstrap resamples. Mean
quality and cost are linear in the weights, so a cascade's resample comes from prefix sums over
the items sorted by confidence and a mixture's is the mix of its two base points' resamples.
Candidates come in the order systems, cascades' operating points (together: the base points),
mixtures.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ...jobs import CancelToken, Progress
from ..clusters import Clusters, draw_counts
from .reading import EvalLog
from .routing import Cascade, Plan, weighted_quantiles

LATENCY_QUANTILES = (0.5, 0.95)
_CELLS_PER_CHUNK = 4_000_000  # resamples × items held at once


@dataclass(frozen=True)
class Samples:
    """Rows of estimates (one row: the point; many: resamples), one column per candidate."""

    quality: np.ndarray
    cost: np.ndarray
    latency: np.ndarray | None  # (rows, systems, 2): p50 and p95 of the single systems

    @property
    def cost_of_pass(self) -> np.ndarray:
        """Mean cost / quality; infinite where quality is 0 (never succeeds)."""
        return np.divide(self.cost, self.quality, out=np.full_like(self.cost, np.inf), where=self.quality > 0)


def evaluate_base(
    log: EvalLog, cascades: list[Cascade], weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Mean quality and cost of the base points (systems, then cascades) under ``weights``."""
    total = weights.sum(axis=1, keepdims=True)
    parts_q, parts_c = [weights @ log.quality.T / total], [weights @ log.cost.T / total]
    for sweep in cascades:
        q, c = _cascade_means(log, sweep, weights, total)
        parts_q.append(q)
        parts_c.append(c)
    return np.concatenate(parts_q, axis=1), np.concatenate(parts_c, axis=1)


def evaluate(log: EvalLog, plan: Plan, weights: np.ndarray) -> Samples:
    """Quality and cost of every candidate (systems, cascades, mixtures) under ``weights``."""
    quality, cost = evaluate_base(log, plan.cascades, weights)
    first = [m.first for m in plan.mixtures]
    second = [m.second for m in plan.mixtures]
    share = np.array([m.share for m in plan.mixtures])
    quality = np.concatenate([quality, (1 - share) * quality[:, first] + share * quality[:, second]], axis=1)
    cost = np.concatenate([cost, (1 - share) * cost[:, first] + share * cost[:, second]], axis=1)
    latency = None
    if log.latency is not None:
        latency = np.stack(
            [weighted_quantiles(row, weights, LATENCY_QUANTILES) for row in log.latency], axis=1
        )
    return Samples(quality, cost, latency)


def _cascade_means(
    log: EvalLog, sweep: Cascade, weights: np.ndarray, total: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Mean quality and cost at each threshold: first's values plus the escalated items' prefix sums."""
    a, b = sweep.first, sweep.second
    if sweep.masks is not None:  # cross-fitted: each item's escalation is given per level
        gain = sweep.masks * (log.quality[b] - log.quality[a])[None, :]
        extra = sweep.masks * log.cost[b][None, :]
        quality = (weights @ log.quality[a])[:, None] + weights @ gain.T
        return quality / total, ((weights @ log.cost[a])[:, None] + weights @ extra.T) / total
    ranked = weights[:, sweep.order]
    gain = (log.quality[b] - log.quality[a])[sweep.order]
    quality = (weights @ log.quality[a])[:, None] + _prefix_sums(ranked, gain, sweep.ends)
    cost = (weights @ log.cost[a])[:, None] + _prefix_sums(ranked, log.cost[b][sweep.order], sweep.ends)
    return quality / total, cost / total


def _prefix_sums(weights: np.ndarray, values: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Weighted sums of the first ``ends[k]`` items, per row (``0 < ends[0] < … < ends[-1] < items``)."""
    segments = np.add.reduceat(weights * values, np.concatenate([[0], ends]), axis=1)
    return np.cumsum(segments[:, : len(ends)], axis=1)


def point_latency(log: EvalLog, plan: Plan) -> np.ndarray:
    """p50 and p95 latency of every candidate, shape ``(candidates, 2)`` (NaN without a latency column).

    Systems: the SQL summary. Cascades: quantiles of ``first + escalated·second`` per item.
    Mixtures: quantiles of the mixture distribution ``(1 - s)·F_first + s·F_second``.
    """
    points = len(log.systems) + sum(len(s.ends) for s in plan.cascades)
    if log.latency is None:
        return np.full((points + len(plan.mixtures), 2), np.nan)
    rows = [np.column_stack([log.summary["latency_p50"], log.summary["latency_p95"]])]
    rows += [
        _quantiles(_item_latency(log, plan.cascades, index)) for index in range(len(log.systems), points)
    ]
    ones = np.ones(log.items)
    for m in plan.mixtures:
        values = np.concatenate(
            [_item_latency(log, plan.cascades, m.first), _item_latency(log, plan.cascades, m.second)]
        )
        weights = np.concatenate([(1 - m.share) * ones, m.share * ones])[None, :]
        rows.append(weighted_quantiles(values, weights, LATENCY_QUANTILES))
    return np.concatenate(rows, axis=0)


def _quantiles(values: np.ndarray) -> np.ndarray:
    return np.quantile(values, LATENCY_QUANTILES, method="inverted_cdf")[None, :]


def _item_latency(log: EvalLog, cascades: list[Cascade], index: int) -> np.ndarray:
    """Per-item latency of base point ``index`` (a system, or a cascade at one threshold)."""
    assert log.latency is not None
    if index < len(log.systems):
        return log.latency[index]
    index -= len(log.systems)
    for sweep in cascades:
        if index < len(sweep.ends):
            escalated = sweep.escalated(index)
            return log.latency[sweep.first] + np.where(escalated, log.latency[sweep.second], 0.0)
        index -= len(sweep.ends)
    raise IndexError("no such base point")


def resample_counts(
    items: int, resamples: int, seed: int, clusters: Clusters | None = None
) -> Iterator[np.ndarray]:
    """Item weights of bootstrap resamples, a chunk of resamples at a time.

    Without clusters: multinomial counts, items drawn with replacement. With clusters (see
    :mod:`.clusters`): as many clusters as there are drawn with replacement, and every item weighs
    as many times as its cluster was drawn.
    """
    rng = np.random.default_rng(seed)
    units = items if clusters is None else clusters.count
    chunk = max(1, min(resamples, _CELLS_PER_CHUNK // max(items, units)))
    for start in range(0, resamples, chunk):
        rows = min(chunk, resamples - start)
        counts = draw_counts(rng, units, rows)
        yield counts if clusters is None else counts[:, clusters.of_item]


def bootstrap(
    log: EvalLog, plan: Plan, resamples: int, seed: int, *, cancel: CancelToken, progress: Progress
) -> Samples:
    """``resamples`` paired bootstrap resamples of every candidate, checking ``cancel`` between chunks."""
    parts: list[Samples] = []
    done = 0
    for counts in resample_counts(log.items, resamples, seed, log.clusters):
        cancel.raise_if_cancelled()
        parts.append(evaluate(log, plan, counts))
        done += counts.shape[0]
        progress(done / resamples, f"Bootstrap: {done:,} of {resamples:,} resamples")
    latency = (
        None if log.latency is None else np.concatenate([p.latency for p in parts if p.latency is not None])
    )
    return Samples(
        np.concatenate([p.quality for p in parts]), np.concatenate([p.cost for p in parts]), latency
    )
