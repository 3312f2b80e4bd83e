"""Stated conventions (issue #16, observation 9): what every figure means, stored with the analysis."""

from __future__ import annotations

import numpy as np
import pytest

from support.returns_tables import add_table, spec, wide_returns
from tradeoff_studio.core.analyses.risk_return.analysis import analyze_risk_return
from tradeoff_studio.core.analyses.risk_return.conventions import convention_lines
from tradeoff_studio.core.project import Project


def test_conventions_are_stored_and_match_the_figures(project: Project) -> None:
    frame = wide_returns(300).assign(gold=lambda f: f["gold"].where(f.index % 100 != 5))
    add_table(project, "wide", frame)
    table = analyze_risk_return(
        project, spec(risk_free=0.0252, cvar_level=0.9, split="0.8", source={"drop_missing": True})
    )
    stated = table.notes["conventions"]
    assert stated["return_type"] == "simple returns, as given" and stated["periods_per_year"] == 252
    assert stated["ddof"] == 1 and stated["risk_free"]["per_period"] == pytest.approx(0.0001)
    assert stated["cvar"] == {
        "level": 0.9,
        "horizon": "one period (daily)",
        "units": "fraction of wealth, positive = loss, per period, not annualised",
        "tail": "mean loss over the worst 10.0% of periods",
    }
    assert stated["covariance"] == {"estimator": "sample", "shrinkage": 0.0}
    assert stated["figures"]["oos_*"] == "realised on the test window"
    assert "rebalancing every period" in stated["rebalancing"]
    assert "--drop-missing removed 3 date(s)" in stated["missing_dates"]
    # the statements are true: volatility uses ddof=1 and CVaR is the per-period tail loss
    row = table.frame.set_index("candidate_id").loc["equal-weight"]
    kept = frame.dropna().iloc[: table.notes["windows"]["fit"][2]]
    series = kept[["stocks", "bonds", "gold", "cash"]].to_numpy().mean(axis=1)
    assert row["volatility"] == pytest.approx(series.std(ddof=1) * np.sqrt(252), rel=1e-9)
    ordered, tail = np.sort(series), 0.1 * len(series)  # the worst 10% of periods, the boundary one in part
    whole = int(tail)
    assert row["cvar"] == pytest.approx(-(ordered[:whole].sum() + (tail - whole) * ordered[whole]) / tail)
    lines = convention_lines(table.notes)
    assert lines[0].startswith("Conventions: simple returns, as given; 252 periods a year; std with ddof=1")
    assert any(
        "CVaR at 90%: mean loss over the worst 10.0% of periods, horizon one period (daily)" in x
        for x in lines
    )


def test_ledoit_wolf_volatility_is_stated_as_the_model(project: Project) -> None:
    add_table(project, "wide", wide_returns(120))
    table = analyze_risk_return(project, spec(covariance="ledoit-wolf"))
    figures = table.notes["conventions"]["figures"]
    assert (
        "Ledoit-Wolf covariance" in figures["volatility"]
        and "not the sample standard deviation" in figures["volatility"]
    )
    assert figures["oos_*"] == "none (no --split)"


def test_a_given_period_count_states_the_horizon_as_a_share_of_a_year(project: Project) -> None:
    add_table(project, "wide", wide_returns(120))
    stated = analyze_risk_return(project, spec(periods_per_year=260)).notes["conventions"]
    assert stated["cvar"]["horizon"] == "one period (1/260 of a year)" and stated["periods_per_year"] == 260
