"""Benchmark the cost–quality per-system summary against a pandas groupby (not a test).

Run ``python tests/benchmarks/bench_cost_quality.py`` (``--help`` for the sizes). A synthetic
evaluation log of ``--items`` × ``--systems`` rows (default 1,000,000 × 10 = 10M rows: item,
system, correct, cost, latency, confidence) is written into a project. Ours: the SQL per-system
summary the analysis uses (mean quality, mean cost, discrete p50/p95 latency per system, through
the checked log query). Anchor: pandas ``groupby("system").agg(...)`` computing the same four
numbers, with the rows already in a DataFrame before its clock starts. Both results are compared.
With ``--full`` the whole analysis (checks, matrices, mixtures, cascades, ``--resamples``
bootstrap) is timed too.

With ``--clustered`` (issue #17): the paired bootstrap alone, ``--resamples`` (default 1,000 here)
over a log of ``--items`` × ``--systems`` rows (use ``--items 50000 --systems 20``: 1M rows)
whose items nest in ``--clusters`` clusters (default 10,000), resampling whole clusters, printed
beside the same bootstrap resampling single items. Goal: < 5 s for the clustered one.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from tradeoff_studio.core.analyses.cost_quality import CostQualitySpec, analyze_cost_quality
from tradeoff_studio.core.analyses.cost_quality.evaluate import bootstrap
from tradeoff_studio.core.analyses.cost_quality.reading import EvalLog, log_query, read_log, summarise
from tradeoff_studio.core.analyses.cost_quality.routing import Plan, plan_mixtures
from tradeoff_studio.core.jobs import CancelToken, no_progress
from tradeoff_studio.core.project import Project, create_project


def make_log(project: Project, items: int, systems: int, seed: float) -> None:
    """Systems s00… of rising ability and cost; correctness, log-normal latency, a noisy confidence."""
    project.con.execute("SELECT setseed(?)", [seed])
    project.con.execute(
        f"""CREATE TABLE log AS
        SELECT item, 's' || lpad(CAST(s AS VARCHAR), 2, '0') AS system, random() < p AS correct,
               (s + 1) * 0.001 * (0.5 + random()) AS cost,
               exp(5 + 0.2 * s + 0.4 * sqrt(-2 * ln(random())) * cos(6.2831853 * random())) AS latency,
               least(1.0, greatest(0.0, p + 0.2 * (random() - 0.5))) AS confidence
        FROM (SELECT i AS item, s, 1 / (1 + exp(-(s / {systems} * 3 - 1.5 - (hash(i) % 1000) / 500.0 + 1)))
                     AS p FROM range({items}) AS r(i), range({systems}) AS q(s))"""
    )


def timed(work: object) -> tuple[float, object]:
    start = time.perf_counter()
    result = work()  # type: ignore[operator]
    return time.perf_counter() - start, result


def bench_clustered(project: Project, args: argparse.Namespace) -> None:
    """The paired bootstrap over clusters of items beside the one over single items (module doc)."""
    project.con.execute("ALTER TABLE log ADD COLUMN dataset VARCHAR")
    project.con.execute(f"UPDATE log SET dataset = 'd' || CAST(item % {args.clusters} AS VARCHAR)")
    for cluster in (None, "dataset"):
        spec = CostQualitySpec("log", "item", "system", "correct", cost="cost", cluster=cluster,
                               resamples=args.resamples)  # fmt: skip
        log = read_log(project, spec, CancelToken())
        plan, _ = plan_mixtures([], 0, (log.summary["cost"], log.summary["quality"]), 10, ((), ()))
        seconds = time_bootstrap(log, plan, args.resamples)
        unit = f"{log.clusters.count:,} clusters" if log.clusters else f"{log.items:,} items"
        candidates = len(log.systems) + len(plan.mixtures)
        print(f"bootstrap by {cluster or 'item'} ({unit}), {log.rows:,} rows, {len(log.systems)} systems, "
              f"{candidates} candidates, {args.resamples:,} resamples: {seconds:.2f} s")  # fmt: skip


def time_bootstrap(log: EvalLog, plan: Plan, resamples: int) -> float:
    """Seconds for one paired bootstrap of every candidate."""
    start = time.perf_counter()
    bootstrap(log, plan, resamples, 1, cancel=CancelToken(), progress=no_progress)
    return time.perf_counter() - start


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--systems", type=int, default=10)
    parser.add_argument("--seed", type=float, default=0.27, help="DuckDB setseed value in [-1, 1]")
    parser.add_argument("--full", action="store_true", help="also time the whole analysis")
    parser.add_argument("--resamples", type=int, default=None, help="default 100 (1,000 with --clustered)")
    parser.add_argument("--clustered", action="store_true", help="time the cluster bootstrap (module doc)")
    parser.add_argument("--clusters", type=int, default=10_000)
    args = parser.parse_args()
    args.resamples = args.resamples or (1_000 if args.clustered else 100)
    with tempfile.TemporaryDirectory() as folder:
        project = create_project(Path(folder) / "bench.tsproj")
        make_log(project, args.items, args.systems, args.seed)
        if args.clustered:
            bench_clustered(project, args)
            project.close()
            return
        spec = CostQualitySpec("log", "item", "system", "correct", cost="cost", latency="latency",
                               confidence="confidence", resamples=args.resamples)  # fmt: skip
        ours, summary = timed(lambda: summarise(project, log_query(project, spec), True))
        frame = project.con.execute("SELECT system, correct, cost, latency FROM log").df()
        anchor, grouped = timed(lambda: frame.groupby("system").agg(
            quality=("correct", "mean"), cost=("cost", "mean"),
            latency_p50=("latency", lambda x: x.quantile(0.5, interpolation="lower")),
            latency_p95=("latency", lambda x: x.quantile(0.95, interpolation="higher"))))  # fmt: skip
        for name in ("quality", "cost"):
            assert np.allclose(summary[name], grouped[name].to_numpy()), name  # type: ignore[index]
        rows = args.items * args.systems
        print(f"per-system summary, {rows:,} rows: ours {ours:.2f} s, pandas groupby {anchor:.2f} s, "
              f"ratio {anchor / ours:.1f}×")  # fmt: skip
        if args.full:
            whole, _ = timed(lambda: analyze_cost_quality(project, spec))
            print(f"whole analysis ({args.resamples} resamples): {whole:.1f} s")
        project.close()


if __name__ == "__main__":
    main()
