"""The DuckDB engine: the project's own engine, here over Parquet files outside the project.

A private in-memory connection reads the files (``read_parquet`` over the checked file list); the
rows never enter the project. Bins come from a balanced ``CASE`` tree (up to 127 edges, bound as
parameters: ``score >= edge`` on float64), or with more edges from the numpy block function Ray's
workers run (``searchsorted(side="right")``, the same rule) over DuckDB's record batches — twice as
fast as the ``ASOF JOIN`` it replaces at 2,000 bins, and the same code as Ray's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ..jobs import CancelToken, Progress, scaled
from ..sql import ident
from .base import CountPlan, FairnessRequest, Int, ScanFacts
from .blocks import block_counts
from .dataset import Dataset

if TYPE_CHECKING:
    import pyarrow as pa

    from .pairs import PairsRequest

SOURCE = "read_parquet($files)"
CASE_TREE_BINS = 128  # measured crossover: a CASE tree is faster below, numpy blocks above
BATCH_ROWS = 1 << 20


class DuckDBEngine:
    """Counts with DuckDB in this process (``threads`` threads; default: DuckDB's, all cores)."""

    name = "duckdb"

    def __init__(self, *, threads: int | None = None) -> None:
        self.threads = threads

    def versions(self) -> dict[str, str]:
        """DuckDB's and pyarrow's versions."""
        import duckdb
        import pyarrow

        return {"duckdb": duckdb.__version__, "pyarrow": pyarrow.__version__}

    def _connect(self, cancel: CancelToken) -> Any:
        import duckdb

        con = duckdb.connect()
        if self.threads:
            con.execute(f"SET threads = {int(self.threads)}")
        cancel.on_cancel(con.interrupt)
        return con

    def scan(
        self, dataset: Dataset, request: FairnessRequest, *, progress: Progress, cancel: CancelToken
    ) -> ScanFacts:
        """Rows, label values, score ranges and NULLs, groups, and a reservoir sample."""
        con, files = self._connect(cancel), {"files": dataset.paths}
        try:
            progress(0.0, f"Scanning {len(dataset.files)} Parquet file(s) with DuckDB")
            facts = ScanFacts()
            label = ident(request.label)
            parts = [f"count(*) FILTER (WHERE {label} IS NULL)"]
            for score in request.scores:
                value = f"CAST({ident(score)} AS DOUBLE)"
                parts += [f"min({value})", f"max({value})", f"count(*) FILTER (WHERE {value} IS NULL)"]
            row = con.execute(f"SELECT count(*), {', '.join(parts)} FROM {SOURCE}", files).fetchone()
            facts.rows, facts.label_nulls = int(row[0]), int(row[1])
            for i, score in enumerate(request.scores):
                low, high, nulls = row[2 + 3 * i : 5 + 3 * i]
                facts.score_nulls[score] = int(nulls)
                if low is not None:
                    facts.low[score], facts.high[score] = float(low), float(high)
            found = con.execute(
                f"SELECT DISTINCT {label} FROM {SOURCE} WHERE {label} IS NOT NULL LIMIT 3", files
            )
            facts.labels = {r[0] for r in found.fetchall()}
            keys = ", ".join(ident(c) for c in request.sensitive)
            for *values, count in con.execute(
                f"SELECT {keys}, count(*) FROM {SOURCE} GROUP BY ALL", files
            ).fetchall():
                facts.groups[tuple(values)] = int(count)
            progress(0.5, "Sampling the scores for the bin edges")
            facts.sample = self._sample(con, files, request)
            return facts
        finally:
            con.close()

    def _sample(self, con: Any, files: dict[str, Any], request: FairnessRequest) -> dict[str, list[Any]]:
        values = ", ".join(f"CAST({ident(s)} AS DOUBLE)" for s in request.scores)
        rows = int(request.sample_rows)
        sql = f"SELECT {values} FROM {SOURCE} USING SAMPLE reservoir({rows} ROWS) REPEATABLE (0)"
        found = con.execute(sql, files).fetchnumpy()
        out = {}
        for column, score in zip(found, request.scores, strict=True):
            array = found[column]
            out[score] = [np.asarray(array.compressed() if np.ma.isMaskedArray(array) else array, np.float64)]
        return out

    def count(
        self, dataset: Dataset, plan: CountPlan, *, progress: Progress, cancel: CancelToken
    ) -> dict[str, Int]:
        """Counts per (group, bin, label) of each score: one scan per score with a balanced ``CASE`` tree
        on the edges below :data:`CASE_TREE_BINS` bins (about log2 K comparisons a row); the scores
        with more bins together in one pass of numpy blocks (:func:`.blocks.block_counts`)."""
        many = {score: edges for score, edges in plan.edges.items() if len(edges) >= CASE_TREE_BINS}
        share = len(many) / len(plan.edges)
        out = self._block_counts(dataset, replace(plan, edges=many), scaled(progress, 0.0, share), cancel)
        tree = replace(plan, edges={s: e for s, e in plan.edges.items() if s not in many})
        return out | self._tree_counts(dataset, tree, scaled(progress, share, 1.0), cancel)

    def _block_counts(
        self, dataset: Dataset, plan: CountPlan, progress: Progress, cancel: CancelToken
    ) -> dict[str, Int]:
        if not plan.edges:
            return {}
        totals = {score: np.zeros(plan.size(score), dtype=np.int64) for score in plan.edges}
        columns = list(dict.fromkeys([plan.request.label, *plan.request.sensitive, *plan.edges]))
        job = {"progress": progress, "cancel": cancel, "verb": "Counting"}
        for found in self.map_blocks(dataset, columns, block_counts, {"plan": plan}, **job):
            for score, vector in found.items():
                totals[score] += vector
        return totals

    def _tree_counts(
        self, dataset: Dataset, plan: CountPlan, progress: Progress, cancel: CancelToken
    ) -> dict[str, Int]:
        if not plan.edges:
            return {}
        con, request = self._connect(cancel), plan.request
        index = {group: i for i, group in enumerate(plan.groups)}
        keys = ", ".join(ident(c) for c in request.sensitive)
        rows = (
            f"SELECT {keys}, ({ident(request.label)} = $positive) AS _ts_y, "
            f"CAST({{score}} AS DOUBLE) AS _ts_s FROM {SOURCE}"
        )
        out = {}
        try:
            for i, (score, edges) in enumerate(plan.edges.items()):
                progress(i / len(plan.edges), f"Counting {score} with DuckDB")
                params: dict[str, Any] = {"files": dataset.paths, "positive": plan.positive}
                source = rows.format(score=ident(score))
                tree = _case_tree(edges, 0, len(edges), params)
                sql = f"SELECT {keys}, {tree}, _ts_y, count(*) FROM ({source}) GROUP BY ALL"
                found = con.execute(sql, params).fetchall()
                out[score] = _flat(found, index, len(edges) + 1, plan.size(score))
            return out
        finally:
            con.close()

    def pairs(
        self, dataset: Dataset, request: PairsRequest, *, progress: Progress, cancel: CancelToken
    ) -> pa.Table:
        """The (item, system) aggregates in one ``GROUP BY``: the row count, each value's sum (a NULL
        stays NULL for a single row) and the cluster's minimum, the keys cast to text."""
        from .pairs import PAIR_ROWS

        con = self._connect(cancel)
        select = [f"CAST({ident(c)} AS VARCHAR) AS {ident(c)}" for c in request.keys]
        if request.cluster:
            select.append(f"min(CAST({ident(request.cluster)} AS VARCHAR)) AS {ident(request.cluster)}")
        select += [f"sum(CAST({ident(c)} AS DOUBLE)) AS {ident(c)}" for c in dict.fromkeys(request.values)]
        select.append(f"count(*) AS {PAIR_ROWS}")
        try:
            progress(0.0, f"Aggregating {len(dataset.files)} Parquet file(s) per (system, item) with DuckDB")
            sql = f"SELECT {', '.join(select)} FROM {SOURCE} GROUP BY 1, 2"
            found = con.execute(sql, {"files": dataset.paths}).to_arrow_table()
            progress(1.0, f"Aggregated {dataset.rows:,} rows with DuckDB")
            return found
        finally:
            con.close()

    def map_blocks(
        self, dataset: Dataset, columns: list[str], fn: Callable[..., Any], kwargs: dict[str, Any], *,
        progress: Progress, cancel: CancelToken, verb: str,
    ) -> Iterator[Any]:  # fmt: skip
        """``fn(block, **kwargs)`` for each record batch of ``columns`` (the block functions Ray's
        workers run, here on DuckDB's reads in this process)."""
        import pyarrow as pa

        con = self._connect(cancel)
        try:
            sql = f"SELECT {', '.join(ident(c) for c in columns)} FROM {SOURCE}"
            done, total = 0, dataset.rows
            progress(0.0, f"{verb} with DuckDB")
            for batch in con.execute(sql, {"files": dataset.paths}).to_arrow_reader(BATCH_ROWS):
                cancel.raise_if_cancelled()
                yield fn(pa.Table.from_batches([batch]), **kwargs)
                done += batch.num_rows
                progress(min(done / max(total, 1), 1.0), f"{verb} with DuckDB: {done:,} of {total:,} rows")
        finally:
            con.close()


def _case_tree(edges: np.ndarray, low: int, high: int, params: dict[str, Any]) -> str:
    """``CASE`` expressions giving the bin (``low``..``high``) of ``_ts_s``: ``score >= edge`` splits."""
    if low == high:
        return str(low)
    middle = (low + high + 1) // 2
    params[f"e{middle}"] = float(edges[middle - 1])
    above, below = _case_tree(edges, middle, high, params), _case_tree(edges, low, middle - 1, params)
    return f"(CASE WHEN _ts_s >= $e{middle} THEN {above} ELSE {below} END)"


def _flat(found: list[tuple[Any, ...]], index: dict[tuple[Any, ...], int], bins: int, size: int) -> Int:
    counts = np.zeros(size, dtype=np.int64)
    for *values, bin_, y, n in found:
        group = index.get(tuple(values))
        if group is None:
            raise RuntimeError(
                f"Group {tuple(values)!r} appeared after the scan: the dataset changed during the run."
            )
        counts[(group * bins + int(bin_)) * 2 + int(bool(y))] += int(n)
    return counts
