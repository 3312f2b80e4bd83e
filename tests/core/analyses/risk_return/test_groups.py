"""Group (sector) bounds: frontiers solved by HiGHS under them, checked against skfolio (issue #16)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from support.returns_tables import ASSETS, add_table, market_returns, spec, wide_returns
from tradeoff_studio.core.analyses.candidates import AnalysisError, Objective
from tradeoff_studio.core.analyses.risk_return.analysis import analyze_risk_return
from tradeoff_studio.core.analyses.risk_return.frontier import efficient_frontier
from tradeoff_studio.core.analyses.risk_return.measure_frontier import (
    AbsoluteLimit,
    GroupBound,
    measure_frontier,
)
from tradeoff_studio.core.analyses.risk_return.metrics import METRICS, MetricSettings, metrics
from tradeoff_studio.core.project import Project

SECTORS = ["tech", "tech", "tech", "energy", "energy", "bonds", "bonds", "bonds"]


def _groups(tech: tuple[float, float], bonds: tuple[float, float]) -> tuple[GroupBound, ...]:
    return (GroupBound("tech", (0, 1, 2), *tech), GroupBound("bonds", (5, 6, 7), *bonds))


def test_without_binding_groups_the_quadratic_program_equals_the_critical_line() -> None:
    returns = market_returns()
    mean, cov = returns.mean(axis=0) * 252, np.cov(returns, rowvar=False) * 252
    exact = efficient_frontier(mean, cov, points=8)
    zeros, ones = np.zeros(8), np.ones(8)
    solved = measure_frontier(returns, mean, "volatility", cov=cov, points=8, lower=zeros, upper=ones,
                              groups=_groups((0.0, 1.0), (0.0, 1.0)))  # fmt: skip
    assert solved.failed == [] and np.allclose(solved.returns, exact.returns, atol=1e-9)
    assert np.allclose(solved.risks, exact.volatilities, rtol=1e-8)


@pytest.mark.parametrize("measure", ["volatility", "cvar", "semideviation"])
def test_group_bounds_hold_and_objectives_match_skfolio_within_1e_6(measure: str) -> None:
    from skfolio import RiskMeasure
    from skfolio.optimization import MeanRisk

    returns = market_returns()
    mean, cov = returns.mean(axis=0) * 252, np.cov(returns, rowvar=False) * 252
    groups = _groups((0.0, 0.3), (0.2, 1.0))
    solved = measure_frontier(returns, mean, measure, cov=cov, points=6, lower=np.zeros(8), upper=np.ones(8),
                              groups=groups)  # fmt: skip
    assert solved.failed == []
    tech, bonds = solved.weights[:, :3].sum(axis=1), solved.weights[:, 5:].sum(axis=1)
    assert (tech <= 0.3 + 1e-9).all() and (bonds >= 0.2 - 1e-9).all()
    assert tech.max() == pytest.approx(0.3, abs=1e-9)  # the cap binds at the top of the frontier
    frame = pd.DataFrame(returns, columns=[f"a{i}" for i in range(8)])
    risk = {"volatility": RiskMeasure.VARIANCE, "cvar": RiskMeasure.CVAR,
            "semideviation": RiskMeasure.SEMI_DEVIATION}[measure]  # fmt: skip
    tight = {"tol_gap_abs": 1e-10, "tol_gap_rel": 1e-10, "tol_feas": 1e-10}
    rules = ["tech <= 0.3", "bonds >= 0.2"]
    for ret, ours in zip(solved.returns[:-1], solved.risks[:-1], strict=True):
        model = MeanRisk(risk_measure=risk, min_return=ret / 252, groups=[SECTORS],
                         linear_constraints=rules, solver="CLARABEL", solver_params=tight)  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(frame)
        w = np.asarray(model.weights_)
        # our objective at skfolio's weights (a ddof convention scales the variance, not the argmin)
        theirs = float(np.sqrt(w @ cov @ w)) if measure == "volatility" else float(
            metrics((returns @ w)[:, None], MetricSettings(252))[0, METRICS.index(measure)]
        )  # fmt: skip
        assert ours == pytest.approx(theirs, abs=1e-6) and ours <= theirs + 1e-9


def _sectors(project: Project) -> None:
    add_table(project, "wide", wide_returns())
    add_table(
        project, "sectors", pd.DataFrame({"asset": ASSETS, "group": ["risky", "safe", "risky", "safe"]})
    )


def test_analysis_under_group_bounds_names_what_it_optimised_and_drops_breaking_named(
    project: Project,
) -> None:
    _sectors(project)
    table = analyze_risk_return(project, spec(groups_table="sectors", group_bounds=(("risky", 0.0, 0.25),)))
    front = table.frame[table.frame["source"] == "frontier"]
    assert len(front) == 20
    risky = front["weight_stocks"] + front["weight_gold"]
    assert (risky <= 0.25 + 1e-9).all() and risky.max() == pytest.approx(0.25, abs=1e-9)
    notes = table.notes
    assert notes["group_bounds"] == [{"group": "risky", "assets": 2, "lower": 0.0, "upper": 0.25}]
    assert (
        notes["optimised"]["measure"] == "volatility" and "quadratic program" in notes["optimised"]["method"]
    )
    assert notes["max_return"] == pytest.approx(float(front["return"].max()))
    missing = {m["portfolio"]: m["reason"] for m in notes["missing_named_portfolios"]}
    assert "max-return" in missing and "outside --group-bounds risky=0,0.25" in missing["max-return"]
    named = table.frame[table.frame["source"] == "named"]
    assert ((named["weight_stocks"] + named["weight_gold"]) <= 0.25 + 1e-9).all()
    objectives = (Objective("return", "max"), Objective("cvar", "min"))
    cvar = analyze_risk_return(project, spec(groups_table="sectors", group_bounds=(("safe", 0.5, 1.0),),
                                             objectives=objectives))  # fmt: skip
    cvar_front = cvar.frame[cvar.frame["source"] == "frontier"]
    assert ((cvar_front["weight_bonds"] + cvar_front["weight_cash"]) >= 0.5 - 1e-9).all()
    assert cvar.notes["optimised"]["measure"] == "cvar"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"group_bounds": (("risky", 0.0, 0.3),)}, "--group-bounds needs --groups TABLE"),
        ({"groups_table": "sectors"}, "--groups needs at least one --group-bounds"),
        ({"groups_table": "sectors", "group_bounds": (("tech", 0.0, 0.3),)}, "names group 'tech', which no"),
        ({"groups_table": "sectors", "group_bounds": (("risky", 0.5, 0.3),)}, "lower bound 0.5 above its"),
        ({"groups_table": "sectors", "group_bounds": (("risky", 0.0, 0.3),), "upper": 0.2},
         "The upper weight bounds add up to 0.8"),
        ({"groups_table": "sectors", "group_bounds": (("risky", 0.0, 0.3), ("safe", 0.0, 0.5))},
         "No fully invested portfolio meets the weight bounds together with the group bounds"),
    ],
)  # fmt: skip
def test_impossible_group_bounds_are_refused_with_the_reason(
    project: Project, changes: dict[str, object], message: str
) -> None:
    _sectors(project)
    with pytest.raises(AnalysisError, match=message):
        analyze_risk_return(project, spec(**changes))


def test_a_group_range_the_asset_bounds_rule_out_is_refused_naming_the_sums(project: Project) -> None:
    _sectors(project)
    asked = spec(groups_table="sectors", group_bounds=(("risky", 0.7, 1.0),), upper=0.3)
    with pytest.raises(
        AnalysisError, match=r"Group 'risky' \(2 assets\) must weigh 0.7 to 1, but .* allow 0 to 0.6"
    ):
        analyze_risk_return(project, asked)


def _cvxpy_min(
    returns: np.ndarray, target: float, lower: float, limits: list[tuple[np.ndarray, float]]
) -> float:
    """The minimum volatility at return ≥ target under the limits, from cvxpy + Clarabel (an oracle)."""
    import cvxpy as cp

    mean, cov = returns.mean(axis=0) * 252, np.cov(returns, rowvar=False) * 252
    w = cp.Variable(len(mean))
    rules = [cp.sum(w) == 1, w >= lower, w <= 1, mean @ w >= target]
    rules += [cp.norm1(w - centre) <= limit for centre, limit in limits]
    cp.Problem(cp.Minimize(cp.quad_form(w, cp.psd_wrap(cov))), rules).solve(
        solver="CLARABEL", tol_gap_abs=1e-11, tol_gap_rel=1e-11, tol_feas=1e-11
    )
    return float(np.sqrt(w.value @ cov @ w.value))


@pytest.mark.parametrize("case", ["turnover", "gross"])
def test_turnover_and_gross_limits_hold_and_match_an_independent_solver(case: str) -> None:
    returns = market_returns()
    mean, cov = returns.mean(axis=0) * 252, np.cov(returns, rowvar=False) * 252
    if case == "turnover":
        current, low, limit = np.full(8, 1 / 8), 0.0, AbsoluteLimit("turnover", np.full(8, 1 / 8), 0.4)
    else:
        current, low, limit = np.zeros(8), -0.5, AbsoluteLimit("gross exposure", np.zeros(8), 1.6)
    solved = measure_frontier(returns, mean, "volatility", cov=cov, points=6, lower=np.full(8, low),
                              upper=np.ones(8), limits=(limit,))  # fmt: skip
    assert solved.failed == []
    used = np.abs(solved.weights - current).sum(axis=1)
    assert (used <= limit.limit + 1e-8).all() and used.max() == pytest.approx(limit.limit, abs=1e-7)
    if case == "gross":
        assert solved.weights.min() < -1e-3  # shorting is used
    for ret, ours in zip(solved.returns[1:-1], solved.risks[1:-1], strict=True):
        oracle = _cvxpy_min(returns, ret, low, [(current, limit.limit)])
        assert ours == pytest.approx(oracle, abs=1e-6) and ours <= oracle + 1e-8


def test_limits_in_the_analysis_are_stated_and_impossible_ones_refused(project: Project) -> None:
    _sectors(project)
    add_table(project, "held", pd.DataFrame({"asset": ["stocks"], "weight": [1.0]}))
    table = analyze_risk_return(project, spec(current_weights_table="held", max_turnover=0.5))
    front = table.frame[table.frame["source"] == "frontier"]
    held = np.array([1.0, 0.0, 0.0, 0.0])
    turnover = np.abs(front[[f"weight_{a}" for a in ASSETS]].to_numpy() - held).sum(axis=1)
    assert (turnover <= 0.5 + 1e-8).all() and table.notes["limits"] == [{"limit": "turnover", "value": 0.5}]
    missing = {m["portfolio"]: m["reason"] for m in table.notes["missing_named_portfolios"]}
    assert "its turnover is" in missing["equal-weight"] and "above the limit 0.5" in missing["equal-weight"]
    with pytest.raises(AnalysisError, match="--max-turnover and --current-weights TABLE"):
        analyze_risk_return(project, spec(max_turnover=0.5))
    with pytest.raises(AnalysisError, match="the turnover limit 0 "):
        analyze_risk_return(project, spec(current_weights_table="held", max_turnover=0.0, upper=0.6))
    with pytest.raises(AnalysisError, match="--max-gross must be 0 or more"):
        analyze_risk_return(project, spec(max_gross=-1.0))


def test_check_finds_the_groups_and_current_weights_tables_among_the_inputs() -> None:
    import json

    from tradeoff_studio.core.integrity import _input_tables

    asked = spec(groups_table="sectors", group_bounds=(("risky", 0.0, 0.3),), current_weights_table="held")
    assert {"sectors", "held", "wide"} <= set(_input_tables(json.dumps({"inputs": asked.to_dict()})))
