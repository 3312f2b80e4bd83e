"""OPE shortlists a practitioner can act on (issue 19, observations 2-7 and the risk metrics)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from tradeoff_studio.core import analysis_workflows as flows
from tradeoff_studio.core.analyses.candidates import AnalysisError, Objective
from tradeoff_studio.core.analyses.ope import OpeSpec, analyze_ope, top_k_metrics
from tradeoff_studio.core.decisions.card import card_lines
from tradeoff_studio.core.decisions.preferences import Constraint, DecisionError, Preferences
from tradeoff_studio.core.project import Project
from tradeoff_studio.core.sql import ident


def add_table(project: Project, name: str, frame: pd.DataFrame) -> None:
    project.con.register("incoming", frame)
    project.con.execute(f"CREATE TABLE {ident(name)} AS SELECT * FROM incoming")
    project.con.unregister("incoming")


def frame_of(
    truth: dict[str, float], estimates: dict[str, dict[str, float]], behaviour: str = "b"
) -> pd.DataFrame:
    rows = [
        {"policy": p, "est": e, "estimate": v, "truth": truth[p], "is_b": p == behaviour}
        for e, values in estimates.items()
        for p, v in values.items()
    ]
    return pd.DataFrame(rows)


def spec(table: str = "ope", **changes: object) -> OpeSpec:
    columns = {"policy": "policy", "estimator": "est", "estimate": "estimate", "true_value": "truth",
               "behaviour": "is_b", "resamples": 200} | changes  # fmt: skip
    return OpeSpec(table, **columns)  # type: ignore[arg-type]


# Like the Open Bandit sample: the logger is worth 0.0038, every candidate less.
WORSE_TRUTH = {"b": 0.0038, "p1": 0.0024, "p2": 0.0020, "p3": 0.0011, "p4": 0.0030}
WORSE_EST = {"IPW": {"b": 0.0038, "p1": 0.0040, "p2": 0.0031, "p3": 0.0012, "p4": 0.0025}}


def decide_card(project: Project, name: str, prefs: Preferences, candidate: str | None = None) -> dict:
    record = flows.decide(project, name, rationale="test", preferences=prefs, candidate_id=candidate)
    return record.to_dict()


def test_observation2_shortlist_below_the_behaviour_policy_is_named_as_a_risk(project: Project) -> None:
    add_table(project, "ope", frame_of(WORSE_TRUTH, WORSE_EST))
    flows.analyze_ope(project, spec(), name="obp")
    decision = decide_card(project, "obp", Preferences(), candidate="IPW@2")
    risks = [r for r in decision["evidence"]["risks"] if r.get("kind") == "below_behaviour"]
    assert len(risks) == 1
    risk = risks[0]
    assert risk["best_at_k"] == pytest.approx(0.0024) and risk["behaviour_value"] == pytest.approx(0.0038)
    assert risk["first_pick"] == "p1" and risk["first_pick_value"] == pytest.approx(0.0024)
    assert risk["probability"] == 1.0  # no resample of these policies beats the logger
    text = "\n".join(card_lines(decision))
    assert (
        "Below behaviour: the best of the shortlist (0.0024) is below the behaviour policy b (0.0038)" in text
    )
    assert "P(best@k < behaviour) = 100.0%" in text


def test_no_below_behaviour_risk_when_every_resample_beats_it(project: Project) -> None:
    truth = {"b": 0.0, "p1": 3.0, "p2": 2.0, "p3": 1.0}
    add_table(project, "ope", frame_of(truth, {"A": {"b": 0.0, "p1": 0.9, "p2": 0.5, "p3": 0.1}}))
    flows.analyze_ope(project, spec(), name="good")
    decision = decide_card(project, "good", Preferences(), candidate="A@3")
    assert not [r for r in decision["evidence"]["risks"] if r.get("kind") == "below_behaviour"]


def test_observation3_every_candidate_names_its_policies_in_rank_order(project: Project) -> None:
    add_table(project, "ope", frame_of(WORSE_TRUTH, WORSE_EST))
    table = analyze_ope(project, spec())
    policies = table.frame.set_index("candidate_id")["policies"].map(json.loads)
    assert policies["IPW@2"] == ["p1", "p2"] and policies["IPW@4"] == ["p1", "p2", "p4", "p3"]
    flows.analyze_ope(project, spec(), name="named")
    decision = decide_card(project, "named", Preferences(), candidate="IPW@3")
    assert decision["evidence"]["candidate"]["policies"] == ["p1", "p2", "p4"]
    assert all(item["knob"] != item["objective"] for item in decision["evidence"]["sensitivity"])
    lines = card_lines(decision)
    assert "Shortlist: A/B test these 3 policies (in the estimator's rank order): p1, p2, p4" in lines


def many_policies(n: int = 8) -> pd.DataFrame:
    """n policies whose truth rises with the index; estimator A ranks them well, B badly."""
    truth = {"b": 0.5} | {f"p{i}": 0.3 + 0.05 * i for i in range(n)}
    a = {"b": 0.5} | {f"p{i}": 0.3 + 0.05 * i + 0.02 * ((i * 7) % 3) for i in range(n)}
    b = {"b": 0.5} | {f"p{i}": 0.6 - 0.03 * i for i in range(n)}
    return frame_of(truth, {"A": a, "B": b})


def test_observation4_k_is_a_cost_so_the_front_is_not_just_k_equals_n(project: Project) -> None:
    # A ranks the best and the worst first: SharpeRatio@k rises with k, so each k buys something.
    truth = {"b": 0.0, "p0": 10.0, "p1": 0.0, "p2": 5.0, "p3": 5.0, "p4": 5.0}
    add_table(project, "ope", frame_of(truth, {"A": {"b": 0, "p0": 9, "p1": 8, "p2": 7, "p3": 6, "p4": 5}}))
    table = analyze_ope(project, spec())
    assert [str(o) for o in table.objectives] == ["sharpe_ratio_at_k:max", "k:min"]
    front = table.frame[table.frame["on_front"]].set_index("candidate_id")
    assert list(front.index) == ["A@2", "A@3", "A@4", "A@5"]
    assert front["sharpe_ratio_at_k"].tolist() == pytest.approx(
        [2.0, 10 / np.std([10, 0, 5]), 10 / np.std([10, 0, 5, 5]), 10 / np.std([10, 0, 5, 5, 5])]
    )
    only_sharpe = analyze_ope(project, spec(objectives=(Objective("sharpe_ratio_at_k", "max"),)))
    assert only_sharpe.frame.loc[only_sharpe.frame["on_front"], "k"].tolist() == [5]  # "test everything"


def test_observation4_k_max_limits_the_shortlists_and_names_the_policy_count(project: Project) -> None:
    add_table(project, "ope", many_policies())
    assert analyze_ope(project, spec()).frame["k"].max() == 8
    limited = analyze_ope(project, spec(k_max=4))
    assert sorted(set(limited.frame["k"])) == [2, 3, 4] and limited.notes["k_max"] == 4
    with pytest.raises(
        AnalysisError, match=r"only 8 policies besides the behaviour policy, so k runs from 2 to 8"
    ):
        analyze_ope(project, spec(k_max=20))


def test_observation4_resamples_level_and_seed_are_used_and_stored(project: Project) -> None:
    add_table(project, "ope", many_policies())
    one = analyze_ope(project, spec(resamples=100, ci_level=0.8, seed=1))
    two = analyze_ope(project, spec(resamples=100, ci_level=0.8, seed=2))
    wide = analyze_ope(project, spec(resamples=100, ci_level=0.99, seed=1))
    assert one.notes["bootstrap"]["resamples"] == 100 and one.notes["bootstrap"]["seed"] == 1
    assert one.notes["ci_level"] == 0.8
    assert not np.allclose(one.frame["mean_at_k_lo"], two.frame["mean_at_k_lo"])
    assert (wide.frame["mean_at_k_lo"] <= one.frame["mean_at_k_lo"]).all()
    assert (wide.frame["mean_at_k_lo"] < one.frame["mean_at_k_lo"]).any()


def test_observation5_scope_rl_convention_clips_and_uses_ddof_1(project: Project) -> None:
    truth = {"b": 5.0, "p1": 3.0, "p2": 2.0, "p3": 0.0}
    add_table(project, "ope", frame_of(truth, {"A": {"b": 5.0, "p1": 0.9, "p2": 0.5, "p3": 0.1}}))
    paper = analyze_ope(project, spec()).frame.set_index("candidate_id")
    scope = analyze_ope(project, spec(convention="scope-rl"))
    frame = scope.frame.set_index("candidate_id")
    assert paper.loc["A@2", "sharpe_ratio_at_k"] == pytest.approx((3 - 5) / 0.5)  # negative, as the paper
    assert paper.loc["A@2", "std_at_k"] == pytest.approx(0.5)
    assert frame.loc["A@2", "std_at_k"] == pytest.approx(math.sqrt(0.5))  # ddof = 1
    assert frame.loc["A@2", "sharpe_ratio_at_k"] == 0.0  # max(3 - 5, 0) / std
    assert frame.loc["A@3", "std_at_k"] == pytest.approx(np.std([3.0, 2.0, 0.0], ddof=1))
    assert scope.notes["convention"] == "scope-rl" and "ops.py" in scope.notes["convention_text"]
    assert "2311.18207" in analyze_ope(project, spec()).notes["convention_text"]
    assert set(frame["convention"]) == {"scope-rl"}


def test_observation6_two_policies_give_an_unreliable_interval_not_a_point(project: Project) -> None:
    truth = {"b": 0.1, "p1": 0.2, "p2": 0.25}
    add_table(project, "ope", frame_of(truth, {"A": {"b": 0.1, "p1": 0.3, "p2": 0.2}}))
    table = analyze_ope(project, spec(resamples=400))
    row = table.frame.iloc[0]
    defined = int(row["sharpe_ratio_at_k_resamples_defined"])
    assert 100 < defined < 300  # half the resamples draw one policy twice: std@k = 0
    assert not row["sharpe_ratio_at_k_ci_reliable"]
    assert math.isnan(row["sharpe_ratio_at_k_lo"]) and math.isnan(row["sharpe_ratio_at_k_hi"])
    assert table.notes["unreliable_intervals"] == ["A@2"]
    assert table.notes["undefined_sharpe_resamples"] == 400 - defined
    assert any("no reliable SharpeRatio@k interval" in line for line in table.notes["warnings"])
    flows.analyze_ope(project, spec(resamples=400), name="two")
    decision = decide_card(project, "two", Preferences(), candidate="A@2")
    kinds = [r.get("kind") for r in decision["evidence"]["risks"]]
    assert "unreliable_interval" in kinds
    text = "\n".join(card_lines(decision))
    assert "interval unreliable" in text and "0.1905–0.1905" not in text
    with pytest.raises(DecisionError, match="No candidate meets every constraint"):
        at95 = Preferences(constraints=(Constraint.parse("sharpe_ratio_at_k>=0@95"),))
        flows.decide(project, "two", rationale="x", preferences=at95)


def test_observation7_impossible_estimates_are_flagged(project: Project) -> None:
    truth = {"b": 0.1, "p1": 0.2, "p2": 0.25, "p3": 0.05}
    add_table(project, "ope", frame_of(truth, {"A": {"b": 0.1, "p1": -0.5, "p2": 0.2, "p3": 1.4}}))
    table = analyze_ope(project, spec(value_range=(0.0, 1.0)))
    flagged = {(item["policy"], item["value"]) for item in table.notes["implausible"]}
    assert flagged == {("p1", -0.5), ("p3", 1.4)}
    assert (
        "2 value(s) lie outside the possible range [0, 1]: A on p1: -0.5; A on p3: 1.4"
        in table.notes["warnings"][0]
    )
    assert analyze_ope(project, spec()).notes["implausible"] == []  # no range known
    with pytest.raises(AnalysisError, match="LOW < HIGH"):
        analyze_ope(project, spec(value_range=(1.0, 0.0)))


def test_observation7_the_range_is_read_from_an_estimate_tables_reward_columns(project: Project) -> None:
    frame = frame_of({"b": 0.1, "p1": 0.2, "p2": 0.3}, {"A": {"b": 0.1, "p1": -0.5, "p2": 0.2}})
    add_table(project, "ope", frame.assign(reward_min=0.0, reward_max=1.0))
    table = analyze_ope(project, spec())
    assert table.notes["value_range"] == [0.0, 1.0] and len(table.notes["implausible"]) == 1


def test_observation7_k_above_the_policies_names_their_number(
    project: Project, state: Callable[[Project], object]
) -> None:
    add_table(project, "ope", many_policies())
    flows.analyze_ope(project, spec(), name="eight")
    before = state(project)
    prefs = Preferences(constraints=(Constraint.parse("k>=20"),))
    with pytest.raises(DecisionError, match="there are only 8 policies besides the behaviour policy"):
        flows.decide(project, "eight", rationale="x", preferences=prefs)
    assert state(project) == before
    fine = flows.decide(
        project, "eight", rationale="x", preferences=Preferences(constraints=(Constraint.parse("k>=5"),))
    )
    assert fine.candidate_id.endswith(("@5", "@6", "@7", "@8"))


def test_risk_metrics_by_hand() -> None:
    estimates = np.array([0.9, 0.8, 0.7, 0.6, 0.5])
    values = np.array([4.0, 1.0, 3.0, 0.0, 2.0])
    out, first = top_k_metrics(estimates, values, 1.5, cvar_alpha=0.3)
    assert first == 4.0
    at4 = out[2]  # k = 4: values 4, 1, 3, 0
    names = ("cvar_at_k", "lower_quartile_at_k", "safety_violation_rate_at_k", "regret_at_k")
    from tradeoff_studio.core.analyses.ope import METRICS

    got = {name: at4[METRICS.index(name)] for name in names}
    assert got["cvar_at_k"] == pytest.approx(np.mean([0.0, 1.0]))  # ceil(0.3 * 4) = 2 lowest
    assert got["lower_quartile_at_k"] == pytest.approx(np.quantile([4, 1, 3, 0], 0.25))
    assert got["safety_violation_rate_at_k"] == pytest.approx(0.5)  # 1 and 0 below 1.5
    assert got["regret_at_k"] == 0.0
    at2 = out[0]
    assert at2[METRICS.index("regret_at_k")] == 0.0 and at2[METRICS.index("cvar_at_k")] == 1.0
    safer, _ = top_k_metrics(estimates, values, 1.5, safety_threshold=0.5)
    assert safer[2, METRICS.index("safety_violation_rate_at_k")] == pytest.approx(0.25)


def test_estimator_selection_figures_match_their_definitions(project: Project) -> None:
    add_table(project, "ope", many_policies())
    table = analyze_ope(project, spec())
    frame = many_policies()
    rest = frame[frame["policy"] != "b"]
    truth = rest[rest["est"] == "A"]["truth"].to_numpy()
    for name in ("A", "B"):
        est = rest[rest["est"] == name]["estimate"].to_numpy()
        figures = table.notes["estimator_selection"][name]
        mse = np.mean((est - truth) ** 2)
        assert figures["mse"] == pytest.approx(mse, abs=1e-15)
        assert figures["nmse"] == pytest.approx(mse / (truth.max() - truth.min()) ** 2)
        assert figures["rank_correlation"] == pytest.approx(spearmanr(est, truth).statistic)
        assert figures["regret_at_1"] == pytest.approx(truth.max() - truth[np.argmax(est)])
    assert "regret_at_k" in table.metrics


def test_without_true_values_each_estimator_is_judged_on_its_own_estimates(project: Project) -> None:
    frame = frame_of({"b": 0, "p1": 0, "p2": 0, "p3": 0},
                     {"A": {"b": 1.0, "p1": 3.0, "p2": 2.0, "p3": 0.0},
                      "B": {"b": 0.5, "p1": 0.2, "p2": 0.7, "p3": 0.8}}).drop(columns="truth")  # fmt: skip
    add_table(project, "est", frame)
    table = analyze_ope(
        project, spec("est", true_value=None, objectives=(Objective("sharpe_ratio_at_k", "max"),))
    )
    rows = table.frame.set_index("candidate_id")
    assert rows.loc["A@2", "best_at_k"] == 3.0 and rows.loc["A@2", "sharpe_ratio_at_k"] == pytest.approx(4.0)
    assert rows.loc["B@2", "behaviour_value"] == 0.5 and rows.loc["B@2", "best_at_k"] == 0.8
    assert "regret_at_k" not in rows and table.notes["estimator_selection"] is None
    assert "own estimates" in table.notes["values"]
    with pytest.raises(AnalysisError, match="regret_at_k needs true values"):
        analyze_ope(project, spec("est", true_value=None, objectives=(Objective("regret_at_k", "min"),)))


def test_an_older_ope_analysis_without_the_new_columns_still_decides(project: Project) -> None:
    from dataclasses import replace

    from tradeoff_studio.core.decisions.ope_risks import ope_risks

    add_table(project, "ope", frame_of(WORSE_TRUTH, WORSE_EST))
    table = analyze_ope(project, spec())
    new_columns = ["policies", "behaviour_value", "first_pick_value", "p_below_behaviour",
                   "sharpe_ratio_at_k_ci_reliable"]  # fmt: skip
    older = replace(table, frame=table.frame.drop(columns=new_columns))
    assert ope_risks(older, "IPW@2") == []
    assert "below_behaviour" in [r.kind for r in ope_risks(table, "IPW@2")]
