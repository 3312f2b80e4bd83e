"""Minimum position size (--min-weight): exact for CVaR/CDaR, a stated heuristic for variance (issue #16)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from support.returns_tables import ASSETS, add_table, spec, wide_returns
from tradeoff_studio.core.analyses.candidates import AnalysisError, Objective
from tradeoff_studio.core.analyses.risk_return.analysis import analyze_risk_return
from tradeoff_studio.core.analyses.risk_return.kind import build
from tradeoff_studio.core.analyses.risk_return.measure_frontier import measure_frontier
from tradeoff_studio.core.project import Project

X = 0.15


def _returns(periods: int = 250, assets: int = 6, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    market = rng.standard_t(4, size=(periods, 1)) * 0.008
    return rng.normal(0.0004, 0.01, (periods, assets)) + market * rng.uniform(0.2, 1.2, assets)


def _best_over_supports(returns: np.ndarray, measure: str, target: float) -> float:
    """Brute force: the least risk at return ≥ target over every support, each weight in it ≥ X."""
    n = returns.shape[1]
    mean, cov = returns.mean(axis=0) * 252, np.cov(returns, rowvar=False) * 252
    best = np.inf
    for size in range(1, n + 1):
        for support in itertools.combinations(range(n), size):
            lower, upper = np.zeros(n), np.zeros(n)
            lower[list(support)], upper[list(support)] = X, 1.0
            if lower.sum() > 1.0 or float(mean[list(support)].max()) < target - 1e-12:
                continue
            found = measure_frontier(returns, mean, measure, points=2, lower=lower, upper=upper, cov=cov,
                                     max_return=target)  # fmt: skip
            if not found.failed and found.returns[-1] >= target - 1e-9:
                best = min(best, float(found.risks[-1]))
    return best


@pytest.mark.parametrize("measure", ["cvar", "cdar"])
def test_the_linear_measures_meet_the_minimum_exactly(measure: str) -> None:
    returns = _returns()
    n = returns.shape[1]
    found = measure_frontier(returns, returns.mean(axis=0) * 252, measure, points=5, lower=np.zeros(n),
                             upper=np.ones(n), min_weight=X)  # fmt: skip
    assert found.failed == [] and len(found.returns) == 5
    assert ((found.weights < 1e-7) | (found.weights > X - 1e-7)).all()
    for ret, risk in zip(found.returns, found.risks, strict=True):
        assert risk == pytest.approx(_best_over_supports(returns, measure, float(ret)), abs=1e-9)


@pytest.mark.parametrize("measure", ["volatility", "semideviation"])
def test_the_quadratic_measures_meet_the_minimum_and_never_beat_the_exact_optimum(measure: str) -> None:
    returns = _returns()
    n = returns.shape[1]
    free = measure_frontier(returns, returns.mean(axis=0) * 252, measure, points=5, lower=np.zeros(n),
                            upper=np.ones(n), cov=np.cov(returns, rowvar=False) * 252)  # fmt: skip
    assert ((free.weights > 1e-7) & (free.weights < X - 1e-7)).any()  # the rule binds on this data
    cov = np.cov(returns, rowvar=False) * 252
    found = measure_frontier(returns, returns.mean(axis=0) * 252, measure, points=5, lower=np.zeros(n),
                             upper=np.ones(n), cov=cov, min_weight=X)  # fmt: skip
    assert found.failed == [] and ((found.weights < 1e-7) | (found.weights > X - 1e-7)).all()
    for ret, risk in zip(found.returns, found.risks, strict=True):
        best = _best_over_supports(returns, measure, float(ret))
        assert risk >= best - 1e-9
        if measure == "volatility":  # here the swaps after the greedy support reach the best support
            assert risk == pytest.approx(best, abs=1e-9)


def test_the_analysis_states_the_method_and_drops_named_portfolios_below_the_minimum(
    project: Project,
) -> None:
    add_table(project, "wide", wide_returns())
    cvar = (Objective("return", "max"), Objective("cvar", "min"))
    table = analyze_risk_return(project, spec(objectives=cvar, points=6, min_weight=0.2))
    weights = table.frame[[f"weight_{a}" for a in ASSETS]].to_numpy()
    front = table.frame["source"].isin(["frontier", "named"]).to_numpy()
    assert ((weights[front] < 1e-7) | (weights[front] > 0.2 - 1e-7)).all()
    assert table.notes["optimised"]["min_weight"] == {
        "value": 0.2, "method": "exact: mixed-integer program (binary per asset), HiGHS branch and bound"
    }  # fmt: skip
    variance = analyze_risk_return(project, spec(points=6, min_weight=0.2, target_returns=(0.05,)))
    assert variance.notes["optimised"]["min_weight"]["method"].startswith("not guaranteed optimal")
    assert "the mean–variance quadratic program" in variance.notes["optimised"]["method"]
    target = variance.frame[variance.frame["source"] == "target return"]
    held = target[[f"weight_{a}" for a in ASSETS]].to_numpy()
    assert len(target) == 1 and ((held < 1e-7) | (held > 0.2 - 1e-7)).all()
    missing = {m["portfolio"]: m["reason"] for m in variance.notes["missing_named_portfolios"]}
    assert "between 0 and --min-weight 0.2" in missing["inverse-volatility"]


def test_impossible_minimums_are_refused(project: Project) -> None:
    add_table(project, "wide", wide_returns())
    with pytest.raises(AnalysisError, match="--min-weight is for long positions"):
        analyze_risk_return(project, spec(min_weight=0.1, lower=-0.2))
    with pytest.raises(AnalysisError, match="above every asset's upper weight bound"):
        analyze_risk_return(project, spec(min_weight=0.5, upper=0.4))
    with pytest.raises(AnalysisError, match=r"No fully invested portfolio .* --min-weight 0\.4 "):
        analyze_risk_return(project, spec(min_weight=0.4, upper=0.45))  # 2 x 0.45 < 1 < 3 x 0.4
    with pytest.raises(AnalysisError, match="did you mean 5%"):
        build({"table": "wide", "values": "returns", "min_weight": "5"})
    assert build({"table": "wide", "values": "returns", "min_weight": "5%"}).min_weight == pytest.approx(0.05)
