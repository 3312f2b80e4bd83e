"""Walk-forward backtest: rules re-fitted at each rebalance, drift, turnover and costs (issue #16)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from support.returns_tables import ASSETS, add_table, spec, wide_returns
from tradeoff_studio.core.analyses.candidates import AnalysisError, Objective
from tradeoff_studio.core.analyses.risk_return.analysis import analyze_risk_return
from tradeoff_studio.core.analyses.risk_return.backtest import Backtest, rebalance_indices
from tradeoff_studio.core.analyses.risk_return.kind import build
from tradeoff_studio.core.analyses.risk_return.measure_frontier import GroupBound, measure_frontier
from tradeoff_studio.core.project import Project

GIVEN = pd.DataFrame({"portfolio": ["p", "p"], "asset": ["stocks", "bonds"], "weight": [0.6, 0.4]})


def test_rebalance_dates_are_month_or_quarter_starts_or_every_n() -> None:
    dates = np.array(["2021-01-28", "2021-01-29", "2021-02-01", "2021-02-02", "2021-03-01", "2021-04-01"],
                     dtype="datetime64[D]")  # fmt: skip
    assert rebalance_indices(dates, "monthly", 1) == [1, 2, 4, 5]
    assert rebalance_indices(dates, "quarterly", 1) == [1, 5]
    assert rebalance_indices(dates, "2", 1) == [1, 3, 5]
    with pytest.raises(AnalysisError, match="--rebalance expects monthly, quarterly or a whole number"):
        rebalance_indices(dates, "weekly", 1)


def _run(project: Project, backtest: Backtest, **changes: object) -> pd.DataFrame:
    add_table(project, "wide", wide_returns())
    add_table(project, "given", GIVEN)
    return analyze_risk_return(project, spec(weights_table="given", backtest=backtest, **changes)).frame


def test_a_given_portfolio_rebalanced_every_period_earns_its_fixed_weight_returns(project: Project) -> None:
    frame = _run(project, Backtest("1", window=60, cost_bps=0.0))
    row = frame[frame["source"] == "given"].iloc[0]
    daily = wide_returns()[ASSETS].to_numpy()[60:] @ np.array([0.6, 0.4, 0.0, 0.0])
    assert row["wf_return"] == pytest.approx(daily.mean() * 252, rel=1e-12)
    assert row["wf_volatility"] == pytest.approx(daily.std(ddof=1) * np.sqrt(252), rel=1e-12)
    wealth = np.cumprod(1 + daily)
    assert row["wf_max_drawdown"] == pytest.approx(
        (1 - wealth / np.maximum.accumulate(np.maximum(wealth, 1))).max()
    )
    assert row["wf_costs"] == 0.0 and row["wf_turnover"] > 0.0  # drift is traded back every period


def test_holdings_drift_between_rebalances_and_costs_come_off_the_return(project: Project) -> None:
    frame = _run(project, Backtest("1000", window=60, cost_bps=0.0))  # one rebalance: buy and hold
    row = frame[frame["source"] == "given"].iloc[0]
    growth = np.cumprod(1 + wide_returns()[ASSETS].to_numpy()[60:], axis=0)
    wealth = np.concatenate([[1.0], growth @ np.array([0.6, 0.4, 0.0, 0.0])])
    held = wealth[1:] / wealth[:-1] - 1  # the drifting portfolio's returns
    assert row["wf_return"] == pytest.approx(held.mean() * 252, rel=1e-12) and row["wf_turnover"] == 0.0
    costly = _run_again(project, Backtest("monthly", window=60, cost_bps=25.0))
    free = _run_again(project, Backtest("monthly", window=60, cost_bps=0.0))
    for source in ("given", "frontier", "named"):
        a, b = costly[costly["source"] == source], free[free["source"] == source]
        assert np.allclose(a["wf_return"], b["wf_return"] - a["wf_costs"], atol=1e-12)
        assert np.allclose(a["wf_costs"], a["wf_turnover"] * 25 / 1e4)


def _run_again(project: Project, backtest: Backtest) -> pd.DataFrame:
    return analyze_risk_return(project, spec(weights_table="given", backtest=backtest)).frame


def test_rules_are_refitted_each_window_and_targets_have_none(project: Project) -> None:
    frame = _run(project, Backtest("quarterly", window=100), target_returns=(0.05,))
    by_id = frame.set_index("candidate_id")
    first = by_id.loc["frontier-001", ["wf_return", "wf_volatility", "wf_turnover"]].to_numpy(dtype=float)
    minimum = by_id.loc["min-variance", ["wf_return", "wf_volatility", "wf_turnover"]].to_numpy(dtype=float)
    assert np.allclose(first, minimum, atol=1e-12)  # both rules are each window's minimum-variance portfolio
    assert by_id.loc["frontier-020", "wf_return"] != pytest.approx(by_id.loc["frontier-001", "wf_return"])
    assert np.isnan(frame[frame["source"] == "target return"]["wf_return"]).all()


def test_walk_forward_refusals(project: Project) -> None:
    with pytest.raises(AnalysisError, match="--window 4 needs more periods than the 4 assets"):
        _run(project, Backtest("monthly", window=4))
    with pytest.raises(AnalysisError, match="add --rebalance monthly"):
        build({"table": "wide", "values": "returns", "window": 60})


@pytest.mark.parametrize("measure", ["cvar", "cdar", "semideviation"])
def test_a_measure_frontier_is_refitted_by_its_own_program_in_the_walk_forward(
    project: Project, measure: str
) -> None:
    """Buy and hold from one rebalance: frontier point 1 holds the window's minimum-measure portfolio."""
    objectives = (Objective("return", "max"), Objective(measure, "min"))
    table = analyze_risk_return(project, _with_tables(project, Backtest("1000", window=100), objectives))
    note = table.notes["walk_forward"]
    assert note["frontier_rule"] == f"mean–{measure} HiGHS program" and measure in note["convention"]
    values = wide_returns()[ASSETS].to_numpy()
    window = values[:100]
    refit = measure_frontier(window, window.mean(axis=0) * 252, measure, points=20, lower=np.zeros(4),
                             upper=np.ones(4), periods_per_year=252)  # fmt: skip
    for k in (0, 9):
        growth = np.cumprod(1 + values[100:], axis=0) @ refit.weights[k]
        held = np.diff(np.concatenate([[1.0], growth])) / np.concatenate([[1.0], growth[:-1]])
        row = table.frame.set_index("candidate_id").loc[f"frontier-{k + 1:03d}"]
        assert row["wf_return"] == pytest.approx(held.mean() * 252, rel=1e-9)


def test_a_group_bounded_frontier_is_refitted_under_its_bounds(project: Project) -> None:
    """One rebalance: the top point holds the window's maximum return with at most 0.3 in 'risky'."""
    groups = pd.DataFrame({"asset": ASSETS, "group": ["risky", "safe", "risky", "safe"]})
    add_table(project, "sectors", groups)
    settings = _with_tables(project, Backtest("1000", window=100), None)
    settings = replace(settings, groups_table="sectors", group_bounds=(("risky", 0.0, 0.3),))
    table = analyze_risk_return(project, settings)
    assert table.notes["walk_forward"]["frontier_rule"] == (
        "mean–volatility HiGHS program with the group bounds and limits"
    )
    values = wide_returns()[ASSETS].to_numpy()
    window = values[:100]
    refit = measure_frontier(window, window.mean(axis=0) * 252, "volatility", points=20, lower=np.zeros(4),
                             upper=np.ones(4), cov=np.cov(window, rowvar=False) * 252,
                             groups=(GroupBound("risky", (0, 2), 0.0, 0.3),))  # fmt: skip
    top = refit.weights[-1]
    assert top[[0, 2]].sum() == pytest.approx(0.3, abs=1e-9)  # the bound binds at the top
    growth = np.cumprod(1 + values[100:], axis=0) @ top
    held = np.diff(np.concatenate([[1.0], growth])) / np.concatenate([[1.0], growth[:-1]])
    row = table.frame.set_index("candidate_id").loc["frontier-020"]
    assert row["wf_return"] == pytest.approx(held.mean() * 252, rel=1e-9)


def _with_tables(project: Project, backtest: Backtest, objectives: tuple[Objective, ...] | None):  # type: ignore[no-untyped-def]
    add_table(project, "wide", wide_returns())
    add_table(project, "given", GIVEN)
    extra = {} if objectives is None else {"objectives": objectives}
    return spec(weights_table="given", backtest=backtest, **extra)
