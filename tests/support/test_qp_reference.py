"""The Clarabel reference against closed forms: KKT systems solved with numpy, a binding bound, the LP."""

from __future__ import annotations

import numpy as np
import pytest

from support.qp_reference import QPReferenceError, max_return, min_variance_portfolio, min_variance_weights

MEAN = np.array([0.04, 0.07, 0.10])
COV = np.array([[0.010, 0.002, 0.001], [0.002, 0.030, 0.006], [0.001, 0.006, 0.060]])


def kkt_weights(mean: np.ndarray, cov: np.ndarray, target: float) -> np.ndarray:
    """Solve ``[[2Σ, A'], [A, 0]] [w; λ] = [0; b]`` with ``A = [1'; mean']``, ``b = [1, target]``."""
    n = len(mean)
    constraints = np.vstack([np.ones(n), mean])
    system = np.block([[2.0 * cov, constraints.T], [constraints, np.zeros((2, 2))]])
    return np.linalg.solve(system, np.concatenate([np.zeros(n), [1.0, target]]))[:n]


def test_two_assets_are_fixed_by_the_two_equalities() -> None:
    weights = min_variance_weights(MEAN[:2], COV[:2, :2], 0.061)
    np.testing.assert_allclose(weights, [0.3, 0.7], atol=1e-9)


@pytest.mark.parametrize("target", [0.05, 0.07, 0.085])
def test_three_assets_with_slack_bounds_match_the_kkt_solution(target: float) -> None:
    expected = kkt_weights(MEAN, COV, target)
    assert np.all((expected > 0) & (expected < 1))
    weights = min_variance_weights(MEAN, COV, target)
    np.testing.assert_allclose(weights, expected, atol=1e-9)
    assert weights @ COV @ weights == pytest.approx(expected @ COV @ expected, rel=1e-9)


def test_unbounded_weights_can_go_short() -> None:
    expected = kkt_weights(MEAN, COV, 0.12)  # above every mean: needs a short position
    assert expected.min() < 0
    weights = min_variance_weights(MEAN, COV, 0.12, lower=-np.inf, upper=np.inf)
    np.testing.assert_allclose(weights, expected, atol=1e-9)


def test_min_variance_portfolio_matches_the_closed_form() -> None:
    inverse_ones = np.linalg.solve(COV, np.ones(3))
    np.testing.assert_allclose(min_variance_portfolio(COV), inverse_ones / inverse_ones.sum(), atol=1e-9)


def test_binding_lower_bound_gives_the_reduced_problem_and_satisfies_kkt() -> None:
    # Asset 2 is highly correlated with asset 0 and riskier: unconstrained, it is shorted.
    cov = np.array([[0.04, 0.01, 0.055], [0.01, 0.09, 0.01], [0.055, 0.01, 0.09]])
    inverse_ones = np.linalg.solve(cov, np.ones(3))
    assert inverse_ones[2] < 0
    weights = min_variance_portfolio(cov)
    reduced = np.linalg.solve(cov[:2, :2], np.ones(2))
    np.testing.assert_allclose(weights, [*(reduced / reduced.sum()), 0.0], atol=1e-9)
    gradient = 2.0 * cov @ weights
    assert gradient[0] == pytest.approx(gradient[1], rel=1e-8)  # free assets share the multiplier
    assert gradient[2] > gradient[0]  # the bound's multiplier is positive: w2 = 0 is optimal


def test_binding_upper_bound() -> None:
    weights = min_variance_portfolio(COV, upper=0.5)
    assert weights[0] == pytest.approx(0.5, abs=1e-9)
    # With w0 fixed at 0.5 the rest minimises w'Σw over w1 + w2 = 0.5: KKT on the reduced system.
    system = np.block([[2.0 * COV[1:, 1:], np.ones((2, 1))], [np.ones((1, 2)), np.zeros((1, 1))]])
    rest = np.linalg.solve(system, np.concatenate([-2.0 * COV[1:, 0] * 0.5, [0.5]]))[:2]
    np.testing.assert_allclose(weights[1:], rest, atol=1e-9)


def test_max_return_fills_the_best_assets_first() -> None:
    assert max_return(MEAN) == pytest.approx(0.10)
    assert max_return(MEAN, upper=0.4) == pytest.approx(0.4 * 0.10 + 0.4 * 0.07 + 0.2 * 0.04)
    assert max_return(MEAN, lower=[0.1, 0.0, 0.0], upper=0.6) == pytest.approx(
        0.1 * 0.04 + 0.3 * 0.07 + 0.6 * 0.10
    )


def test_daily_scale_is_solved_as_tightly_as_annual() -> None:
    daily = min_variance_weights(MEAN / 252, COV / 252, 0.07 / 252)
    np.testing.assert_allclose(daily, kkt_weights(MEAN, COV, 0.07), atol=1e-9)


def test_diversified_optimum_is_solved_to_relative_accuracy() -> None:
    """Optimal variance far below every asset's: the gap test must still be relative, not absolute.

    The exact answer is the KKT solution on the support the reference finds (the other weights at 0).
    """
    n = 100
    rng = np.random.default_rng(4)
    betas = rng.normal(1.0, 1.0, n)
    cov = 0.04 * np.outer(betas, betas) + np.diag(rng.uniform(0.001, 0.01, n))
    mean = rng.normal(0.05, 0.03, n)
    weights = min_variance_weights(mean, cov, 0.05)
    support = weights > 1e-7
    exact = np.zeros(n)
    exact[support] = kkt_weights(mean[support], cov[np.ix_(support, support)], 0.05)
    assert 5 < support.sum() < n and exact.min() >= 0.0
    assert exact @ cov @ exact < 0.01 * np.mean(np.diag(cov))
    assert (weights @ cov @ weights) / (exact @ cov @ exact) == pytest.approx(1.0, abs=1e-10)


def test_infeasible_problems_raise() -> None:
    with pytest.raises(QPReferenceError):
        min_variance_weights(MEAN, COV, 0.2)
    with pytest.raises(QPReferenceError, match="sum to 1"):
        min_variance_portfolio(COV, upper=0.3)
