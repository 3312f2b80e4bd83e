"""Benchmark the scale-out reduction (issue #21): Ray Data against DuckDB, per core (not a test).

Run ``python tests/benchmarks/bench_scale.py`` (``--help`` for the sizes). ``--rows`` (default
100,000,000, about 1 GB) rows of (sex, region, label, score float64) are written as ``--files``
Parquet files, then reduced to counts per (group, score bin, label) on the same float64 edges by the
DuckDB engine (``--cores`` threads) and by the Ray engine (a local ``ray.init(num_cpus=--cores)``).
Timed: the count pass (edges fixed), as rows per second per core (wall time × cores). Checked:
both engines' counts are equal and their totals equal the Parquet footers'.

Scoring: ``--score-rows`` (default 2,000,000) rows of random features for the sample GBT model
(``models/credit_gbt.onnx``, registered in a temporary project) scored inside Ray's actor pool and
counted on fixed edges; rows per second per core of that pass.

Exact edges: the two passes that find the exact quantile edges (rank and collect, numpy per block)
on the same scan facts, both engines; the edges must be equal. Cost–quality: ``--log-rows``
(default 2,000,000: 20 systems) rows of an evaluation log aggregated per (system, item) by both
engines; the pairs must be equal.

The last lines are ``key=value``: ray_rows_per_core_s, duckdb_rows_per_core_s,
ray_score_rows_per_core_s, ray_edges_rows_per_core_s, duckdb_edges_rows_per_core_s,
ray_pairs_rows_per_core_s, duckdb_pairs_rows_per_core_s. Goal: Ray within 3x of DuckDB per core,
exact counts.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np


def write(folder: Path, rows: int, files: int, seed: int = 0) -> None:
    """``files`` Parquet files holding ``rows`` rows in all (row groups of 1M rows)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    per_file = rows // files
    for index in range(files):
        with pq.ParquetWriter(folder / f"part-{index:04d}.parquet", _schema()) as writer:
            left = per_file + (rows - per_file * files if index == files - 1 else 0)
            while left:
                n = min(left, 1_000_000)
                risk = rng.normal(size=n)
                writer.write_table(pa.table({
                    "sex": rng.choice(np.array(["female", "male"]), n),
                    "region": rng.choice(np.array(["north", "south", "east", "west"]), n),
                    "label": (risk + rng.normal(size=n) > 0.5).astype(np.int64),
                    "score": 1 / (1 + np.exp(-risk)),
                }, schema=_schema()))  # fmt: skip
                left -= n


def _schema():
    import pyarrow as pa

    return pa.schema(
        [("sex", pa.string()), ("region", pa.string()), ("label", pa.int64()), ("score", pa.float64())]
    )


def score_rate_per_core(folder: Path, rows: int, cores: int) -> tuple[float, str]:
    """Rows per second per core of Ray's count pass with the sample GBT model scored in its actors."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    from tradeoff_studio.core.engines.base import CountPlan, FairnessRequest
    from tradeoff_studio.core.engines.dataset import open_dataset
    from tradeoff_studio.core.engines.ray_engine import RayEngine
    from tradeoff_studio.core.engines.scoring import prepare_scoring
    from tradeoff_studio.core.inference.registry import add_model
    from tradeoff_studio.core.jobs import CancelToken, no_progress
    from tradeoff_studio.core.project import create_project

    models = Path(__file__).resolve().parents[2] / "models"
    names = [i["name"] for i in json.loads((models / "credit_gbt.manifest.json").read_text())["inputs"]]
    rng = np.random.default_rng(1)
    target = folder / "scored"
    target.mkdir()
    for index in range(8):
        n = rows // 8
        columns = {name: rng.normal(size=n).astype(np.float32) for name in names}
        columns |= {"sex": rng.choice(np.array(["female", "male"]), n), "label": rng.integers(0, 2, n)}
        pq.write_table(pa.table(columns), target / f"part-{index}.parquet")
    dataset = open_dataset(str(target))
    with create_project(folder / "bench.tsproj") as project:
        add_model(project, models / "credit_gbt.onnx", name="gbt")
        scoring = prepare_scoring(project, "gbt", dataset, provider="cpu")
    request = FairnessRequest("label", ("sex",), (scoring.column,))
    plan = CountPlan(request, (("female",), ("male",)), 1, {scoring.column: np.linspace(0, 1, 101)[1:-1]})
    engine = RayEngine(scorings=(scoring,))
    started = time.perf_counter()
    found = engine.count(dataset, plan, progress=no_progress, cancel=CancelToken())
    elapsed = time.perf_counter() - started
    assert int(found[scoring.column].sum()) == dataset.rows
    return dataset.rows / elapsed / cores, ",".join(sorted(engine.providers))


def edges_rates(dataset: Any, request: Any, bins: int, cores: int) -> tuple[float, float, bool]:
    """Rows per second per core of the exact-edge passes (rank + collect) of both engines, on the same
    scan facts; whether the edges are equal. Ray must be initialised."""
    from tradeoff_studio.core.engines.duckdb_engine import DuckDBEngine
    from tradeoff_studio.core.engines.edges import exact_quantiles
    from tradeoff_studio.core.engines.ray_engine import RayEngine
    from tradeoff_studio.core.jobs import CancelToken, no_progress

    job = {"progress": no_progress, "cancel": CancelToken()}
    facts = DuckDBEngine().scan(dataset, request, **job)
    rates, found = [], []
    for engine in (RayEngine(), DuckDBEngine(threads=cores)):
        started = time.perf_counter()
        found.append(exact_quantiles(engine, dataset, request, facts, bins, **job))
        rates.append(dataset.rows / (time.perf_counter() - started) / cores)
    same = all(np.array_equal(found[0][s], found[1][s]) for s in request.scores)
    return rates[0], rates[1], same


def pairs_rates(folder: Path, rows: int, cores: int) -> tuple[float, float, bool]:
    """Rows per second per core of the per-(system, item) aggregation of an evaluation log (20 systems)
    by both engines; whether the pairs are equal. Ray must be initialised."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tradeoff_studio.core.engines.dataset import open_dataset
    from tradeoff_studio.core.engines.duckdb_engine import DuckDBEngine
    from tradeoff_studio.core.engines.pairs import PairsRequest, collect_pairs
    from tradeoff_studio.core.engines.ray_engine import RayEngine

    rng, target = np.random.default_rng(2), folder / "log"
    target.mkdir()
    items = rows // 20
    for index, chunk in enumerate(np.array_split(rng.permutation(rows), 8)):
        pq.write_table(pa.table({
            "item": pa.array((chunk % items).astype(str)), "system": pa.array((chunk // items).astype(str)),
            "correct": rng.integers(0, 2, len(chunk)), "cost": rng.lognormal(-5, 0.5, len(chunk)),
        }), target / f"log-{index}.parquet")  # fmt: skip
    dataset = open_dataset(str(target))
    request = PairsRequest("item", "system", ("correct", "cost"))
    rates, found = [], []
    for engine in (RayEngine(), DuckDBEngine(threads=cores)):
        started = time.perf_counter()
        found.append(collect_pairs(engine, dataset, request).pairs)
        rates.append(rows / (time.perf_counter() - started) / cores)
    return rates[0], rates[1], found[0].equals(found[1])


def main() -> None:
    """Write the dataset, time both engines' count pass, compare, print the key=value lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000_000)
    parser.add_argument("--files", type=int, default=64)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--bins", type=int, default=100)
    parser.add_argument("--score-rows", type=int, default=2_000_000)
    parser.add_argument("--log-rows", type=int, default=2_000_000)
    args = parser.parse_args()
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    import ray

    from tradeoff_studio.core.engines.base import CountPlan, FairnessRequest
    from tradeoff_studio.core.engines.dataset import open_dataset
    from tradeoff_studio.core.engines.duckdb_engine import DuckDBEngine
    from tradeoff_studio.core.engines.fairness_counts import count_fairness
    from tradeoff_studio.core.engines.ray_engine import RayEngine
    from tradeoff_studio.core.jobs import CancelToken, no_progress

    with tempfile.TemporaryDirectory(prefix="bench-scale-") as temp:
        folder = Path(temp)
        started = time.perf_counter()
        write(folder, args.rows, args.files)
        dataset = open_dataset(str(folder / "*.parquet"))
        size = sum(f.size for f in dataset.files)
        print(f"data: {dataset.rows:,} rows in {len(dataset.files)} files, {size / 1e9:.2f} GB, "
              f"written in {time.perf_counter() - started:.1f} s")  # fmt: skip
        request = FairnessRequest("label", ("sex", "region"), ("score",))
        facts = count_fairness(DuckDBEngine(), dataset, request, bins=args.bins)  # edges, groups (untimed)
        plan = CountPlan(request, facts.groups, facts.positive, {"score": facts.thresholds["score"][1:-1]})
        job = {"progress": no_progress, "cancel": CancelToken()}
        started = time.perf_counter()
        local = DuckDBEngine(threads=args.cores).count(dataset, plan, **job)["score"]
        duck = time.perf_counter() - started
        ray.init(num_cpus=args.cores, include_dashboard=False, log_to_driver=False,
                 _temp_dir=str(folder / "ray"))  # fmt: skip
        try:
            RayEngine().count(dataset, plan, **job)  # warm the workers
            started = time.perf_counter()
            found = RayEngine().count(dataset, plan, **job)["score"]
            ray_s = time.perf_counter() - started
            score_rate, provider = score_rate_per_core(folder, args.score_rows, args.cores)
            edges = edges_rates(dataset, request, args.bins, args.cores)
            pairs = pairs_rates(folder, args.log_rows, args.cores)
        finally:
            ray.shutdown()
    exact = bool(np.array_equal(found, local)) and int(found.sum()) == dataset.rows == int(local.sum())
    print(f"duckdb count pass: {duck:.2f} s; ray count pass: {ray_s:.2f} s; {args.cores} cores each")
    print(f"counts equal and totals equal to the footers' ({dataset.rows:,}): {exact}")
    ray_rate, duck_rate = dataset.rows / ray_s / args.cores, dataset.rows / duck / args.cores
    print(f"ray / duckdb per core: {ray_rate / duck_rate:.2f} (goal >= 0.33)")
    print(f"scoring: {args.score_rows:,} rows, sample GBT model, provider {provider}")
    print(f"exact edges (rank + collect passes, {args.bins} bins): equal {edges[2]}")
    print(f"cost-quality pairs ({args.log_rows:,} rows, 20 systems): equal {pairs[2]}")
    print(f"ray_rows_per_core_s={ray_rate:.0f}")
    print(f"duckdb_rows_per_core_s={duck_rate:.0f}")
    print(f"ray_score_rows_per_core_s={score_rate:.0f}")
    print(f"ray_edges_rows_per_core_s={edges[0]:.0f}")
    print(f"duckdb_edges_rows_per_core_s={edges[1]:.0f}")
    print(f"ray_pairs_rows_per_core_s={pairs[0]:.0f}")
    print(f"duckdb_pairs_rows_per_core_s={pairs[1]:.0f}")


if __name__ == "__main__":
    main()
