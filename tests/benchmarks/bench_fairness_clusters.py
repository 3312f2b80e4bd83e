"""Benchmark the fairness bootstrap with ``--cluster`` beside the row bootstrap (not a test).

Run ``python tests/benchmarks/bench_fairness_clusters.py [--rows N] [--clusters C] [--resamples R]``.
A table of N rows (4 groups, a 0/1 label, a score) whose rows nest in C clusters with a shared
effect is analysed twice, with and without ``cluster``; each bootstrap's time is the run's time
minus the same run without resamples. It prints both times, their ratio and the mean accuracy
interval widths (the clustered one is wider: the rows are not independent).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from tradeoff_studio.core.analyses.fairness import FairnessSpec, analyze_fairness
from tradeoff_studio.core.project import Project, create_project


def nested_table(project: Project, rows: int, clusters: int) -> None:
    rng = np.random.default_rng(0)
    cluster = rng.integers(0, clusters, rows)
    latent = rng.normal(0.0, 1.0, clusters)[cluster] + rng.normal(0.0, 1.0, rows)
    score = 1.0 / (1.0 + np.exp(-latent))
    frame = pd.DataFrame({
        "branch": cluster,
        "g": rng.choice(np.array(["a", "b", "c", "d"]), rows, p=[0.5, 0.3, 0.15, 0.05]),
        "y": (rng.random(rows) < score).astype(np.int64),
        "s": score,
    })  # fmt: skip
    project.con.register("incoming", frame)
    project.con.execute("CREATE TABLE t AS SELECT * FROM incoming")
    project.con.unregister("incoming")


def timed(project: Project, resamples: int, cluster: str | None) -> tuple[float, float]:
    """Seconds of the bootstrap alone, and the mean accuracy interval width."""

    def run(count: int) -> tuple[float, pd.DataFrame]:
        spec = FairnessSpec("t", "y", ["g"], ["s"], bootstrap=count, multiplicity=False, cluster=cluster)
        started = time.perf_counter()
        frame = analyze_fairness(project, spec).candidates.frame
        return time.perf_counter() - started, frame

    full, frame = run(resamples)
    base, _ = run(0)
    return full - base, float((frame["accuracy_hi"] - frame["accuracy_lo"]).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--clusters", type=int, default=1_000)
    parser.add_argument("--resamples", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, create_project(Path(folder) / "bench.tsproj") as project:
        nested_table(project, args.rows, args.clusters)
        rows_s, rows_width = timed(project, args.resamples, None)
        clusters_s, clusters_width = timed(project, args.resamples, "branch")
    print(f"{args.rows:,} rows, {args.clusters:,} clusters, {args.resamples:,} resamples")
    print(f"row bootstrap      {rows_s:7.2f} s   mean accuracy CI width {rows_width:.4f}")
    print(f"cluster bootstrap  {clusters_s:7.2f} s   mean accuracy CI width {clusters_width:.4f}")
    print(f"ratio (cluster / row) {clusters_s / rows_s:.2f}")


if __name__ == "__main__":
    main()
