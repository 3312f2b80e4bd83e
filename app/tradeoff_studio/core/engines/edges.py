"""Exact float64 quantile edges, the same for every engine (issue #21).

The scan's sample only shapes the search; the edges are the exact discrete quantiles of all the
rows — the value of rank ``ceil(n·k/K) − 1`` in sorted order for ``k = 1 … K−1``, DuckDB's
``quantile_disc`` (numpy's ``inverted_cdf``; :func:`exact_ranks` rounds as DuckDB does) —
whatever the sample was, so both engines find the same edges. Two passes, each a numpy function
per block (Ray's read tasks, or DuckDB's record batches):

1. **Rank**: a histogram over cells cut at the sorted distinct sample values — the values strictly
   between two sample values, and the values equal to each one (ties stay in their own cell). The
   cumulative counts give the cell that holds each wanted rank, and how many rows lie below it.
2. **Collect**: the values in the "between" cells that hold a wanted rank (about rows ÷ sample size
   each), sorted in the driver; a rank in an "equal" cell is that sample value, nothing to collect.

Research (research/scale_out.md) matched ``quantile_disc`` with a sample and one refine pass over
bands around the sample quantiles; with the default 2,000 bins those bands cover every row, so the
histogram pass here bounds what reaches the driver instead (about ``(K − 1)`` × rows ÷ sample size).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from ..jobs import CancelToken, Progress, scaled
from .base import Engine, EngineError, FairnessRequest, ScanFacts
from .blocks import _floats
from .dataset import Dataset

Float = NDArray[np.float64]
Int = NDArray[np.int64]


def exact_ranks(rows: int, bins: int) -> Int:
    """The 0-based ranks of the ``bins − 1`` interior discrete quantiles of ``rows`` values, as DuckDB's
    ``quantile_disc`` computes them for ``q = k / bins`` given as a double: ``max(1, n − floor(n − n·q))
    − 1`` in float64 (``ceil(n·q) − 1``, with the double's rounding where ``n·q`` is a whole number)."""
    levels = np.arange(1, bins, dtype=np.float64) / bins
    floored = np.floor(float(rows) - float(rows) * levels).astype(np.int64)
    return np.maximum(1, rows - floored) - 1


def cells_of(values: Float, bounds: Float) -> Int:
    """Each value's cell: ``2p`` strictly below ``bounds[p]`` (and above ``bounds[p − 1]``), ``2p + 1``
    equal to ``bounds[p]``; cells follow the values' order."""
    position = np.searchsorted(bounds, values, side="left")
    equal = np.zeros(len(values), dtype=bool)
    inside = position < len(bounds)
    equal[inside] = bounds[position[inside]] == values[inside]
    return 2 * position.astype(np.int64) + equal


def block_cells(table: pa.Table, bounds: dict[str, Float]) -> dict[str, tuple[Int, Int]]:
    """The rank pass over one block: each score's histogram over its ``2m + 1`` cells, sparse (the
    cells the block reaches and their counts: a small block sends little)."""
    out = {}
    for score, cut in bounds.items():
        histogram = np.bincount(cells_of(_floats(table[score]), cut), minlength=2 * len(cut) + 1)
        reached = np.flatnonzero(histogram)
        out[score] = (reached.astype(np.int64), histogram[reached].astype(np.int64))
    return out


def block_values(table: pa.Table, bounds: dict[str, Float], wanted: dict[str, Int]) -> dict[str, Float]:
    """The collect pass over one block: each score's values in its wanted cells."""
    out = {}
    for score, cells in wanted.items():
        values = _floats(table[score])
        out[score] = values[np.isin(cells_of(values, bounds[score]), cells)] if len(cells) else values[:0]
    return out


def exact_quantiles(
    engine: Engine, dataset: Dataset, request: FairnessRequest, facts: ScanFacts, bins: int, *,
    progress: Progress, cancel: CancelToken,
) -> dict[str, Float]:  # fmt: skip
    """Each score's ``bins − 1`` exact discrete quantiles (float64, values of the data, with repeats)."""
    bounds = {score: np.unique(facts.sample_of(score)) for score in request.scores}
    cells = {score: np.zeros(2 * len(cut) + 1, dtype=np.int64) for score, cut in bounds.items()}
    blocks = engine.map_blocks
    job = {"progress": scaled(progress, 0.0, 0.6), "cancel": cancel, "verb": "Ranking"}
    for found in blocks(dataset, list(request.scores), block_cells, {"bounds": bounds}, **job):
        for score, (reached, counts) in found.items():
            cells[score][reached] += counts
    ranks = exact_ranks(facts.rows, bins)
    located = {score: _locate(cells[score], ranks, facts.rows, engine.name, score) for score in bounds}
    wanted = {score: np.unique(cell[cell % 2 == 0]) for score, (cell, _) in located.items()}
    collected: dict[str, list[Float]] = {score: [] for score in bounds}
    if any(len(cells_) for cells_ in wanted.values()):
        job = {"progress": scaled(progress, 0.6, 1.0), "cancel": cancel, "verb": "Collecting"}
        kwargs = {"bounds": bounds, "wanted": wanted}
        for found in blocks(dataset, list(request.scores), block_values, kwargs, **job):
            for score, values in found.items():
                collected[score].append(values)
    return {score: _pick(bounds[score], located[score], ranks, collected[score], cells[score])
            for score in bounds}  # fmt: skip


def _locate(cells: Int, ranks: Int, rows: int, engine: str, score: str) -> tuple[Int, Int]:
    """The cell holding each rank and the rows below that cell."""
    total = np.cumsum(cells)
    if int(total[-1]) != rows:
        raise EngineError(
            f"The {engine} engine ranked {int(total[-1]):,} values of {score!r} but scanned {rows:,} rows: "
            "the dataset changed during the run. Nothing was stored; run it again."
        )
    cell = np.searchsorted(total, ranks, side="right")
    below = np.where(cell > 0, total[np.maximum(cell - 1, 0)], 0)
    return cell.astype(np.int64), below.astype(np.int64)


def _pick(bounds: Float, located: tuple[Int, Int], ranks: Int, parts: list[Float], cells: Int) -> Float:
    """The value of each rank: a sample value for an "equal" cell, else from the sorted collected values."""
    cell, below = located
    values = np.sort(np.concatenate(parts)) if parts else np.empty(0)
    of_value = cells_of(values, bounds)
    out = np.empty(len(ranks), dtype=np.float64)
    for index, (where, rank, under) in enumerate(zip(cell, ranks, below, strict=True)):
        if where % 2:
            out[index] = bounds[where // 2]
            continue
        start, end = np.searchsorted(of_value, [where, where + 1], side="left")
        if end - start != cells[where]:
            raise EngineError(
                f"Cell {where} held {cells[where]:,} values when ranked but {end - start:,} when collected: "
                "the dataset changed during the run. Nothing was stored; run it again."
            )
        out[index] = values[start + int(rank - under)]
    return out


def thresholds_of(low: float, high: float, inner: Float) -> Float:
    """``K + 1`` thresholds: ``low``, the distinct interior quantiles above it, the double above ``high``."""
    inner = np.unique(np.asarray(inner, dtype=np.float64))
    return np.concatenate([[low], inner[inner > low], [np.nextafter(high, np.inf)]]).astype(np.float64)


def describe(kind: str) -> dict[str, Any]:
    """How the edges were chosen, for the provenance."""
    return {"edges": kind, "edges_rule": EDGE_RULES.get(kind, kind)}


EDGE_RULES = {
    "exact": "exact discrete quantiles of all rows (quantile_disc), found with a sample and two passes",
    "sample": "discrete quantiles of a sample of the rows",
    "given": "thresholds given by the caller",
}
