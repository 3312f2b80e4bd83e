"""Percentile bootstrap intervals for every candidate of a model, by resampling the counts.

Resampling N rows with replacement is a multinomial draw of N over the cells (group × bin ×
label) with the cells' shares, so no row is touched. Before drawing, the bins are merged
between consecutive positions some candidate (or an IV bin edge) uses: every candidate's
counts, and so its metrics, are the same on the merged cells, and the draw costs O(G·P') per
resample for P' used positions instead of O(G·K). A resampled cell's weight is its drawn row
count times the cell's mean weight (exact without weights). All candidates of a model share
the resamples; models are resampled independently. Resamples run in chunks, with a
cancellation check and a progress report between chunks. With ``--cluster`` whole clusters are
drawn instead of rows, each with its own count table (:mod:`.cluster_cells`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...jobs import CancelToken, Progress
from .cells import Cells, Float, Int, collapse, curves
from .cluster_cells import ClusterTables, merged_tables
from .metrics import ratio
from .policies import PolicySet
from .woe import jeffreys, shares

WORK_PER_CHUNK = 1_000_000


@dataclass(frozen=True)
class Intervals:
    """Lower and upper percentile bounds per metric, shape ``(C,)`` each."""

    lo: dict[str, Float]
    hi: dict[str, Float]


def protected_iv(weight: Float, count: Float, iv_edges: Int) -> Float:
    """IV of the protected attribute on the IV bins, the largest over groups of group-vs-rest.

    ``weight``/``count`` are ``(..., G, K, 2)`` on bins whose positions include ``iv_edges``
    (indices into the bins, from 0 to K); groups with no weight are left out.
    """
    mass = collapse(weight.sum(axis=-1)[..., None], iv_edges)[..., 0]
    rows = collapse(count.sum(axis=-1)[..., None], iv_edges)[..., 0]
    rest, rest_rows = mass.sum(axis=-2, keepdims=True) - mass, rows.sum(axis=-2, keepdims=True) - rows
    p, q, _ = shares(mass, rest, rows, rest_rows)
    present = (mass.sum(axis=-1) > 0) & (rest.sum(axis=-1) > 0)
    values = np.where(present, jeffreys(np.where(p > 0, p, 1.0), np.where(q > 0, q, 1.0)), -np.inf)
    return np.maximum(values.max(axis=-1), 0.0)


@dataclass(frozen=True)
class _Merged:
    """A model's cells merged between the used positions, and the policies re-indexed to them."""

    count: Float
    mean_weight: Float
    policies: PolicySet
    iv_edges: Int

    tables: ClusterTables | None = None

    def metrics(
        self, drawn: Float, cost_ratio: float, favorable_selected: bool = True, weight: Float | None = None
    ) -> dict[str, Float]:
        """Every metric of every policy for resampled row counts ``drawn`` (shape ``(R, G, P', 2)``) and
        their weights (default: the counts times the cells' mean weights)."""
        resampled = drawn * self.mean_weight if weight is None else weight
        metrics = self.policies.evaluate(curves(resampled), cost_ratio, favorable_selected)
        iv = protected_iv(resampled, drawn, self.iv_edges)
        metrics["iv_protected"] = np.repeat(iv[:, None], len(self.policies), axis=1)
        return metrics


def _merge(cells: Cells, policies: PolicySet, iv_edges: Int) -> _Merged:
    used = np.union1d(np.union1d(policies.positions(), iv_edges), [0, cells.bins])
    weight = collapse(cells.weight, used)
    count = collapse(cells.count.astype(np.float64), used)
    tables = None if cells.clusters is None else merged_tables(cells.clusters, used, cells.weight.shape[0])
    return _Merged(count, ratio(weight, count), policies.remap(used), np.searchsorted(used, iv_edges), tables)


def _draw(merged: _Merged, rng: np.random.Generator, size: int) -> tuple[Float, Float | None]:
    """Row counts (and, for clusters, weights) of ``size`` resamples: rows drawn as a multinomial over
    the cells, or whole clusters drawn with their count tables."""
    if merged.tables is not None:
        return merged.tables.resample(rng, size)
    rows = int(merged.count.sum())
    drawn = rng.multinomial(rows, (merged.count / rows).ravel(), size=size)
    return drawn.reshape((size, *merged.count.shape)).astype(np.float64), None


def bootstrap(
    cells: Cells,
    policies: PolicySet,
    iv_edges: Int,
    *,
    resamples: int,
    confidence: float,
    seed: Sequence[int],
    cost_ratio: float,
    favorable_selected: bool = True,
    progress: Progress,
    cancel: CancelToken,
) -> Intervals:
    """Percentile intervals at ``confidence`` for every metric of ``policies`` but ``auc``.

    ``iv_edges`` are the IV bins' positions; ``iv_protected`` is a model-level metric, so its
    interval is the same for every candidate.
    """
    merged = _merge(cells, policies, iv_edges)
    rng = np.random.default_rng(seed)
    chunk = max(1, min(resamples, WORK_PER_CHUNK // max(1, len(policies) * merged.count.shape[0])))
    if merged.tables is not None:
        chunk = max(1, min(chunk, WORK_PER_CHUNK // max(merged.tables.clusters, merged.count.size)))
    samples: dict[str, Float] = {}
    for done in range(0, resamples, chunk):
        cancel.raise_if_cancelled()
        size = min(chunk, resamples - done)
        drawn, weight = _draw(merged, rng, size)
        for name, values in merged.metrics(drawn, cost_ratio, favorable_selected, weight).items():
            store = samples.setdefault(name, np.empty((resamples, len(policies)), dtype=np.float32))
            store[done : done + size] = values
        progress((done + size) / resamples, f"Bootstrap of {cells.model}: {done + size:,} of {resamples:,}")
    tail = (1.0 - confidence) / 2.0
    lo = {name: _quantile(values, tail) for name, values in samples.items()}
    hi = {name: _quantile(values, 1 - tail) for name, values in samples.items()}
    return Intervals(lo, hi)


def _quantile(values: Float, q: float) -> Float:
    """Per-candidate quantile of the resamples, ignoring undefined (NaN) ones; NaN when all are."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanquantile(values, q, axis=0).astype(np.float64)
