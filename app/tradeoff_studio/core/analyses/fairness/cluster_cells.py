"""Counts per (cluster, group, score bin, label): the cluster bootstrap of a fairness analysis.

With ``--cluster COL`` rows nest in clusters (applicants of one branch, members of one family),
and resampling single rows would make every interval too narrow. DuckDB already reduces the
table to counts per (group, score key, label); with a cluster column it keeps the cluster in the
key too, so every cluster has its own small count table (sparse: non-empty cells only). A
resample draws as many clusters as there are, with replacement (:func:`..clusters.draw_counts`),
and a cell's resampled count and weight are the sums over the clusters of their tables times how
often each cluster was drawn: a matrix product ``(R × C) @ (C × cells)``, done in blocks of
clusters so memory stays bounded. No row is touched (DESIGN.md §2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ...sql import ident
from ..clusters import cluster_label, draw_counts, suspect_repeated_ids
from .cells import Float, Int, sum_by

if TYPE_CHECKING:
    from ...project import Project
    from .cells import Cells
    from .spec import FairnessSpec
    from .validate import TableFacts

BLOCK_CELLS = 4_000_000  # clusters × merged cells held densely at once


@dataclass(frozen=True)
class ClusterCells:
    """Row counts and weights per (cluster, group, bin, label), sparse: one entry per non-empty cell."""

    column: str
    clusters: int
    cluster: Int
    group: Int
    bin: Int
    label: Int
    count: Float
    weight: Float


def cluster_cells(
    column: str, shape: tuple[int, int, int, int], index: tuple[Int, Int, Int, Int], sums: tuple[Float, Float]
) -> ClusterCells:
    """Sum the aggregated rows that share a (cluster, group, bin, label) cell; keep the non-empty ones.

    ``shape`` is (clusters, groups, bins, 2); ``index`` the four indices of every aggregated row and
    ``sums`` its (row count, weight).
    """
    unique, inverse = np.unique(np.ravel_multi_index(index, shape), return_inverse=True)
    count, weight = (sum_by(inverse, values, len(unique)) for values in sums)
    cluster, group, bin_, label = np.unravel_index(unique, shape)
    return ClusterCells(column, shape[0], cluster, group, bin_, label, count, weight)


@dataclass(frozen=True)
class ClusterTables:
    """A model's cluster cells on merged bins: every entry's cluster and flat cell ``(G, P', 2)``."""

    clusters: int
    shape: tuple[int, int, int]
    cluster: Int
    cell: Int
    count: Float
    weight: Float

    def resample(self, rng: np.random.Generator, size: int) -> tuple[Float, Float]:
        """Row counts and weights of ``size`` cluster resamples, each shaped ``(size, G, P', 2)``."""
        drawn = draw_counts(rng, self.clusters, size)
        cells = int(np.prod(self.shape))
        out = np.zeros((size, 2 * cells))
        block = max(1, BLOCK_CELLS // (2 * cells))
        order = np.argsort(self.cluster, kind="stable")
        ordered = self.cluster[order]
        for start in range(0, self.clusters, block):
            first, last = np.searchsorted(ordered, [start, start + block])
            entries = order[first:last]
            width = min(block, self.clusters - start)
            key = (self.cluster[entries] - start) * 2 * cells + self.cell[entries]
            dense = sum_by(key, self.count[entries], width * 2 * cells)
            dense += sum_by(key + cells, self.weight[entries], width * 2 * cells)
            out += drawn[:, start : start + width] @ dense.reshape(width, 2 * cells)
        shaped = out.reshape(size, 2, *self.shape)
        return shaped[:, 0], shaped[:, 1]


def merged_tables(cells: ClusterCells, used: Int, groups: int) -> ClusterTables:
    """The cluster cells on the bins between consecutive ``used`` positions (0 and K included)."""
    merged = np.searchsorted(used, cells.bin, side="right") - 1
    shape = (groups, len(used) - 1, 2)
    flat = np.ravel_multi_index((cells.group, merged, cells.label), shape)
    unique, inverse = np.unique(cells.cluster * int(np.prod(shape)) + flat, return_inverse=True)
    cluster, cell = np.divmod(unique, int(np.prod(shape)))
    count, weight = (sum_by(inverse, values, len(unique)) for values in (cells.count, cells.weight))
    return ClusterTables(cells.clusters, shape, cluster, cell, count, weight)


def add_cluster_notes(
    notes: dict[str, Any], project: Project, spec: FairnessSpec, facts: TableFacts, cells: Cells
) -> None:
    """What the intervals resample (``ci``: "95% CI by branch, 40 clusters" or "… by row, N rows"),
    the bootstrap note's unit, and (without ``--cluster``) the suspected-nesting note."""
    boot = notes.get("bootstrap")
    notes["nesting"] = None
    if not boot:
        notes["ci"] = None
        return
    if cells.clusters is not None:
        column, count = cells.clusters.column, cells.clusters.clusters
        notes["ci"] = cluster_label(spec.confidence, column, count)
        boot |= {"unit": f"clusters of column '{column}' (every row of a drawn cluster), with replacement",
                 "cluster": column, "clusters": count,
                 "method": "percentile; whole clusters drawn, each with its own count table"}  # fmt: skip
        return
    notes["ci"] = f"{spec.confidence * 100:g}% CI by row, {facts.rows:,} rows"
    boot["unit"] = "rows, with replacement (a multinomial draw over the count cells)"
    used = [spec.label, *spec.sensitive, *spec.scores, spec.weights, spec.site]
    columns = project.columns(spec.table)
    notes["nesting"] = suspect_repeated_ids(project, ident(spec.table), columns, used, "row")
