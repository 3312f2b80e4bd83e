"""Per-(system, item) aggregates of an evaluation log outside the project (cost–quality, issue #21).

Every cost–quality figure depends on the (system, item) aggregates of the log: a row count and, per
value column (correct, cost or token counts, latency, confidence), the sum. Each engine computes
partial aggregates per block (pyarrow ``group_by`` in Ray's workers, ``GROUP BY`` in DuckDB), the
driver combines them and sorts the pairs by (system, item), so both engines hand the analysis the
same table. The log must hold one row per (item, system) (the in-project analysis refuses repeats
too), so a combined pair counts 1 row and its sums are that row's values (NULL and NaN kept).
The counted total is checked against the Parquet footers' row count before anything is used.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..jobs import CancelToken, Progress, no_progress
from .base import Engine
from .dataset import Dataset, DatasetError
from .fairness_counts import check_total

PAIR_ROWS = "_ts_n"
"""The column of a pair's row count."""


@dataclass(frozen=True)
class PairsRequest:
    """The columns of a cost–quality reduction: the item and system keys, an optional cluster (text,
    one per item) and the numeric value columns (summed per pair)."""

    item: str
    system: str
    values: tuple[str, ...]
    cluster: str | None = None

    @property
    def keys(self) -> list[str]:
        """The pair's key columns."""
        return [self.item, self.system]

    @property
    def texts(self) -> list[str]:
        """The columns read as text: the keys and the cluster."""
        return self.keys + ([self.cluster] if self.cluster else [])

    @property
    def columns(self) -> list[str]:
        """Every column the reduction reads, once each."""
        return list(dict.fromkeys([*self.texts, *self.values]))

    def schema(self) -> pa.Schema:
        """The combined table's schema (both engines' answers are cast to it)."""
        fields = [pa.field(name, pa.string()) for name in self.texts]
        fields += [pa.field(name, pa.float64()) for name in dict.fromkeys(self.values)]
        return pa.schema([*fields, pa.field(PAIR_ROWS, pa.int64())])


@dataclass(frozen=True)
class PairsResult:
    """The combined pairs of a dataset, sorted by (system, item), with the engine's provenance."""

    engine: str
    versions: dict[str, str]
    rows: int  # equal to the Parquet footers' total
    pairs: pa.Table

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready provenance: the engine, its versions, the rows and the number of pairs."""
        return {"engine": self.engine, "versions": self.versions, "rows": self.rows,
                "pairs": self.pairs.num_rows}  # fmt: skip


def _plain(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return column.cast(column.type.value_type) if pa.types.is_dictionary(column.type) else column


def _grouped(data: pa.Table, request: PairsRequest, *, combine: bool) -> pa.Table:
    """Group ``data`` by (item, system): sums of the values (a NULL stays NULL), the cluster's minimum
    and the row count (``count_all`` of a block, or the sum of the partial counts when combining)."""
    keep = pc.ScalarAggregateOptions(skip_nulls=False)
    values = list(dict.fromkeys(request.values))
    aggregates: list[Any] = [(name, "sum", keep) for name in values]
    if request.cluster:
        aggregates.append((request.cluster, "min", keep))
    aggregates.append((PAIR_ROWS, "sum") if combine else ([], "count_all"))
    found = data.group_by(request.keys).aggregate(aggregates)
    named = {f"{name}_sum": name for name in values} | {f"{PAIR_ROWS}_sum": PAIR_ROWS, "count_all": PAIR_ROWS}
    if request.cluster:
        named[f"{request.cluster}_min"] = request.cluster
    found = found.rename_columns([named.get(name, name) for name in found.column_names])
    return found.select(request.schema().names).cast(request.schema())


def block_pairs(table: pa.Table, request: PairsRequest) -> pa.Table:
    """The partial (item, system) aggregates of one block (text keys, float64 values)."""
    columns = {name: pc.cast(_plain(table[name]), pa.string()) for name in request.texts}
    columns |= {name: pc.cast(_plain(table[name]), pa.float64()) for name in dict.fromkeys(request.values)}
    return _grouped(pa.table(columns), request, combine=False)


def combine_pairs(parts: list[pa.Table], request: PairsRequest) -> pa.Table:
    """The blocks' partial aggregates combined per (item, system)."""
    if not parts:
        return request.schema().empty_table()
    return _grouped(pa.concat_tables(parts), request, combine=True)


def collect_pairs(
    engine: Engine,
    dataset: Dataset,
    request: PairsRequest,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> PairsResult:
    """The (item, system) aggregates of ``dataset`` by ``engine``, their row total checked against the
    Parquet footers (:class:`~.base.EngineError` when it differs)."""
    token = cancel or CancelToken()
    dataset.require_columns(*request.columns)
    session = getattr(engine, "session", contextlib.nullcontext)  # Ray: started once
    with session():
        pairs = engine.pairs(dataset, request, progress=progress, cancel=token)
        token.raise_if_cancelled()
        versions = engine.versions()
    pairs = pairs.select(request.schema().names).cast(request.schema())
    pairs = pairs.sort_by([(request.system, "ascending"), (request.item, "ascending")])
    check_total(engine.name, "counted", int(pc.sum(pairs[PAIR_ROWS]).as_py() or 0), dataset)
    if pairs.num_rows == 0:
        raise DatasetError(f"The dataset {dataset.pattern!r} has no rows; there is nothing to analyse.")
    return PairsResult(engine.name, versions, dataset.rows, pairs)
