"""What an engine computes: the facts of one scan, then counts per (group, score bin, label).

Both engines answer the same two questions over a :class:`~.dataset.Dataset` and return plain
numpy/Python values, so the analyses never see the engine:

* :meth:`Engine.scan` — rows, label values and NULLs, per score its range, NULLs and a row sample,
  and the groups (intersections of the sensitive columns) with their row counts;
* :meth:`Engine.count` — given the groups, the positive label value and float64 bin edges per
  score, the int64 counts per (group, bin, label), one flat vector per score.

One comparison rule everywhere: a row falls in bin ``b`` when ``score >= edge`` holds for exactly
``b`` of the interior edges (numpy ``searchsorted(..., side="right")``; DuckDB ``CASE WHEN s >= e``
trees or ``ASOF JOIN ... >=``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from numpy.typing import NDArray

from ..errors import StudioError
from ..jobs import CancelToken, Progress
from .dataset import Dataset

if TYPE_CHECKING:
    import pyarrow as pa

    from .pairs import PairsRequest

ENGINES = ("duckdb", "ray")
SAMPLE_ROWS = 100_000
"""Rows sampled (about) per score for the quantile bin edges."""

Int = NDArray[np.int64]


class EngineError(StudioError):
    """An engine could not give exact statistics (a row total that disagrees with the footers, …)."""


@dataclass(frozen=True)
class FairnessRequest:
    """The columns of a fairness reduction: label, sensitive columns, score columns."""

    label: str
    sensitive: tuple[str, ...]
    scores: tuple[str, ...]
    sample_rows: int = SAMPLE_ROWS

    @property
    def columns(self) -> list[str]:
        """Every column the reduction reads, once each."""
        return list(dict.fromkeys([self.label, *self.sensitive, *self.scores]))


@dataclass
class ScanFacts:
    """What one pass over the dataset found (merged over blocks with :meth:`merge`)."""

    rows: int = 0
    labels: set[Any] = field(default_factory=set)
    label_nulls: int = 0
    score_nulls: dict[str, int] = field(default_factory=dict)
    low: dict[str, float] = field(default_factory=dict)
    high: dict[str, float] = field(default_factory=dict)
    groups: dict[tuple[Any, ...], int] = field(default_factory=dict)
    sample: dict[str, list[NDArray[np.float64]]] = field(default_factory=dict)

    def merge(self, other: ScanFacts) -> None:
        """Add the facts of another block (labels are kept up to 3 values: a binary check)."""
        self.rows += other.rows
        self.labels |= other.labels
        self.labels = set(sorted(self.labels, key=repr)[:3])
        self.label_nulls += other.label_nulls
        for score, nulls in other.score_nulls.items():
            self.score_nulls[score] = self.score_nulls.get(score, 0) + nulls
        for score, value in other.low.items():
            self.low[score] = min(self.low.get(score, np.inf), value)
        for score, value in other.high.items():
            self.high[score] = max(self.high.get(score, -np.inf), value)
        for key, count in other.groups.items():
            self.groups[key] = self.groups.get(key, 0) + count
        for score, parts in other.sample.items():
            self.sample.setdefault(score, []).extend(parts)

    def sample_of(self, score: str) -> NDArray[np.float64]:
        """The sampled values of ``score``, sorted (engine-independent order)."""
        parts = self.sample.get(score) or [np.empty(0)]
        return np.sort(np.concatenate(parts).astype(np.float64))


@dataclass(frozen=True)
class CountPlan:
    """What the count pass needs: groups in order, the positive label, interior edges per score."""

    request: FairnessRequest
    groups: tuple[tuple[Any, ...], ...]
    positive: Any
    edges: dict[str, NDArray[np.float64]]  # interior edges (K - 1 per score), sorted, float64

    def size(self, score: str) -> int:
        """Length of ``score``'s flat count vector: groups × bins × 2."""
        return len(self.groups) * (len(self.edges[score]) + 1) * 2


class Engine(Protocol):
    """An engine that reduces a dataset to the statistics above."""

    name: str

    def versions(self) -> dict[str, str]:
        """The versions of the engine's libraries (stored as provenance)."""
        ...

    def scan(
        self, dataset: Dataset, request: FairnessRequest, *, progress: Progress, cancel: CancelToken
    ) -> ScanFacts:
        """One pass: :class:`ScanFacts` of the whole dataset."""
        ...

    def count(
        self, dataset: Dataset, plan: CountPlan, *, progress: Progress, cancel: CancelToken
    ) -> dict[str, Int]:
        """One pass: the flat int64 count vector of each score (its sum is the rows counted)."""
        ...

    def pairs(
        self, dataset: Dataset, request: PairsRequest, *, progress: Progress, cancel: CancelToken
    ) -> pa.Table:
        """One pass: the (item, system) aggregates of an evaluation log (:mod:`.pairs`)."""
        ...

    def map_blocks(
        self, dataset: Dataset, columns: list[str], fn: Callable[..., Any], kwargs: dict[str, Any], *,
        progress: Progress, cancel: CancelToken, verb: str,
    ) -> Iterator[Any]:  # fmt: skip
        """One pass: ``fn(block, **kwargs)`` of every block (a ``pyarrow.Table``), in any order."""
        ...


def sort_key(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """Groups sort by their values, NULL last (as ``ORDER BY ... NULLS LAST``)."""
    return tuple((value is None, value if value is not None else 0) for value in values)
