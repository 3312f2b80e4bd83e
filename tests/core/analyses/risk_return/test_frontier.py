"""The critical line algorithm against a tightly solved QP (Clarabel at 1e-10), and its error paths."""

from __future__ import annotations

import numpy as np
import pytest

from support.qp_reference import max_return, min_variance_portfolio, min_variance_weights
from tradeoff_studio.core.analyses.candidates import AnalysisError
from tradeoff_studio.core.analyses.risk_return.frontier import critical_line, efficient_frontier

VOL_TOLERANCE = 1e-6  # relative, the bar


def factor_returns(seed: int, assets: int, periods: int) -> tuple[np.ndarray, np.ndarray]:
    """Annualised mean and covariance of synthetic daily returns with a 4-factor structure."""
    rng = np.random.default_rng(seed)
    loadings = rng.normal(0.0, 0.01, size=(assets, 4))
    noise = rng.normal(size=(periods, assets)) * 0.01 * rng.uniform(0.3, 2.0, size=assets)
    daily = rng.normal(size=(periods, 4)) @ loadings.T + noise + rng.normal(3e-4, 4e-4, size=assets)
    return daily.mean(axis=0) * 252, np.cov(daily, rowvar=False) * 252


def assert_matches_reference(
    mean: np.ndarray, cov: np.ndarray, lower: object, upper: object, points: int
) -> None:
    front = efficient_frontier(mean, cov, points=points, lower=lower, upper=upper)  # type: ignore[arg-type]
    lo = np.broadcast_to(np.asarray(lower, dtype=float), mean.shape)
    hi = np.broadcast_to(np.asarray(upper, dtype=float), mean.shape)
    assert np.allclose(front.weights.sum(axis=1), 1.0, atol=1e-12)
    assert (front.weights >= lo - 1e-12).all() and (front.weights <= hi + 1e-12).all()
    assert np.all(np.diff(front.returns) > 0) and np.all(np.diff(front.volatilities) > 0)
    for target, volatility in zip(front.returns, front.volatilities, strict=True):
        reference = min_variance_weights(mean, cov, target, lo, hi)
        expected = np.sqrt(reference @ cov @ reference)
        assert abs(volatility - expected) <= VOL_TOLERANCE * expected, (target, volatility, expected)


@pytest.mark.parametrize(
    ("seed", "assets", "lower", "upper"),
    [(1, 5, 0.0, 1.0), (2, 12, 0.0, 0.25), (3, 40, 0.0, 1.0), (4, 40, 0.005, 0.1), (5, 120, 0.0, 0.05)],
)
def test_every_frontier_point_matches_the_qp_reference(
    seed: int, assets: int, lower: float, upper: float
) -> None:
    mean, cov = factor_returns(seed, assets, 1000)
    assert_matches_reference(mean, cov, lower, upper, points=25)


def test_per_asset_bounds_and_the_ends_of_the_frontier() -> None:
    mean, cov = factor_returns(6, 15, 600)
    rng = np.random.default_rng(6)
    lower = rng.uniform(0.0, 0.03, size=15)
    upper = rng.uniform(0.1, 0.4, size=15)
    assert_matches_reference(mean, cov, lower, upper, points=30)
    line = critical_line(mean, cov, lower=lower, upper=upper)
    assert line.max_return == pytest.approx(max_return(mean, lower, upper), rel=1e-12)
    minimum = min_variance_portfolio(cov, lower, upper)
    assert line.min_volatility == pytest.approx(np.sqrt(minimum @ cov @ minimum), rel=1e-7)
    assert np.all(np.diff(line.returns) < 0) and line.lambdas[0] == np.inf and line.lambdas[-1] == 0.0


def test_tied_means_still_give_the_efficient_frontier() -> None:
    mean, cov = factor_returns(7, 8, 500)
    mean[[2, 5]] = mean.max() + 0.01  # two assets share the highest mean
    mean[[1, 3]] = 0.04
    assert_matches_reference(mean, cov, 0.0, 1.0, points=20)


def test_target_volatility_gives_the_best_return_with_that_risk() -> None:
    mean, cov = factor_returns(8, 20, 800)
    line = critical_line(mean, cov)
    budget = 0.5 * (line.min_volatility + np.sqrt(line.variances[0]))
    reached = line.return_at_volatility(cov, budget)
    weights = line.weights_at_returns(np.array([reached]))[0]
    assert np.sqrt(weights @ cov @ weights) == pytest.approx(budget, rel=1e-10)
    reference = min_variance_weights(mean, cov, reached)
    assert np.sqrt(reference @ cov @ reference) == pytest.approx(budget, rel=VOL_TOLERANCE)
    assert line.return_at_volatility(cov, 10.0) == line.max_return


def test_a_single_feasible_portfolio_and_a_single_asset() -> None:
    mean, cov = factor_returns(9, 4, 300)
    pinned = efficient_frontier(mean, cov, points=5, lower=0.25, upper=0.25)
    assert pinned.weights.shape == (1, 4) and np.allclose(pinned.weights, 0.25)  # one portfolio, once
    alone = efficient_frontier(mean[:1], cov[:1, :1], points=3)
    assert np.allclose(alone.weights, [[1.0]]) and np.allclose(alone.volatilities, np.sqrt(cov[0, 0]))


@pytest.mark.parametrize(
    ("lower", "upper", "message"),
    [(0.3, 1.0, "lower weight bounds add up to 1.2"), (0.0, 0.2, "upper weight bounds add up to 0.8"),
     (np.array([0.0, 0.5, 0.0, 0.0]), np.array([1.0, 0.4, 1.0, 1.0]), "Asset number 2")],
)  # fmt: skip
def test_bounds_that_admit_no_portfolio_say_why(lower: object, upper: object, message: str) -> None:
    mean, cov = factor_returns(10, 4, 300)
    with pytest.raises(AnalysisError, match=message):
        efficient_frontier(mean, cov, lower=lower, upper=upper)  # type: ignore[arg-type]


def test_a_singular_covariance_is_refused_with_advice() -> None:
    daily = np.random.default_rng(11).normal(0.0, 0.01, size=(5, 12))  # 5 dates, 12 assets: rank 4
    with pytest.raises(AnalysisError, match="Ledoit–Wolf"):
        efficient_frontier(daily.mean(axis=0), np.cov(daily, rowvar=False))


def test_tied_top_means_start_at_their_least_variance_mix() -> None:
    for seed in (20, 23):  # the unconstrained mix of the two tied assets would short one of them
        mean, cov = factor_returns(seed, 6, 400)
        mean[[1, 4]] = 0.3
        assert_matches_reference(mean, cov, 0.0, 1.0, points=12)
        assert_matches_reference(mean, cov, 0.0, 0.6, points=12)


def test_assets_pinned_by_equal_bounds_or_a_narrow_range_stay_inside() -> None:
    mean, cov = factor_returns(12, 8, 500)
    lower, upper = np.zeros(8), np.ones(8)
    lower[[2, 5]] = upper[[2, 5]] = [0.1, 0.05]  # pinned: lo == hi
    assert_matches_reference(mean, cov, lower, upper, points=15)
    upper[[2, 5]] = lower[[2, 5]] + [1e-7, 3e-8]  # a range too narrow to tell from a pin
    assert_matches_reference(mean, cov, lower, upper, points=15)
