"""--target-return / --target-volatility under group bounds and limits (issue #16, real constraints)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from support.returns_tables import ASSETS, add_table, market_returns, spec, wide_returns
from tradeoff_studio.core.analyses.risk_return.analysis import analyze_risk_return
from tradeoff_studio.core.analyses.risk_return.measure_frontier import AbsoluteLimit, GroupBound
from tradeoff_studio.core.analyses.risk_return.targets import constrained_targets
from tradeoff_studio.core.project import Project


def _oracle(mean: np.ndarray, cov: np.ndarray, *, target: float | None, budget: float | None) -> np.ndarray:
    """cvxpy + Clarabel: min variance at return ≥ target, or max return at volatility ≤ budget, under
    the turnover limit 0.5 from equal weights and tech (assets 0-2) ≤ 0.3."""
    import cvxpy as cp

    w = cp.Variable(len(mean))
    rules = [cp.sum(w) == 1, w >= 0, w <= 1, cp.norm1(w - 1 / 8) <= 0.5, cp.sum(w[:3]) <= 0.3]
    if target is not None:
        problem = cp.Problem(cp.Minimize(cp.quad_form(w, cp.psd_wrap(cov))), [*rules, mean @ w >= target])
    else:
        problem = cp.Problem(cp.Maximize(mean @ w), [*rules, cp.quad_form(w, cp.psd_wrap(cov)) <= budget**2])
    problem.solve(solver="CLARABEL", tol_gap_abs=1e-11, tol_gap_rel=1e-11, tol_feas=1e-11)
    return np.asarray(w.value)


def test_targets_under_a_group_bound_and_a_turnover_limit_match_an_independent_solver() -> None:
    returns = market_returns()
    mean, cov = returns.mean(axis=0) * 252, np.cov(returns, rowvar=False) * 252
    constraints = (
        (GroupBound("tech", (0, 1, 2), 0.0, 0.3),),
        (AbsoluteLimit("turnover", np.full(8, 1 / 8), 0.5),),
    )
    asked = ((0.10, 0.9), (0.13, 0.01))
    found, infeasible = constrained_targets(returns, mean, cov, bounds=(np.zeros(8), np.ones(8)),
                                            constraints=constraints, targets=asked)  # fmt: skip
    by_id = {p.candidate_id: p.weights for p in found}
    assert set(by_id) == {"target-return-10.0000%", "target-volatility-13.0000%"}
    assert [(i["target"], i["value"]) for i in infeasible] == [("return", 0.9), ("volatility", 0.01)]
    assert "the highest they allow is" in infeasible[0]["reason"]
    assert "constrained minimum-variance portfolio's" in infeasible[1]["reason"]
    for weights in by_id.values():
        assert weights[:3].sum() <= 0.3 + 1e-9 and np.abs(weights - 1 / 8).sum() <= 0.5 + 1e-8
    at_return = by_id["target-return-10.0000%"]
    reference = _oracle(mean, cov, target=0.10, budget=None)
    assert np.sqrt(at_return @ cov @ at_return) == pytest.approx(
        np.sqrt(reference @ cov @ reference), abs=1e-6
    )
    assert mean @ at_return >= 0.10 - 1e-9
    at_budget = by_id["target-volatility-13.0000%"]
    reference = _oracle(mean, cov, target=None, budget=0.13)
    assert np.sqrt(at_budget @ cov @ at_budget) <= 0.13 + 1e-9
    assert mean @ at_budget == pytest.approx(mean @ reference, abs=1e-6)


def test_the_analysis_takes_targets_with_group_bounds(project: Project) -> None:
    add_table(project, "wide", wide_returns())
    add_table(
        project, "sectors", pd.DataFrame({"asset": ASSETS, "group": ["risky", "safe", "risky", "safe"]})
    )
    asked = spec(groups_table="sectors", group_bounds=(("risky", 0.0, 0.3),), target_returns=(0.04, 0.5),
                 target_volatilities=(0.06,))  # fmt: skip
    table = analyze_risk_return(project, asked)
    targets = table.frame[table.frame["source"].str.startswith("target")]
    assert list(targets["candidate_id"]) == ["target-return-4.0000%", "target-volatility-6.0000%"]
    weights = targets[[f"weight_{a}" for a in ASSETS]].to_numpy()
    assert (weights[:, 0] + weights[:, 2] <= 0.3 + 1e-9).all()
    assert targets["volatility"].iloc[1] <= 0.06 + 1e-9 and targets["return"].iloc[0] >= 0.04 - 1e-9
    front = table.frame[table.frame["source"] == "frontier"]
    # the target-volatility portfolio sits on the constrained frontier: no frontier point beats it
    cheaper = front[front["volatility"] <= targets["volatility"].iloc[1] + 1e-12]
    assert cheaper["return"].max() <= targets["return"].iloc[1] + 1e-9
    assert [i["value"] for i in table.notes["infeasible_targets"]] == [0.5]
