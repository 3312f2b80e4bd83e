"""Named portfolios (issue #16, observation 6): always present and exact, or listed with the reason."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from support.returns_tables import ASSETS, add_table, spec, wide_returns
from tradeoff_studio.core import analysis_workflows as flows
from tradeoff_studio.core.analyses.risk_return.analysis import analyze_risk_return
from tradeoff_studio.core.analyses.risk_return.frontier import critical_line
from tradeoff_studio.core.analyses.risk_return.named import NAMED, max_sharpe, risk_parity
from tradeoff_studio.core.decisions.preferences import Preferences
from tradeoff_studio.core.errors import StudioError
from tradeoff_studio.core.project import Project


def estimates(n: int = 12, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    daily = rng.normal(size=(400, n)) * 0.01 + rng.normal(size=(400, 1)) * 0.01
    return rng.normal(0.08, 0.05, n), np.cov(daily, rowvar=False) * 252


def sharpe(weights: np.ndarray, mean: np.ndarray, cov: np.ndarray, rf: float) -> float:
    return float((mean @ weights - rf) / np.sqrt(weights @ cov @ weights))


@pytest.mark.parametrize(
    ("upper", "rf", "seed"), [(1.0, 0.02, 0), (0.3, 0.0, 1), (0.25, 0.05, 2), (1.0, -0.01, 3)]
)
def test_max_sharpe_matches_pypfopt_within_1e_6(upper: float, rf: float, seed: int) -> None:
    from pypfopt import EfficientFrontier

    mean, cov = estimates(seed=seed)
    ours = max_sharpe(critical_line(mean, cov, lower=0.0, upper=upper), mean, cov, rf)
    assert isinstance(ours, np.ndarray)
    frontier = EfficientFrontier(
        pd.Series(mean), pd.DataFrame(cov), weight_bounds=(0, upper), solver="CLARABEL"
    )
    theirs = np.array(list(frontier.max_sharpe(risk_free_rate=rf).values()))
    assert sharpe(ours, mean, cov, rf) == pytest.approx(sharpe(theirs, mean, cov, rf), abs=1e-6)
    assert (
        sharpe(ours, mean, cov, rf) >= sharpe(theirs, mean, cov, rf) - 1e-9
    )  # exact: never below the solver
    assert abs(ours.sum() - 1.0) < 1e-12 and ours.min() >= -1e-12 and ours.max() <= upper + 1e-12


def test_max_sharpe_beats_every_point_of_a_dense_frontier() -> None:
    mean, cov = estimates(20, seed=4)
    line = critical_line(mean, cov)
    best = sharpe(max_sharpe(line, mean, cov, 0.03), mean, cov, 0.03)  # type: ignore[arg-type]
    dense = line.weights_at_returns(np.linspace(line.min_variance_return, line.max_return, 5_000))
    ratios = (dense @ mean - 0.03) / np.sqrt(((dense @ cov) * dense).sum(axis=1))
    assert best >= ratios.max() - 1e-12 and best - ratios.max() < 1e-6


def test_risk_parity_equalises_risk_contributions() -> None:
    _, cov = estimates(30, seed=5)
    weights = risk_parity(cov)
    assert isinstance(weights, np.ndarray) and (weights > 0).all() and weights.sum() == pytest.approx(1.0)
    contributions = weights * (cov @ weights) / (weights @ cov @ weights)
    assert np.allclose(contributions, 1.0 / 30, rtol=0, atol=1e-10)


def test_named_candidates_are_present_with_exact_weights(project: Project) -> None:
    frame = wide_returns()
    add_table(project, "wide", frame)
    table = analyze_risk_return(project, spec(risk_free=0.01))
    rows = table.frame.set_index("candidate_id")
    assert set(NAMED) <= set(rows.index) and table.notes["missing_named_portfolios"] == []
    assert (rows.loc[list(NAMED), "source"] == "named").all()
    weights = rows[[f"weight_{a}" for a in ASSETS]]
    assert np.allclose(weights.loc["equal-weight"], 0.25)
    volatility = frame[ASSETS].std(ddof=1).to_numpy()
    assert np.allclose(weights.loc["inverse-volatility"], (1 / volatility) / (1 / volatility).sum())
    frontier = rows[rows["source"] == "frontier"]
    assert rows.loc["min-variance", "volatility"] == pytest.approx(frontier["volatility"].min(), rel=1e-9)
    assert rows.loc["max-return", "return"] == pytest.approx(frontier["return"].max(), rel=1e-12)
    # with the sample covariance the realised Sharpe is the model's: the tangency beats every candidate
    assert rows.loc["max-sharpe", "sharpe"] >= rows["sharpe"].max() - 1e-12


def test_named_portfolios_the_bounds_forbid_are_listed_with_the_reason(project: Project) -> None:
    add_table(project, "wide", wide_returns())
    table = analyze_risk_return(project, spec(asset_bounds=(("cash", 0.0, 0.1),), risk_free=0.9))
    missing = {item["portfolio"]: item["reason"] for item in table.notes["missing_named_portfolios"]}
    assert "asset 'cash' would be 0.25, outside that asset's bounds 0,0.1" in missing["equal-weight"]
    assert "more than the risk-free rate 90.00%" in missing["max-sharpe"]
    assert {"min-variance", "max-return"} <= set(table.frame["candidate_id"])


def test_deciding_on_sharpe_points_to_max_sharpe(project: Project) -> None:
    add_table(project, "wide", wide_returns())
    record = flows.analyze_risk_return(project, spec())
    with pytest.raises(StudioError, match=r"candidate 'max-sharpe'.*--candidate max-sharpe"):
        flows.decide(project, record.name, preferences=Preferences(weights={"sharpe": 1.0}), rationale="best")
    decision = flows.decide(project, record.name, candidate_id="max-sharpe", rationale="tangency portfolio")
    assert decision.candidate_id == "max-sharpe"
