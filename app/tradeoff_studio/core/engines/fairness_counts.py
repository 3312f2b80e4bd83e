"""Counts per (group, score bin, label) of a Parquet dataset, by any engine, checked before use.

A scan (facts and a sample), the bin edges, then the count with float64 edges shared by every
engine. The edges are by default the exact discrete quantiles of all the rows (:mod:`.edges`: two
more passes; the same edges whatever the engine and its sample), or quantiles of the sample
(``edges="sample"``); either way values that occur in the data, and the metrics at every edge are
exact, since the counts are. Before anything is returned the groups' totals and every score's counted
total are checked against the Parquet footers' row count (research/scale_out.md §2: engines can lose
rows without an error).
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..jobs import CancelToken, Progress, no_progress, scaled
from .base import CountPlan, Engine, EngineError, FairnessRequest, ScanFacts, sort_key
from .blocks import positive_value
from .dataset import Dataset, DatasetError
from .edges import describe, exact_quantiles, thresholds_of

Float = NDArray[np.float64]
MAX_GROUPS = 1000
EDGE_KINDS = ("exact", "sample")


@dataclass(frozen=True)
class FairnessCounts:
    """The sufficient statistics of a fairness analysis over a dataset, with their provenance."""

    engine: str
    versions: dict[str, str]
    rows: int
    positive: Any
    groups: tuple[tuple[Any, ...], ...]
    group_counts: NDArray[np.int64]
    thresholds: dict[str, Float]  # K + 1 per score: position p selects score >= thresholds[p]
    counts: dict[str, NDArray[np.int64]]  # (G, K, 2) per score; last axis (negative, positive)
    edges: str = "sample"  # how the thresholds were chosen: exact (all rows) or sample quantiles

    def edges_sha256(self) -> str:
        """SHA-256 of every score's float64 thresholds (in score order): the bins' fingerprint."""
        digest = hashlib.sha256()
        for score, values in self.thresholds.items():
            digest.update(score.encode() + b"\0" + np.asarray(values, "<f8").tobytes())
        return digest.hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready provenance: engine, versions, rows, groups, edges (and hash) and the counts."""
        return {
            "engine": self.engine,
            "versions": self.versions,
            "rows": self.rows,
            "positive": self.positive,
            "groups": [list(g) for g in self.groups],
            "group_rows": self.group_counts.tolist(),
            "edges_sha256": self.edges_sha256(),
            **describe(self.edges),
            "thresholds": {s: v.tolist() for s, v in self.thresholds.items()},
            "counts": {s: v.tolist() for s, v in self.counts.items()},
        }


def count_fairness(
    engine: Engine,
    dataset: Dataset,
    request: FairnessRequest,
    *,
    bins: int,
    positive: Any = None,
    thresholds: dict[str, Float] | None = None,
    edges: str = "exact",
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> FairnessCounts:
    """Scan ``dataset`` with ``engine``, fix the bin edges (the given ``thresholds``, else ``edges``:
    ``exact`` quantiles of all rows or ``sample`` quantiles) and count.

    Raises :class:`DatasetError` for a column, label or NULL the user must fix, and
    :class:`EngineError` when a counted total disagrees with the Parquet footers.
    """
    session = getattr(engine, "session", contextlib.nullcontext)  # Ray: one start for both passes
    with session():
        job = {"bins": bins, "positive": positive, "thresholds": thresholds, "edges": edges}
        return _count(engine, dataset, request, job, progress=progress, token=cancel or CancelToken())


def _count(
    engine: Engine, dataset: Dataset, request: FairnessRequest, job: dict[str, Any], *, progress: Progress,
    token: CancelToken,
) -> FairnessCounts:  # fmt: skip
    scored = getattr(engine, "scored_columns", ())
    dataset.require_columns(*(c for c in request.columns if c not in scored))
    facts = engine.scan(dataset, request, progress=scaled(progress, 0.0, 0.3), cancel=token)
    token.raise_if_cancelled()
    check_total(engine.name, "scanned", facts.rows, dataset)
    found_positive = _check_facts(facts, request, dataset, job["positive"])
    groups = tuple(sorted(facts.groups, key=sort_key))
    if len(groups) > MAX_GROUPS:
        raise DatasetError(
            f"The sensitive column(s) {', '.join(request.sensitive)} of {dataset.pattern!r} form more than "
            f"{MAX_GROUPS} groups. Is one of them an identifier? Choose coarser columns."
        )
    kind = "given" if job["thresholds"] else job["edges"]
    edges = job["thresholds"] or _edges(
        engine, dataset, request, facts, job, progress=scaled(progress, 0.3, 0.6), token=token
    )
    plan = CountPlan(request, groups, found_positive, {s: edges[s][1:-1] for s in request.scores})
    vectors = engine.count(dataset, plan, progress=scaled(progress, 0.6, 1.0), cancel=token)
    token.raise_if_cancelled()
    group_counts = np.array([facts.groups[g] for g in groups], dtype=np.int64)
    counts = {}
    for score in request.scores:
        counted = vectors[score].reshape(len(groups), len(edges[score]) - 1, 2)
        check_total(engine.name, f"counted for {score!r}", int(counted.sum()), dataset)
        if not np.array_equal(counted.sum(axis=(1, 2)), group_counts):
            raise EngineError(
                f"The {engine.name} engine's counts per group for {score!r} differ from its scan of "
                f"{dataset.pattern!r}: the dataset changed during the run. Nothing was stored; run it again."
            )
        counts[score] = counted
    return FairnessCounts(
        engine.name, engine.versions(), dataset.rows, found_positive, groups, group_counts,
        {s: np.asarray(edges[s], np.float64) for s in request.scores}, counts, kind,
    )  # fmt: skip


def _edges(
    engine: Engine, dataset: Dataset, request: FairnessRequest, facts: ScanFacts, job: dict[str, Any], *,
    progress: Progress, token: CancelToken,
) -> dict[str, Float]:  # fmt: skip
    """Each score's ``K + 1`` thresholds: exact quantiles of all rows, or of the scan's sample."""
    if job["edges"] not in EDGE_KINDS:
        raise DatasetError(f"Unknown edges {job['edges']!r}; use one of: {', '.join(EDGE_KINDS)}.")
    if job["edges"] == "sample":
        return {s: quantile_thresholds(facts, s, job["bins"]) for s in request.scores}
    inner = exact_quantiles(engine, dataset, request, facts, job["bins"], progress=progress, cancel=token)
    token.raise_if_cancelled()
    return {s: thresholds_of(facts.low[s], facts.high[s], inner[s]) for s in request.scores}


def check_total(engine: str, what: str, rows: int, dataset: Dataset) -> None:
    """Refuse a row total that differs from the Parquet footers' (engines can lose rows silently)."""
    if rows != dataset.rows:
        raise EngineError(
            f"The {engine} engine {what} {rows:,} rows, but the Parquet footers of {dataset.pattern!r} "
            f"declare {dataset.rows:,}. Nothing was stored. Check that no file changed or is listed twice."
        )


def _check_facts(facts: ScanFacts, request: FairnessRequest, dataset: Dataset, positive: Any) -> Any:
    where = f"of the dataset {dataset.pattern!r}"
    if facts.rows == 0:
        raise DatasetError(f"The dataset {dataset.pattern!r} has no rows; there is nothing to analyse.")
    if facts.label_nulls:
        raise DatasetError(
            f"Label column {request.label!r} {where} has {facts.label_nulls:,} NULL values; "
            "drop or fill those rows first."
        )
    for score in request.scores:
        if facts.score_nulls.get(score, 0):
            raise DatasetError(
                f"Score column {score!r} {where} has {facts.score_nulls[score]:,} NULL values; "
                "score every row or drop those rows first."
            )
    try:
        return positive_value(facts.labels, positive, f"label column {request.label!r} {where}")
    except ValueError as error:
        raise DatasetError(f"{error} Choose a 0/1 label or say which value is positive.") from error


def quantile_thresholds(facts: ScanFacts, score: str, bins: int) -> Float:
    """``K + 1`` thresholds of about ``bins`` quantile bins: the lowest score, the distinct sample
    quantiles above it (values that occur in the data), and the double just above the highest score."""
    sample = facts.sample_of(score)
    inner = np.empty(0)
    if len(sample) and bins > 1:
        inner = np.quantile(sample, np.arange(1, bins) / bins, method="inverted_cdf")
    return thresholds_of(facts.low[score], facts.high[score], inner)
