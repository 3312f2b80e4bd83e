"""Risk–return decisions (issue #16, observation 7): every constraint is also checked out of sample."""

from __future__ import annotations

import pytest

from support.returns_tables import ASSETS, add_table, spec, wide_returns
from tradeoff_studio.core import analysis_workflows as flows
from tradeoff_studio.core.decisions.card import card_lines
from tradeoff_studio.core.decisions.preferences import Constraint, Preferences
from tradeoff_studio.core.project import Project


def calm_then_stormy(project: Project) -> str:
    """300 calm days to fit, then 100 days at three times the volatility: the cap breaks out of sample."""
    frame = wide_returns(400)
    frame.loc[300:, ASSETS] *= 3.0
    add_table(project, "wide", frame)
    return flows.analyze_risk_return(project, spec(split="0.75")).name


def test_a_cap_met_in_sample_and_broken_out_of_sample_is_a_named_risk(project: Project) -> None:
    analysis = calm_then_stormy(project)
    prefs = Preferences(constraints=(Constraint.parse("volatility<=0.05"),), weights={"volatility": 0.0})
    evidence = flows.evaluate_decision(project, analysis, prefs)
    chosen = evidence.candidate
    assert chosen["volatility"] <= 0.05 < chosen["oos_volatility"]
    breach = [risk.to_dict() for risk in evidence.risks if risk.to_dict()["sample"] == "out-of-sample"]
    assert len(breach) == 1 and breach[0]["constraint"] == "volatility<=0.05"
    assert breach[0]["value"] == pytest.approx(chosen["oos_volatility"])
    assert breach[0]["in_sample"] == pytest.approx(chosen["volatility"])
    assert breach[0]["text"].startswith(
        f"volatility<=0.05 is broken out of sample: {chosen['oos_volatility']:.4g} on the test window (95% CI"
    )
    assert all(r.to_dict()["sample"] in {"in-sample", "out-of-sample"} for r in evidence.risks)
    record = flows.decide(project, analysis, preferences=prefs, rationale="5% volatility budget")
    card = "\n".join(card_lines(record.to_dict()))
    assert "is broken out of sample" in card


def test_no_out_of_sample_risk_when_the_test_window_keeps_the_constraint(project: Project) -> None:
    analysis = calm_then_stormy(project)
    prefs = Preferences(constraints=(Constraint.parse("volatility<=0.5"),))
    evidence = flows.evaluate_decision(project, analysis, prefs)
    assert evidence.candidate["oos_volatility"] <= 0.5
    assert [r for r in evidence.risks if r.to_dict()["sample"] == "out-of-sample"] == []


def test_a_return_floor_picks_the_minimum_risk_portfolio_that_meets_it(project: Project) -> None:
    analysis = calm_then_stormy(project)
    table = flows.get_candidates(project, analysis).frame
    floor = float(table["return"].quantile(0.5))
    record = flows.decide(
        project, analysis, preferences=Preferences(constraints=(Constraint.parse(f"return>={floor}"),)),
        rationale="at least the median return, at the least risk",
    )  # fmt: skip
    feasible = table[table["return"] >= floor]
    assert record.candidate_id == feasible.loc[feasible["volatility"].idxmin(), "candidate_id"]
    assert record.preferences["weights"] == {"return": 0.0}  # the weights used are stored
    assert "weights return=0" in "\n".join(card_lines(record.to_dict()))


def test_a_volatility_cap_picks_the_highest_return_under_it_unless_weights_are_given(
    project: Project,
) -> None:
    analysis = calm_then_stormy(project)
    table = flows.get_candidates(project, analysis).frame
    cap = Preferences(constraints=(Constraint.parse("volatility<=0.05"),))
    chosen = flows.evaluate_decision(project, analysis, cap).candidate_id
    under = table[table["volatility"] <= 0.05]
    assert chosen == under.loc[under["return"].idxmax(), "candidate_id"]
    least_risk = Preferences(constraints=cap.constraints, weights={"return": 0.0})  # given weights rule
    picked = flows.evaluate_decision(project, analysis, least_risk).candidate
    assert (
        picked["volatility"] == pytest.approx(table["volatility"].min()) and picked["candidate_id"] != chosen
    )
    both = Preferences(constraints=(*cap.constraints, Constraint.parse("return>=0.01")))
    both_constrained = flows.decide(project, analysis, preferences=both, rationale="both bounded")
    assert both_constrained.preferences["weights"] == {}  # every objective constrained: equal weights


def test_relaxing_a_cap_names_the_next_candidate_along_the_front(project: Project) -> None:
    analysis = calm_then_stormy(project)
    table = flows.get_candidates(project, analysis).frame
    cap = Preferences(constraints=(Constraint.parse("volatility<=0.05"),))
    binding = flows.evaluate_decision(project, analysis, cap).recommendation.binding
    assert len(binding) == 1
    front = table[table["on_front"]]
    past = front[front["volatility"] > 0.05]
    assert (
        binding[0].alternative == past.loc[past["return"].idxmax(), "candidate_id"]
    )  # the unconstrained best
    nearest = past.loc[past["volatility"].idxmin()]
    assert binding[0].nearest == nearest["candidate_id"] != binding[0].alternative
    chosen = flows.evaluate_decision(project, analysis, cap).candidate
    assert binding[0].nearest_changes["return"] == pytest.approx(nearest["return"] - chosen["return"])
    assert f"; the next candidate past the bound is {nearest['candidate_id']}: return +" in binding[0].text()
