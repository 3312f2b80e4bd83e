"""Benchmark the exact long-only mean–variance frontier against PyPortfolioOpt and skfolio (not a test).

Run ``python tests/benchmarks/bench_risk_return.py`` (``--sizes 200 500`` by default, several
minutes on 2 cores; ``--quick`` for 200 assets and one anchor). For each size it draws daily
returns from a seeded 5-factor model (``--periods`` days, 1,260 by default; see ``make_inputs``)
and gives every tool the same annualised sample mean and sample covariance. Each tool computes a
100-point long-only frontier (weights in [0, 1], summing to 1):

- ours: ``efficient_frontier(mean, cov, points=100)`` (critical line; best of 3 runs);
- PyPortfolioOpt, default solver and ``solver="CLARABEL"``: a new ``EfficientFrontier`` per
  target, as its docs require, and ``efficient_return(target)`` for 100 targets from the
  minimum-variance return to just below the maximum return (the range is given to it, untimed);
  an exception or a status other than ``optimal`` counts as a failed point;
- skfolio: ``MeanRisk(efficient_frontier_size=100)`` with the variance risk measure, fed the same
  moments through a prior estimator that returns them as given; NaN rows are failed points.

Anchors run once each after a warm-up solve on 5 assets. Then every point each tool returned is
compared with a Clarabel reference solved at 1e-10 (``tests/support/qp_reference.py``) at the
point's own realised return: the largest relative volatility error, the number of points off by
more than 1e-6, and the largest violation of the bounds or the budget. BLAS runs on
``--threads`` threads (1 by default: multi-threaded BLAS thrashes on a shared 2-core machine).
Goal: at 500 assets, at least 20× faster than the fastest anchor.

``--cvar`` runs the mean–CVaR benchmark instead (issue #16): a 100-point long-only mean–CVaR
frontier (CVaR at 95 %, per period) on ``--cvar-assets`` assets (500) and ``--cvar-periods`` days
(2,500) of the same factor model. Ours is ``measure_frontier`` (the Rockafellar–Uryasev LP in
HiGHS, warm-started point to point); the anchor is skfolio's ``MeanRisk(risk_measure=CVAR,
efficient_frontier_size=K)`` (Clarabel, one solve per point, no warm start), K = ``--skfolio-points``
(100 by default; a smaller K times fewer points and the ratio is then stated as extrapolated to
100, each of skfolio's solves being a fresh one of the same size). Reported: seconds, points and
failed points of each, the largest gap between our program's optimum and the CVaR of its weights
(exactness), and at three of skfolio's points our exact minimum CVaR at the same return beside
skfolio's. Goal: at least 5× faster than skfolio, 0 failed points. ``--skfolio-at K`` times skfolio
instead on K single points of our frontier (``MeanRisk(min_return=r)``, one fresh solve each, as its
frontier does per point) and states its mean time a point × 100 as extrapolated (at 500 × 2,500 a
whole skfolio frontier takes hours); the figures end as ``key=value`` lines.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from types import ModuleType
from typing import Any

import clarabel
import cvxpy as cp
import numpy as np
import pypfopt
import skfolio
from numpy.typing import NDArray
from pypfopt import EfficientFrontier
from skfolio import RiskMeasure
from skfolio.optimization import MeanRisk
from skfolio.prior import BasePrior, ReturnDistribution
from threadpoolctl import threadpool_limits

from tradeoff_studio.core.analyses.risk_return.frontier import critical_line, efficient_frontier
from tradeoff_studio.core.analyses.risk_return.measure_frontier import MeasureFrontier, measure_frontier
from tradeoff_studio.core.analyses.risk_return.metrics import MetricSettings, metrics

Array = NDArray[np.float64]
POINTS = 100
FACTORS = 5
GOAL = 20.0
CVAR_GOAL = 5.0
CVAR_LEVEL = 0.95
OFF = 1e-6


@dataclass(frozen=True)
class Inputs:
    """The same data for every tool: daily returns, annualised moments, the anchors' target returns."""

    returns: Array
    mean: Array
    cov: Array
    targets: Array


@dataclass(frozen=True)
class Run:
    """What one tool returned: wall seconds, the weights of the points it produced, failures."""

    tool: str
    seconds: float
    weights: Array
    failed: int
    note: str = ""


def load_reference() -> ModuleType:
    """``tests/support/qp_reference.py``, imported by path."""
    path = Path(__file__).resolve().parents[1] / "support" / "qp_reference.py"
    spec = importlib.util.spec_from_file_location("qp_reference", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REFERENCE = load_reference()


def factor_returns(n: int, periods: int, seed: int) -> Array:
    """Daily returns from the 5-factor model of :func:`make_inputs`."""
    rng = np.random.default_rng(seed)
    loadings = np.column_stack([rng.normal(1.0, 1.0, n), rng.normal(0.0, 1.0, (n, FACTORS - 1))])
    factor_vol = np.array([0.16, 0.08, 0.06, 0.05, 0.04]) / np.sqrt(252)
    premia = np.array([0.06, 0.02, 0.01, 0.0, 0.0]) / 252
    factors = premia + rng.standard_normal((periods, FACTORS)) * factor_vol
    own_vol = rng.uniform(0.10, 0.40, n) / np.sqrt(252)
    alpha = rng.normal(0.0, 0.02, n) / 252
    return alpha + factors @ loadings.T + rng.standard_normal((periods, n)) * own_vol


def make_inputs(n: int, periods: int, seed: int) -> Inputs:
    """Daily returns from a 5-factor model, their annualised moments and 100 targets for the anchors.

    Loadings are widely spread (market N(1, 1), the others N(0, 1): a multi-asset universe with
    hedges), so hundreds of assets enter the frontier (about 300 at 500 assets and some 370
    turning points): the hard case for the critical line, whose steps grow with the free set.
    """
    returns = factor_returns(n, periods, seed)
    mean, cov = returns.mean(axis=0) * 252, np.cov(returns, rowvar=False) * 252
    low = float(mean @ REFERENCE.min_variance_portfolio(cov))
    high = float(REFERENCE.max_return(mean))
    return Inputs(returns, mean, cov, np.linspace(low, high - 1e-6 * (high - low), POINTS))


def ours(data: Inputs) -> Run:
    """Our critical-line frontier, best of 3 runs."""
    best, weights = float("inf"), np.zeros(0)
    for _ in range(3):
        start = time.perf_counter()
        weights = efficient_frontier(data.mean, data.cov, points=POINTS).weights
        best = min(best, time.perf_counter() - start)
    return Run("ours (critical line)", best, weights, 0)


def pypfopt_anchor(solver: str | None) -> Callable[[Inputs], Run]:
    """PyPortfolioOpt: one new ``EfficientFrontier`` and one ``efficient_return`` per target."""

    def run(data: Inputs) -> Run:
        rows, failed, used = [], 0, set()
        start = time.perf_counter()
        for target in data.targets:
            frontier = EfficientFrontier(data.mean, data.cov, weight_bounds=(0, 1), solver=solver)
            try:
                frontier.efficient_return(float(target))
            except (pypfopt.exceptions.OptimizationError, cp.SolverError, ValueError):
                failed += 1
                continue
            used.add(frontier._opt.solver_stats.solver_name)
            if frontier._opt.status != "optimal":
                failed += 1
                continue
            rows.append(frontier.weights)
        seconds = time.perf_counter() - start
        weights = np.array(rows).reshape(-1, len(data.mean))
        return Run(
            f"PyPortfolioOpt ({solver or 'default'})", seconds, weights, failed, "/".join(sorted(used))
        )

    return run


class GivenPrior(BasePrior):
    """A skfolio prior that returns the moments it is given, so skfolio sees the same inputs."""

    def __init__(self, mu: Array | None = None, covariance: Array | None = None) -> None:
        self.mu = mu
        self.covariance = covariance

    def fit(self, X: Any, y: None = None, **fit_params: Any) -> GivenPrior:  # noqa: N803 (sklearn's name)
        """Set ``return_distribution_`` from the given moments (``X`` only supplies the scenarios)."""
        assert self.mu is not None and self.covariance is not None
        self.return_distribution_ = ReturnDistribution(self.mu, self.covariance, np.asarray(X))
        return self


def skfolio_anchor(data: Inputs) -> Run:
    """skfolio's ``MeanRisk(efficient_frontier_size=100)``, minimum variance, long only."""
    model = MeanRisk(
        risk_measure=RiskMeasure.VARIANCE,
        efficient_frontier_size=POINTS,
        min_weights=0.0,
        max_weights=1.0,
        prior_estimator=GivenPrior(data.mean, data.cov),
        raise_on_failure=False,
    )
    start = time.perf_counter()
    model.fit(data.returns)
    seconds = time.perf_counter() - start
    weights = np.asarray(model.weights_, dtype=np.float64)
    failed = np.isnan(weights).any(axis=1)
    return Run("skfolio MeanRisk", seconds, weights[~failed], int(failed.sum()), model.solver)


ANCHORS: dict[str, Callable[[Inputs], Run]] = {
    "pypfopt-default": pypfopt_anchor(None),
    "pypfopt-clarabel": pypfopt_anchor("CLARABEL"),
    "skfolio": skfolio_anchor,
}


def accuracy(run: Run, data: Inputs) -> tuple[float, int, float]:
    """Largest relative volatility error against the reference, points off by > 1e-6, largest violation."""
    high = float(REFERENCE.max_return(data.mean))
    errors = []
    for weights in run.weights:
        target = min(float(data.mean @ weights), high)
        best = REFERENCE.min_variance_weights(data.mean, data.cov, target)
        volatility, reference = np.sqrt(weights @ data.cov @ weights), np.sqrt(best @ data.cov @ best)
        errors.append(abs(volatility - reference) / reference)
    violation = max(
        float(np.max(np.abs(run.weights.sum(axis=1) - 1.0), initial=0.0)),
        float(np.max(-run.weights, initial=0.0)),
        float(np.max(run.weights - 1.0, initial=0.0)),
    )
    return max(errors, default=float("nan")), int(np.sum(np.array(errors) > OFF)), violation


def seconds(value: float) -> str:
    return f"{value * 1e3:.1f} ms" if value < 1 else f"{value:.2f} s"


def warm_up(anchors: list[str]) -> None:
    """One small frontier per tool, so imports and first-call set-up stay out of the timings."""
    small = make_inputs(5, 300, seed=99)
    ours(small)
    for name in anchors:
        ANCHORS[name](Inputs(small.returns, small.mean, small.cov, small.targets[:2]))


def run_size(n: int, periods: int, anchors: list[str]) -> tuple[list[tuple[str, ...]], float, float]:
    """Time and check every tool at ``n`` assets: table rows, our seconds, the fastest anchor's."""
    data = make_inputs(n, periods, seed=n)
    runs = [ours(data)]
    for name in anchors:
        runs.append(ANCHORS[name](data))
        print(f"  n={n}: {runs[-1].tool} took {seconds(runs[-1].seconds)}", flush=True)
    held = int((runs[0].weights > 1e-12).any(axis=0).sum())
    print(f"  n={n}: {held} assets are held somewhere on the frontier (ours)", flush=True)
    rows = []
    for run in runs:
        worst, off, violation = accuracy(run, data)
        tool = f"{run.tool} [{run.note}]" if run.note else run.tool
        rows.append((
            f"{n}", tool, seconds(run.seconds), f"{len(run.weights)}/{run.failed}", f"{worst:.1e}",
            f"{off}", f"{violation:.1e}", f"{run.seconds / runs[0].seconds:.1f}",
        ))  # fmt: skip
    fastest = min((run.seconds for run in runs[1:]), default=float("nan"))
    return rows, runs[0].seconds, fastest


def ours_cvar(returns: Array) -> tuple[float, MeasureFrontier]:
    """Our mean–CVaR frontier (HiGHS, warm-started), timed once."""
    n = returns.shape[1]
    mean = returns.mean(axis=0) * 252
    start = time.perf_counter()
    top = critical_line(mean, np.cov(returns, rowvar=False) * 252).max_return
    found = measure_frontier(returns, mean, "cvar", level=CVAR_LEVEL, points=POINTS, lower=np.zeros(n),
                             upper=np.ones(n), max_return=top)  # fmt: skip
    return time.perf_counter() - start, found


def skfolio_cvar(returns: Array, points: int) -> Run:
    """skfolio's ``MeanRisk(risk_measure=CVAR, efficient_frontier_size=points)``, long only."""
    model = MeanRisk(
        risk_measure=RiskMeasure.CVAR,
        cvar_beta=CVAR_LEVEL,
        efficient_frontier_size=points,
        min_weights=0.0,
        max_weights=1.0,
        raise_on_failure=False,
    )
    start = time.perf_counter()
    model.fit(returns)
    seconds = time.perf_counter() - start
    weights = np.asarray(model.weights_, dtype=np.float64).reshape(-1, returns.shape[1])
    failed = np.isnan(weights).any(axis=1)
    return Run("skfolio MeanRisk (CVaR)", seconds, weights[~failed], int(failed.sum()), model.solver)


def exact_cvar_at(returns: Array, target: float) -> float:
    """Our exact minimum CVaR at return ≥ ``target`` (a 2-point frontier whose top is the target)."""
    n = returns.shape[1]
    mean = returns.mean(axis=0) * 252
    found = measure_frontier(returns, mean, "cvar", level=CVAR_LEVEL, points=2, lower=np.zeros(n),
                             upper=np.ones(n), max_return=target)  # fmt: skip
    return float(found.risks[-1])


def skfolio_cvar_at(returns: Array, targets: Array) -> tuple[float, Array, int]:
    """skfolio ``MeanRisk(risk_measure=CVAR, min_return=r)`` at each target (one fresh solve each):
    the mean seconds a point, the CVaR of each solved portfolio (NaN: failed), and the failures."""
    settings = MetricSettings(252, 0.0, CVAR_LEVEL)
    total, risks, failed = 0.0, np.full(len(targets), np.nan), 0
    for k, target in enumerate(targets):
        model = MeanRisk(risk_measure=RiskMeasure.CVAR, cvar_beta=CVAR_LEVEL, min_return=float(target) / 252,
                         min_weights=0.0, max_weights=1.0, raise_on_failure=False)  # fmt: skip
        start = time.perf_counter()
        model.fit(returns)
        total += time.perf_counter() - start
        weights = np.asarray(model.weights_, dtype=np.float64)
        if np.isnan(weights).any():
            failed += 1
            continue
        risks[k] = metrics((returns @ weights)[:, None], settings)[0, 4]
        print(f"  skfolio at return {float(target):.4%}: {time.perf_counter() - start:.1f} s", flush=True)
    return total / len(targets), risks, failed


def run_cvar_per_point(n: int, periods: int, count: int) -> None:
    """Ours on all 100 points; skfolio timed on ``count`` of them (single solves), its per-point time × 100
    stated as extrapolated; the figures end as key=value lines."""
    returns = factor_returns(n, periods, seed=n)
    settings = MetricSettings(252, 0.0, CVAR_LEVEL)
    mine, found = ours_cvar(returns)
    exactness = float(np.abs(metrics(returns @ found.weights.T, settings)[:, 4] - found.risks).max())
    print(f"  ours: {seconds(mine)}, {len(found.returns)} points, {len(found.failed)} failed", flush=True)
    picks = np.unique(np.linspace(1, len(found.returns) - 2, count).round().astype(int))
    per_point, theirs, failed = skfolio_cvar_at(returns, found.returns[picks])
    gap = float(np.nanmax(theirs - found.risks[picks])) if np.isfinite(theirs).any() else float("nan")
    ratio = per_point * POINTS / mine
    met = ratio >= CVAR_GOAL and not found.failed
    verdict = "met" if met else "NOT met"
    print(f"{n} assets x {periods} days, {POINTS}-point mean-CVaR frontier: ours {seconds(mine)}, skfolio "
          f"{seconds(per_point * POINTS)} (extrapolated: {seconds(per_point)} a point over {len(picks)} "
          f"timed points x {POINTS}): {ratio:.1f}x (goal >= {CVAR_GOAL:.0f}x, 0 failed: "
          f"{verdict})")  # fmt: skip
    figures = {
        "assets": n, "periods": periods, "points": POINTS, "ours_seconds": round(mine, 3),
        "ours_failed": len(found.failed), "ours_exactness": f"{exactness:.1e}",
        "skfolio_points_timed": len(picks), "skfolio_failed": failed,
        "skfolio_seconds_per_point": round(per_point, 3),
        "skfolio_seconds_100_extrapolated": round(per_point * POINTS, 1),
        "skfolio_cvar_minus_ours_max": f"{gap:.1e}", "ratio": round(ratio, 1), "goal": CVAR_GOAL,
        "goal_met": "yes" if met else "no",
    }  # fmt: skip
    for key, value in figures.items():
        print(f"{key}={value}")


def run_cvar(n: int, periods: int, skfolio_points: int) -> None:
    """The mean–CVaR benchmark: ours against skfolio at ``n`` assets and ``periods`` days."""
    returns = factor_returns(n, periods, seed=n)
    settings = MetricSettings(252, 0.0, CVAR_LEVEL)
    mine, found = ours_cvar(returns)
    exactness = float(np.abs(metrics(returns @ found.weights.T, settings)[:, 4] - found.risks).max())
    print(f"  ours: {seconds(mine)}, {len(found.returns)} points, {len(found.failed)} failed, "
          f"|LP optimum - CVaR of its weights| <= {exactness:.1e}", flush=True)  # fmt: skip
    anchor = skfolio_cvar(returns, skfolio_points)
    print(f"  skfolio: {seconds(anchor.seconds)} for {skfolio_points} points [{anchor.note}], "
          f"{len(anchor.weights)} solved, {anchor.failed} failed", flush=True)  # fmt: skip
    theirs = metrics(returns @ anchor.weights.T, settings)[:, 4]
    picks = sorted({1, len(theirs) // 2, len(theirs) - 2} & set(range(len(theirs))))
    for k in picks:
        target = float(returns.mean(axis=0) @ anchor.weights[k] * 252)
        exact = exact_cvar_at(returns, target)
        print(f"  at return {target:.4%}: skfolio CVaR {theirs[k]:.8f}, ours (exact) {exact:.8f}")
    per_point = anchor.seconds / skfolio_points
    ratio = per_point * POINTS / mine
    how = (
        ""
        if skfolio_points == POINTS
        else f" (skfolio extrapolated to {POINTS} points from {skfolio_points})"
    )
    verdict = "met" if ratio >= CVAR_GOAL and not found.failed else "NOT met"
    print(
        f"{n} assets x {periods} days, {POINTS}-point mean-CVaR frontier: ours {seconds(mine)}, skfolio "
        f"{seconds(per_point * POINTS)}{how}: {ratio:.1f}x (goal >= {CVAR_GOAL:.0f}x, 0 failed: {verdict})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cvar", action="store_true", help="the mean-CVaR benchmark against skfolio")
    parser.add_argument("--cvar-assets", type=int, default=500)
    parser.add_argument("--cvar-periods", type=int, default=2500)
    parser.add_argument("--skfolio-points", type=int, default=POINTS)
    parser.add_argument("--skfolio-at", type=int, default=0,
                        help="time skfolio on this many single points of ours (per point x 100)")  # fmt: skip
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 500])
    parser.add_argument("--periods", type=int, default=1260)
    parser.add_argument("--anchors", nargs="+", choices=list(ANCHORS), default=list(ANCHORS))
    parser.add_argument("--quick", action="store_true", help="200 assets, PyPortfolioOpt (CLARABEL) only")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads")
    args = parser.parse_args()
    sizes, anchors = ([200], ["pypfopt-clarabel"]) if args.quick else (args.sizes, args.anchors)
    warnings.simplefilter("ignore")  # cvxpy's and skfolio's solver warnings: failures are counted instead
    if args.cvar:
        print(f"highspy {version('highspy')}, skfolio {skfolio.__version__}, {os.cpu_count()} CPUs, "
              f"{args.threads} BLAS thread(s)")  # fmt: skip
        with threadpool_limits(limits=args.threads):
            if args.skfolio_at:
                run_cvar_per_point(args.cvar_assets, args.cvar_periods, args.skfolio_at)
            else:
                run_cvar(args.cvar_assets, args.cvar_periods, args.skfolio_points)
        return
    machine = platform.processor() or platform.machine()
    print(
        f"numpy {np.__version__}, clarabel {clarabel.__version__}, cvxpy {cp.__version__}, PyPortfolioOpt "
        f"{pypfopt.__version__}, skfolio {skfolio.__version__}; {machine}, {os.cpu_count()} CPUs, "
        f"{args.threads} BLAS thread(s); {POINTS} points, {args.periods} periods"
    )
    rows, summary = [], []
    with threadpool_limits(limits=args.threads):
        warm_up(anchors)
        for n in sizes:
            size_rows, mine, fastest = run_size(n, args.periods, anchors)
            rows.extend(size_rows)
            summary.append((n, mine, fastest))
    header = ("n", "tool [solver]", "seconds", "points/failed", "max rel vol err", "off > 1e-6",
              "max violation", "time / ours")  # fmt: skip
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |")
    print()
    for n, mine, fastest in summary:
        ratio = fastest / mine
        goal = f" (goal >= {GOAL:.0f}x: {'met' if ratio >= GOAL else 'NOT met'})" if n == 500 else ""
        print(f"{n} assets: ours {seconds(mine)}, {ratio:.1f}x faster than the fastest anchor{goal}")


if __name__ == "__main__":
    main()
