"""Risk and return metrics of portfolio return series, and their block-bootstrap bands.

For per-period simple returns ``r`` (``P`` periods a year) and an annual risk-free rate ``rf``:

- ``return`` = mean(r)·P (arithmetic annualisation), ``volatility`` = std(r, ddof=1)·√P;
- ``sharpe`` = (return − rf) / volatility;
- ``sortino`` = (return − rf) / downside deviation, the downside deviation being
  √mean(min(r − rf/P, 0)²)·√P;
- ``cvar`` = the expected loss in the worst (1 − level) share of periods, per period, as a
  positive number (the exact discrete form: a fractional weight on the boundary period);
- ``max_drawdown`` = the largest fall of wealth ∏(1 + r) from its running peak (starting at 1);
- ``cdar`` = the conditional drawdown at risk at the CVaR level: the mean of the worst (1 − level)
  share of the drawdowns of *cumulative* (uncompounded) returns Σr from their running peak
  (starting at 0), the exact discrete form like ``cvar`` — the measure the mean–CDaR linear
  program optimises (and skfolio's and Riskfolio-Lib's convention); a fraction of wealth;
- ``semideviation`` = √(Σ min(r − mean(r), 0)² / (T − 1))·√P, the annualised downside deviation
  below the series' own mean (skfolio's convention).

Bands are percentile intervals from a circular block bootstrap of the periods: blocks keep
volatility clustering and regimes together, which resampling single days would break.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...errors import CancelledError
from ...jobs import CancelToken

_NO_RISK = 1e-12  # annualised; rounding leaves ~1e-18 on a constant series
METRICS = ("return", "volatility", "sharpe", "sortino", "cvar", "max_drawdown", "cdar", "semideviation")


@dataclass(frozen=True)
class MetricSettings:
    """How the metrics are computed: periods per year, risk-free rate, CVaR level."""

    periods_per_year: int
    risk_free: float = 0.0
    cvar_level: float = 0.95


def metrics(returns: np.ndarray, settings: MetricSettings) -> np.ndarray:
    """The :data:`METRICS` of each column of ``returns`` (``(..., T, P)`` → ``(..., P, 8)``)."""
    ppy = settings.periods_per_year
    annual = returns.mean(axis=-2) * ppy
    volatility = returns.std(axis=-2, ddof=1) * np.sqrt(ppy)
    excess = annual - settings.risk_free
    shortfall = np.minimum(returns - settings.risk_free / ppy, 0.0)
    downside = np.sqrt(np.mean(shortfall * shortfall, axis=-2) * ppy)
    columns = (
        annual,
        volatility,
        _ratio(excess, volatility),
        _ratio(excess, downside),
        _cvar(returns, settings.cvar_level),
        _max_drawdown(returns),
        _cvar(-drawdowns(returns), settings.cvar_level),
        semideviation(returns) * np.sqrt(ppy),
    )
    return np.stack(columns, axis=-1)


def drawdowns(returns: np.ndarray) -> np.ndarray:
    """Drawdowns of cumulative (uncompounded) returns from their running peak, which starts at 0."""
    cumulative = np.cumsum(returns, axis=-2)
    return np.maximum(np.maximum.accumulate(cumulative, axis=-2), 0.0) - cumulative


def semideviation(returns: np.ndarray) -> np.ndarray:
    """Per-period downside deviation below each series' own mean, with T − 1 in the denominator."""
    below = np.minimum(returns - returns.mean(axis=-2, keepdims=True), 0.0)
    return np.sqrt((below * below).sum(axis=-2) / max(returns.shape[-2] - 1, 1))


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the risk is (numerically) 0: the ratio is undefined there."""
    out = np.full(np.broadcast(numerator, denominator).shape, np.nan)
    return np.divide(numerator, denominator, out=out, where=denominator > _NO_RISK)


def _cvar(returns: np.ndarray, level: float) -> np.ndarray:
    periods = returns.shape[-2]
    tail = (1.0 - level) * periods
    whole = int(np.floor(tail))
    ordered = np.sort(returns, axis=-2)
    total = ordered[..., :whole, :].sum(axis=-2)
    if whole < periods and tail > whole:
        total = total + (tail - whole) * ordered[..., whole, :]
    return -total / tail


def _max_drawdown(returns: np.ndarray) -> np.ndarray:
    wealth = np.cumprod(1.0 + returns, axis=-2)
    peak = np.maximum(np.maximum.accumulate(wealth, axis=-2), 1.0)
    return (1.0 - wealth / peak).max(axis=-2)


@dataclass(frozen=True)
class Bootstrap:
    """Circular block bootstrap settings."""

    resamples: int = 500
    ci_level: float = 0.95
    seed: int = 20261127
    block_length: int | None = None  # default: round(T^(1/3)), at least 1

    def block_for(self, periods: int) -> int:
        """The block length used for ``periods`` periods."""
        return self.block_length or max(1, round(periods ** (1.0 / 3.0)))


def bands(
    returns: np.ndarray, settings: MetricSettings, bootstrap: Bootstrap, cancel: CancelToken
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper percentile bounds of every metric, each ``(P, 8)``, for ``returns`` ``(T, P)``."""
    periods, portfolios = returns.shape
    rng = np.random.default_rng(bootstrap.seed)
    block = min(bootstrap.block_for(periods), periods)
    chunk = max(1, int(4e6 // max(periods * portfolios, 1)))
    draws = []
    for start in range(0, bootstrap.resamples, chunk):
        if cancel.cancelled:
            raise CancelledError()
        count = min(chunk, bootstrap.resamples - start)
        draws.append(metrics(returns[block_indices(rng, count, periods, block)], settings))
    sampled = np.concatenate(draws)
    tail = 100.0 * (1.0 - bootstrap.ci_level) / 2.0
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns (riskless portfolios) stay NaN
        return np.nanpercentile(sampled, tail, axis=0), np.nanpercentile(sampled, 100.0 - tail, axis=0)


def shrunk_volatility_bands(
    assets: np.ndarray,
    weights: np.ndarray,
    shrinkage: float,
    *,
    settings: MetricSettings,
    bootstrap: Bootstrap,
    cancel: CancelToken,
) -> tuple[np.ndarray, np.ndarray]:
    """Bands of the Ledoit–Wolf model volatility √(w'Σw) itself, so the point and its band agree.

    With Σ = (1 − δ)·S + δ·(tr S / n)·I, a portfolio's model variance is (1 − δ)·w'Sw +
    δ·(tr S / n)·‖w‖²: each block-bootstrap resample of the periods recomputes S's two pieces
    (the portfolio's variance and the assets' mean variance) with the intensity δ held fixed.
    ``assets`` is (T, n), ``weights`` (n, P); the bounds are (P,).
    """
    periods, count_assets = assets.shape
    rng = np.random.default_rng(bootstrap.seed)
    block = min(bootstrap.block_for(periods), periods)
    chunk = max(1, int(4e6 // max(periods * count_assets, 1)))
    norms = (weights * weights).sum(axis=0)
    draws = []
    for start in range(0, bootstrap.resamples, chunk):
        if cancel.cancelled:
            raise CancelledError()
        sampled = assets[block_indices(rng, min(chunk, bootstrap.resamples - start), periods, block)]
        portfolio = (sampled @ weights).var(axis=1)
        average = sampled.var(axis=1).mean(axis=-1, keepdims=True)
        draws.append(
            np.sqrt(((1.0 - shrinkage) * portfolio + shrinkage * average * norms) * settings.periods_per_year)
        )
    tail = 100.0 * (1.0 - bootstrap.ci_level) / 2.0
    values = np.concatenate(draws)
    return np.percentile(values, tail, axis=0), np.percentile(values, 100.0 - tail, axis=0)


def block_indices(rng: np.random.Generator, count: int, periods: int, block: int) -> np.ndarray:
    """``count`` resamples of ``periods`` period indices, made of wrapped blocks of ``block`` periods."""
    blocks = -(-periods // block)
    starts = rng.integers(0, periods, size=(count, blocks, 1))
    return ((starts + np.arange(block)) % periods).reshape(count, blocks * block)[:, :periods]
