"""Risk–return metrics by hand, Ledoit–Wolf against scikit-learn, and the block bootstrap."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.covariance import ledoit_wolf as sklearn_ledoit_wolf

from tradeoff_studio.core.analyses.candidates import AnalysisError
from tradeoff_studio.core.analyses.risk_return.estimates import estimate, ledoit_wolf
from tradeoff_studio.core.analyses.risk_return.metrics import (
    METRICS,
    Bootstrap,
    MetricSettings,
    bands,
    metrics,
)
from tradeoff_studio.core.errors import CancelledError
from tradeoff_studio.core.jobs import CancelToken


def test_metrics_match_a_hand_computation() -> None:
    r = np.array([0.01, -0.02, 0.03, -0.01, 0.02, 0.0, -0.03, 0.01, 0.02, -0.01])
    settings = MetricSettings(periods_per_year=12, risk_free=0.012, cvar_level=0.75)
    got = dict(zip(METRICS, metrics(r[:, None], settings)[0], strict=True))
    annual = r.mean() * 12
    volatility = r.std(ddof=1) * np.sqrt(12)
    downside = np.sqrt(np.mean(np.minimum(r - 0.001, 0.0) ** 2) * 12)
    # worst 25% of 10 periods = 2.5 periods: -0.03, -0.02 and half of -0.01
    cvar = (0.03 + 0.02 + 0.5 * 0.01) / 2.5
    wealth = np.cumprod(1 + r)
    drawdown = max(1 - w / max(1.0, wealth[: i + 1].max()) for i, w in enumerate(wealth))
    assert got["return"] == pytest.approx(annual)
    assert got["volatility"] == pytest.approx(volatility)
    assert got["sharpe"] == pytest.approx((annual - 0.012) / volatility)
    assert got["sortino"] == pytest.approx((annual - 0.012) / downside)
    assert got["cvar"] == pytest.approx(cvar)
    assert got["max_drawdown"] == pytest.approx(drawdown)


def test_riskless_series_has_no_ratio_instead_of_infinity() -> None:
    flat = np.full((20, 1), 0.001)
    got = dict(zip(METRICS, metrics(flat, MetricSettings(252))[0], strict=True))
    assert got["volatility"] < 1e-15 and np.isnan(got["sharpe"]) and got["max_drawdown"] == 0.0


@pytest.mark.parametrize(("periods", "assets"), [(120, 10), (40, 90)])
def test_ledoit_wolf_equals_scikit_learn(periods: int, assets: int) -> None:
    rng = np.random.default_rng(periods)
    daily = rng.normal(size=(periods, assets)) @ rng.normal(size=(assets, assets)) * 0.01
    ours, shrinkage = ledoit_wolf(daily)
    theirs, their_shrinkage = sklearn_ledoit_wolf(daily)
    assert np.allclose(ours, theirs, rtol=1e-12, atol=1e-18) and shrinkage == pytest.approx(their_shrinkage)


def test_sample_covariance_needs_more_periods_than_assets() -> None:
    daily = np.random.default_rng(0).normal(size=(30, 40))
    with pytest.raises(AnalysisError, match="ledoit-wolf"):
        estimate(daily, 252, "sample")
    shrunk = estimate(daily, 252, "ledoit-wolf")
    assert np.all(np.linalg.eigvalsh(shrunk.cov) > 0) and 0 < shrunk.shrinkage <= 1


def test_bootstrap_bands_bracket_the_point_and_are_seeded() -> None:
    rng = np.random.default_rng(1)
    series = rng.normal(4e-4, 0.01, size=(750, 3)) * np.array([0.5, 1.0, 2.0])
    settings = MetricSettings(252)
    boot = Bootstrap(resamples=200, seed=5)
    lo, hi = bands(series, settings, boot, CancelToken())
    point = metrics(series, settings)
    assert np.all(lo <= point + 1e-12) and np.all(point <= hi + 1e-12)
    again = bands(series, settings, boot, CancelToken())
    assert np.array_equal(lo, again[0]) and np.array_equal(hi, again[1])
    assert boot.block_for(750) == 9  # round(750 ** (1/3))


def test_bootstrap_stops_when_cancelled() -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        bands(np.zeros((50, 2)), MetricSettings(252), Bootstrap(resamples=50), token)


def test_cdar_and_semideviation_match_a_hand_computation() -> None:
    r = np.array([0.02, -0.01, -0.03, 0.01, 0.02, -0.02, 0.04, -0.01])
    got = dict(zip(METRICS, metrics(r[:, None], MetricSettings(252, cvar_level=0.75))[0], strict=True))
    cumulative = np.cumsum(r)  # 0.02, 0.01, -0.02, -0.01, 0.01, -0.01, 0.03, 0.02
    drawdowns = np.maximum.accumulate(np.maximum(cumulative, 0.0)) - cumulative
    # worst 25% of 8 drawdowns = the two largest: 0.04 (after -0.03) and 0.03 (after -0.02 at 0.01)
    assert sorted(drawdowns)[-2:] == pytest.approx([0.03, 0.04])
    assert got["cdar"] == pytest.approx(0.035)
    below = np.minimum(r - r.mean(), 0.0)
    assert got["semideviation"] == pytest.approx(np.sqrt((below**2).sum() / 7) * np.sqrt(252))
