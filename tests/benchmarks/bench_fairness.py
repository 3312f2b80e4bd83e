"""Benchmark the fairness sweep and its bootstrap against Fairlearn's MetricFrame (not a test).

Run ``python tests/benchmarks/bench_fairness.py`` (``--help`` for the sizes). It prints one
table, our figure beside the anchor's, as a ratio:

(a) Sweep: a 10,000,000-row table (4 groups of 50/30/15/5 %, a 0/1 label, a score) in a project.
    Ours: ``analyze_fairness`` with global policies only (1,000 thresholds, every metric, no
    bootstrap: validation, the DuckDB scan, the cumulative sums, the Pareto columns); then the
    same with every policy. Anchor: one Fairlearn ``MetricFrame`` per threshold over the six
    per-row metrics (accuracy, balanced accuracy, TPR, FPR, precision, selection rate) plus its
    ``difference()`` and ``ratio()``, timed on ``--anchor-thresholds`` of our thresholds and
    extrapolated to 1,000. The rows are read into pandas before the anchor's clock starts. The
    metrics of both are compared at those thresholds.
(b) Bootstrap: the same sweep with 1,000 resamples on 1,000,000 rows; its cost is the run's
    time minus the run without bootstrap. Anchor: ``MetricFrame(n_boot=k)`` minus
    ``MetricFrame`` on one threshold, per resample, times 1,000 resamples, times the number of
    front candidates (Fairlearn gives a CI per threshold, so a front needs one frame per member).

Goals: (a) ≥ 1,000× Fairlearn and under 3 s; (b) under 10 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate, true_positive_rate
from sklearn.metrics import accuracy_score, balanced_accuracy_score, precision_score

from tradeoff_studio.core.analyses.fairness import FairnessResult, FairnessSpec, analyze_fairness
from tradeoff_studio.core.project import Project, create_project

ANCHOR_METRICS = {
    "accuracy": accuracy_score,
    "balanced_accuracy": balanced_accuracy_score,
    "tpr": true_positive_rate,
    "fpr": false_positive_rate,
    "precision": lambda y, p: precision_score(y, p, zero_division=0),
    "selection_rate": selection_rate,
}


def make_table(project: Project, name: str, rows: int, seed: int) -> None:
    """Groups a–d (50/30/15/5 %), a score in [0, 1] that depends on the group, a label that depends on it."""
    project.con.execute(f"SELECT setseed({seed / 1000})")
    project.con.execute(
        f"""CREATE TABLE {name} AS
        SELECT grp, score, CAST(random() < 0.1 + 0.7 * score AS INTEGER) AS y FROM (
            SELECT grp, least(1.0, greatest(0.0, 0.5 * random() + 0.5 * random() + shift - 0.05)) AS score
            FROM (SELECT CASE WHEN r < 0.5 THEN 'a' WHEN r < 0.8 THEN 'b' WHEN r < 0.95 THEN 'c' ELSE 'd' END
                         AS grp,
                         CASE WHEN r < 0.5 THEN 0.05 WHEN r < 0.8 THEN 0 WHEN r < 0.95 THEN -0.05 ELSE 0.1 END
                         AS shift
                  FROM (SELECT random() AS r FROM range({rows}))))"""
    )


def timed(function: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """Wall seconds of one call, and its result."""
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def sweep(project: Project, table: str, *, policies: list[str], resamples: int) -> FairnessResult:
    """Our analysis of ``table`` (binned mode: 2,000 quantile bins, 1,000 global thresholds)."""
    spec = FairnessSpec(
        table, "y", ["grp"], ["score"], policies=policies, bootstrap=resamples, thresholds=1000
    )
    return analyze_fairness(project, spec)


def anchor_frame(data: pd.DataFrame, threshold: float, n_boot: int | None = None) -> MetricFrame:
    """One Fairlearn MetricFrame at ``threshold``, with ``difference()`` and ``ratio()`` computed."""
    y_pred = (data["score"].to_numpy() >= threshold).astype(np.int64)
    options = {"n_boot": n_boot, "ci_quantiles": [0.025, 0.975], "random_state": 0} if n_boot else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = MetricFrame(
            metrics=ANCHOR_METRICS, y_true=data["y"], y_pred=y_pred, sensitive_features=data["grp"], **options
        )
        frame.difference()
        frame.ratio()
    return frame


def compare(result: FairnessResult, data: pd.DataFrame, picks: list[int]) -> tuple[float, float]:
    """Seconds per Fairlearn threshold, and the largest metric difference from ours there."""
    frame = result.candidates.frame
    seconds, worst = [], 0.0
    for index in picks:
        candidate = frame.iloc[index]
        elapsed, anchor = timed(anchor_frame, data, candidate["threshold"])
        seconds.append(elapsed)
        ours = {name: candidate[name] for name in ANCHOR_METRICS}
        ours_dp = candidate["dp_difference"]
        worst = max(worst, abs(ours_dp - float(anchor.difference()["selection_rate"])))
        worst = max(worst, *(abs(ours[name] - float(anchor.overall[name])) for name in ANCHOR_METRICS))
    return float(np.mean(seconds)), worst


def seconds(value: float) -> str:
    """Human-readable seconds."""
    if value >= 3600:
        return f"{value / 3600:.1f} h"
    return f"{value * 1e3:.0f} ms" if value < 1 else f"{value:.2f} s"


def run(args: argparse.Namespace, folder: Path) -> list[tuple[str, str, str, str]]:
    """Time everything; return the table rows (task, ours, anchor, ratio)."""
    project = create_project(folder / "bench.tsproj")
    rows: list[tuple[str, str, str, str]] = []
    try:
        make_table(project, "big", args.rows, seed=1)
        sweep(project, "big", policies=["global"], resamples=0)  # warm-up: imports, first scan
        ours_global, result = timed(sweep, project, "big", policies=["global"], resamples=0)
        ours_all, every = timed(
            sweep, project, "big", policies=["global", "group", "randomized"], resamples=0
        )
        data = project.con.execute("SELECT grp, y, score FROM big").df()
        count = len(result.candidates.frame)
        picks = [int(i) for i in np.linspace(count // 4, 3 * count // 4, args.anchor_thresholds)]
        per_threshold, worst = compare(result, data, picks)
        del data
        anchor = per_threshold * 1000
        task = f"(a) sweep, {args.rows:,} rows, 1,000 thresholds × 4 groups, global"
        rows.append(
            (task, seconds(ours_global), f"{seconds(anchor)} (extrapolated)", f"{anchor / ours_global:,.0f}×")
        )
        task = f"(a) same, + {len(every.candidates.frame) - count} per-group and randomized policies"
        rows.append(
            (task, seconds(ours_all), f"{seconds(anchor)} (global only)", f"{anchor / ours_all:,.0f}×")
        )
        rows.append(("(a) largest |ours − Fairlearn| at the timed thresholds", f"{worst:.1e}", "", ""))
        rows += bootstrap_rows(project, args)
    finally:
        project.close()
    return rows


def bootstrap_rows(project: Project, args: argparse.Namespace) -> list[tuple[str, str, str, str]]:
    """(b): our bootstrap cost on ``--boot-rows`` rows, beside Fairlearn's n_boot extrapolated."""
    make_table(project, "boot", args.boot_rows, seed=2)
    base, result = timed(sweep, project, "boot", policies=["global"], resamples=0)
    total, _ = timed(sweep, project, "boot", policies=["global"], resamples=args.resamples)
    ours = total - base
    candidates = len(result.candidates.frame)
    front = int(result.candidates.frame["on_front"].sum())
    label = f"(b) bootstrap, {args.resamples:,} resamples, {args.boot_rows:,} rows, {candidates:,} candidates"
    if not args.anchor_boot:
        return [(label, f"{seconds(ours)} (run {seconds(total)})", "not timed", "")]
    data = project.con.execute("SELECT grp, y, score FROM boot").df()
    threshold = float(np.median(data["score"]))
    plain, _ = timed(anchor_frame, data, threshold)
    booted, _ = timed(anchor_frame, data, threshold, n_boot=args.anchor_boot)
    per_threshold = (booted - plain) / args.anchor_boot * args.resamples
    anchor = per_threshold * front
    theirs = f"{seconds(anchor)} ({seconds(per_threshold)} per threshold × {front} on the front)"
    return [(label, f"{seconds(ours)} (run {seconds(total)})", theirs, f"{anchor / ours:,.0f}×")]


def main() -> None:
    """Parse the sizes, run, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--anchor-thresholds", type=int, default=3)
    parser.add_argument("--boot-rows", type=int, default=1_000_000)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--anchor-boot", type=int, default=2, help="Fairlearn n_boot to time (0: skip)")
    args = parser.parse_args()
    machine = platform.processor() or platform.machine()
    print(f"{machine}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as folder:
        rows = run(args, Path(folder))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in [("task", "ours", "Fairlearn", "ratio"), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
