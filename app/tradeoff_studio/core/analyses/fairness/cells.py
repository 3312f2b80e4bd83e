"""Sufficient statistics of one score column, and the cumulative sums every threshold reads.

For threshold rules every metric depends only on the weights per (site, group, score bin,
label) (DESIGN.md §2). Bins are sorted by score. A *position* ``p`` in ``0..K`` is a threshold:
it selects the rows in bins ``p..K-1``, i.e. those with ``score >= thresholds[p]``; position 0
selects everyone and position ``K`` no one. Cumulative sums from the top give the selected
positives (``tp``) and negatives (``fp``) at every position at once, in O(G·K).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    from .cluster_cells import ClusterCells

Float = NDArray[np.float64]
Int = NDArray[np.int64]


@dataclass(frozen=True)
class SiteCells:
    """Weights per (site, group, bin, label), sparse: one entry per non-empty cell."""

    sites: int
    site: Int
    group: Int
    bin: Int
    label: Int
    weight: Float


@dataclass(frozen=True)
class Cells:
    """Weights, row counts and squared weights per (group, bin, label) of one model.

    Arrays have shape ``(G, K, 2)``; the last axis is (negative, positive). ``thresholds`` has
    ``K + 1`` entries: position ``p`` selects ``score >= thresholds[p]``, the last lies above
    every score. ``auc`` comes from the finest resolution the aggregation saw, with its DeLong
    standard error; ``auc_bound`` bounds its distance to the exact AUC (0 in exact mode).
    ``sites`` holds the same weights split by site (sparse), when the spec has a site column;
    ``clusters`` the counts and weights split by cluster, with ``--cluster``.
    """

    model: str
    weight: Float
    count: Int
    weight_sq: Float
    thresholds: Float
    exact: bool
    auc: float
    auc_se: float
    auc_bound: float
    sites: SiteCells | None
    clusters: ClusterCells | None = None  # counts per cluster, with --cluster (see .cluster_cells)

    @property
    def bins(self) -> int:
        """Number of score bins ``K``."""
        return int(self.weight.shape[1])


@dataclass(frozen=True)
class Curves:
    """Selected positives and negatives at every position, per group (leading axes allowed).

    ``tp`` and ``fp`` have shape ``(..., G, P)``; ``pos`` and ``neg`` (the groups' totals) have
    shape ``(..., G)``.
    """

    tp: Float
    fp: Float
    pos: Float
    neg: Float


def sum_by(index: Int, weights: ArrayLike, size: int) -> Float:
    """Sum ``weights`` by ``index`` into ``size`` slots (``np.bincount`` as float64)."""
    return np.bincount(index, weights=weights, minlength=size).astype(np.float64, copy=False)


def from_top(values: NDArray[np.floating] | NDArray[np.integer]) -> Float:
    """Sums of the bins at or above each position along the last axis: ``K`` bins → ``K + 1`` sums."""
    flipped = np.cumsum(values[..., ::-1], axis=-1, dtype=np.float64)[..., ::-1]
    zeros = np.zeros((*values.shape[:-1], 1))
    return np.concatenate([flipped, zeros], axis=-1)


def curves(weight: Float) -> Curves:
    """Cumulative sums of ``weight`` (shape ``(..., G, K, 2)``) at all ``K + 1`` positions."""
    tp = from_top(weight[..., 1])
    fp = from_top(weight[..., 0])
    return Curves(tp, fp, tp[..., 0].copy(), fp[..., 0].copy())


def collapse(weight: Float, positions: Int) -> Float:
    """Sum the bins between consecutive ``positions`` (sorted, starting at 0 and ending at K).

    The result has ``len(positions) - 1`` bins on axis -2; the curves at these positions equal
    the curves of ``weight`` at ``positions``.
    """
    starts = positions[:-1]
    return np.add.reduceat(weight, starts, axis=-2) if len(starts) else weight[..., :0, :]


def quantile_positions(mass: Float, count: int) -> Int:
    """About ``count`` positions (always 0 and K) splitting the bins' ``mass`` into equal parts."""
    bins = len(mass)
    if bins + 1 <= count:
        return np.arange(bins + 1, dtype=np.int64)
    cumulative = np.concatenate([[0.0], np.cumsum(mass, dtype=np.float64)])
    total = cumulative[-1]
    if total <= 0:
        return np.unique(np.linspace(0, bins, count).round().astype(np.int64))
    targets = np.linspace(0.0, total, count)
    found = np.searchsorted(cumulative, targets, side="left")
    return np.unique(np.concatenate([[0, bins], np.clip(found, 0, bins)])).astype(np.int64)
