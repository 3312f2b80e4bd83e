"""The mean–variance frontier's exact slope dσ/dr at each frontier point (issue #16, observation 7).

Between two turning points the weights are linear in the target return r, w(r) = w_lo + t·Δ with
t = (r − r_lo)/(r_hi − r_lo), so σ²(r) is quadratic and dσ/dr = w(r)'ΣΔ / ((r_hi − r_lo)·σ(r)): the
volatility one more unit of return costs there, exactly (the frontier is smooth at turning points,
so either segment gives it). The decision card's trade-off rate between ``return`` and
``volatility`` uses it in place of a finite difference between neighbouring candidates, and its
interval comes from frontiers refitted on bootstrap resamples of the periods, read at the same
volatility (:func:`resampled_slope_intervals`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...errors import CancelledError
from ...jobs import CancelToken
from ..candidates import AnalysisError
from .estimates import Covariance, estimate
from .frontier import CriticalLine, critical_line
from .metrics import Bootstrap, block_indices
from .portfolios import Portfolio


def exact_slopes(line: CriticalLine, cov: np.ndarray, returns: np.ndarray) -> list[float | None]:
    """dσ/dr at each of ``returns`` on the critical line (None where the frontier is a single point)."""
    if len(line.returns) < 2:
        return [None] * len(returns)
    ascending = line.returns[::-1]
    slopes: list[float | None] = []
    for r in returns:
        upper = int(np.clip(np.searchsorted(ascending, r, side="left"), 1, len(ascending) - 1))
        k_hi = len(ascending) - 1 - upper
        k_lo = k_hi + 1
        width = float(line.returns[k_hi] - line.returns[k_lo])
        weights = line.weights_at_returns(np.array([r]))[0]
        sigma = float(np.sqrt(max(weights @ cov @ weights, 0.0)))
        if width <= 0.0 or sigma <= 0.0:
            slopes.append(None)
            continue
        step = line.weights[k_hi] - line.weights[k_lo]
        slopes.append(max(float(weights @ cov @ step) / (width * sigma), 0.0))  # never negative above r_min
    return slopes


ON_LINE_TOLERANCE = 1e-7
"""Largest weight difference at which a portfolio counts as the efficient one at its own return."""


def on_critical_line(
    line: CriticalLine, mean: np.ndarray, portfolios: list[Portfolio]
) -> list[tuple[Portfolio, float]]:
    """The portfolios that are frontier points though not traced as one (minimum variance, maximum
    Sharpe, a volatility target without other constraints…), each with its return: their weights
    equal the critical line's at that return, so the frontier's exact slope applies to them too."""
    found = []
    for portfolio in portfolios:
        r = float(mean @ portfolio.weights)
        try:
            efficient = line.weights_at_returns(np.array([r]))[0]
        except AnalysisError:  # a return the frontier does not reach: not on it
            continue
        if float(np.max(np.abs(efficient - portfolio.weights))) <= ON_LINE_TOLERANCE:
            found.append((portfolio, r))
    return found


FRONTIER_RESAMPLES = 100  # frontiers refitted for the slope's interval (at most; fewer with --resamples)
ASSET_BUDGET = 5000  # ... and at most this many over the asset count (a critical line costs ~n^2), min 20


def resampled_slope_intervals(
    values: np.ndarray,
    volatilities: np.ndarray,
    *,
    periods_per_year: int,
    covariance: Covariance,
    bounds: tuple[np.ndarray, np.ndarray],
    bootstrap: Bootstrap,
    cancel: CancelToken,
) -> tuple[list[tuple[float, float] | None], dict[str, Any]]:
    """Percentile intervals of dσ/dr at each of ``volatilities`` from frontiers refitted on resamples.

    Each resample is a circular block bootstrap of the fit window's periods ``values`` (T × n), drawn
    with the bootstrap's fixed seed; the frontier is refitted exactly (critical line) on its estimates
    and its slope read where its volatility equals the point's (at the same risk): the minimum-variance
    end (slope 0) below its reach, the maximum-return end above it. A slope is never negative, so
    neither is the interval. None where under half of the resamples give a frontier. Up to 100
    resamples (``--resamples`` if fewer), and 5,000 / assets when that is fewer (at least 20: 20 at
    500 assets, where one critical line takes about a second).
    """
    budget = max(20, ASSET_BUDGET // max(values.shape[1], 1))
    count = min(bootstrap.resamples, FRONTIER_RESAMPLES, budget)
    slopes, failed = _refitted_slopes(values, volatilities, count, periods_per_year=periods_per_year,
                                      covariance=covariance, bounds=bounds, bootstrap=bootstrap,
                                      cancel=cancel)  # fmt: skip
    tail = 50.0 * (1.0 - bootstrap.ci_level)
    enough = np.isfinite(slopes).sum(axis=0) * 2 >= count
    intervals: list[tuple[float, float] | None] = []
    for k in range(len(volatilities)):
        column = slopes[np.isfinite(slopes[:, k]), k]
        ends = np.percentile(column, [tail, 100.0 - tail]) if enough[k] else None
        intervals.append(None if ends is None else (max(float(ends[0]), 0.0), max(float(ends[1]), 0.0)))
    note = {
        "method": "percentile interval of dsigma/dr at the point's volatility on frontiers refitted "
        "(critical line) on circular block-bootstrap resamples of the fit periods",
        "resamples": count,
        "failed_resamples": failed,
        "seed": bootstrap.seed,
        "ci_level": bootstrap.ci_level,
    }
    return intervals, note


def _refitted_slopes(
    values: np.ndarray,
    volatilities: np.ndarray,
    count: int,
    *,
    periods_per_year: int,
    covariance: Covariance,
    bounds: tuple[np.ndarray, np.ndarray],
    bootstrap: Bootstrap,
    cancel: CancelToken,
) -> tuple[np.ndarray, int]:
    """dσ/dr at each volatility on ``count`` refitted frontiers (NaN: none), and how many had none."""
    periods = len(values)
    rng = np.random.default_rng(bootstrap.seed)
    draws = block_indices(rng, count, periods, min(bootstrap.block_for(periods), periods))
    slopes = np.full((count, len(volatilities)), np.nan)
    failed = 0
    for b, index in enumerate(draws):
        if cancel.cancelled:
            raise CancelledError()
        found = estimate(values[index], periods_per_year, covariance)
        try:
            line = critical_line(found.mean, found.cov, lower=bounds[0], upper=bounds[1])
        except AnalysisError:  # a resample with a singular covariance: no frontier
            failed += 1
            continue
        at = np.array([line.return_at_volatility(found.cov, float(v)) for v in volatilities])
        slopes[b] = [np.nan if s is None else s for s in exact_slopes(line, found.cov, at)]
    return slopes, failed
