"""Rules as an analyst must read them: which read the protected attribute, which are degenerate,
identical rules merged, the favourable outcome, binned sensitive columns, per-group evidence."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from tradeoff_studio.core.analyses.candidates import AnalysisError, Objective
from tradeoff_studio.core.analyses.fairness import FairnessSpec, analyze_fairness
from tradeoff_studio.core.analyses.fairness.cells import curves
from tradeoff_studio.core.analyses.fairness.evidence import group_evidence
from tradeoff_studio.core.analyses.fairness.metrics import evaluate
from tradeoff_studio.core.analyses.fairness.policies import PolicySet, distinct
from tradeoff_studio.core.decisions.evidence import evaluate as decide_on
from tradeoff_studio.core.decisions.evidence import plain
from tradeoff_studio.core.decisions.preferences import Constraint, Preferences
from tradeoff_studio.core.project import Project

SENSITIVE = ["sex", "region"]
#: Two groups × four bins × (negative, positive) weights.
WEIGHT = np.array(
    [[[3.0, 1.0], [2.0, 2.0], [1.0, 3.0], [0.0, 4.0]], [[4.0, 0.0], [3.0, 1.0], [2.0, 2.0], [1.0, 1.0]]]
)


def test_identical_rules_are_merged_keeping_the_simplest() -> None:
    found = curves(WEIGHT)
    policies = PolicySet.concat(
        [
            PolicySet(["randomized"], np.array([[1, 1]]), np.array([[3, 3]]), np.array([[0.0, 0.0]])),
            PolicySet.deterministic("group", np.array([[1, 1], [1, 2]])),
            PolicySet.uniform("global", np.array([1, 2]), 2),
        ],
        2,
    )
    policies = PolicySet(
        ["randomized", "group", "group", "global", "global"], policies.lo, policies.hi, policies.p_hi
    )
    assert policies.uses_attribute().tolist() == [False, False, True, False, False]
    kept, merged = distinct(policies, found)
    assert merged == 2 and kept.policy == ["group", "global", "global"]
    assert kept.lo.tolist() == [[1, 2], [1, 1], [2, 2]]


def test_favourable_outcome_is_not_being_selected() -> None:
    found = curves(WEIGHT)
    policy = PolicySet.uniform("global", np.array([2]), 2)
    tp, fp = policy.gather(found.tp), policy.gather(found.fp)
    selected = evaluate(tp, fp, found.pos, found.neg, 1.0)
    unselected = evaluate(tp, fp, found.pos, found.neg, 1.0, favorable_selected=False)
    rates = np.array([8 / 16, 6 / 14])  # share selected per group at position 2
    assert selected["dp_ratio"][0] == pytest.approx(rates.min() / rates.max())
    assert unselected["dp_ratio"][0] == pytest.approx((1 - rates).min() / (1 - rates).max())
    assert unselected["dp_difference"][0] == pytest.approx(selected["dp_difference"][0])
    assert unselected["selection_rate"][0] == pytest.approx(1 - selected["selection_rate"][0])
    nobody = PolicySet.uniform("global", np.array([4]), 2)
    values = evaluate(nobody.gather(found.tp), nobody.gather(found.fp), found.pos, found.neg, 1.0)
    assert np.isnan(values["dp_ratio"][0])  # no group selects anyone: undefined, not 1.0


def test_candidates_say_what_their_rule_is(project: Project, random_table: Any) -> None:
    random_table(n=1500, seed=4)
    spec = FairnessSpec(
        "t", "y", SENSITIVE, ["score"], bootstrap=0, policies=["global", "group", "randomized"]
    )
    frame = analyze_fairness(project, spec).candidates.frame
    glob = frame[frame["policy"] == "global"]
    assert not glob["uses_protected_attribute"].any()
    assert glob["rule"].iloc[-1] == "nobody selected" and glob["rule"].iloc[0] == "everybody selected"
    assert glob["degenerate"].iloc[-1] and glob["degenerate"].iloc[0]
    assert glob["rule"].iloc[5] == f"score ≥ {glob['threshold'].iloc[5]:.4g}"
    group = frame[frame["policy"] == "group"]
    assert group["uses_protected_attribute"].all() and group["rule"].str.startswith("per group: ").all()
    randomized = frame[frame["policy"] == "randomized"]
    assert randomized["rule"].str.startswith("randomized per group").all()
    assert frame.loc[frame["degenerate"], ["dp_ratio", "pp_difference"]].isna().all().all()


def test_binned_sensitive_column(project: Project, make_table: Any) -> None:
    rng = np.random.default_rng(5)
    n = 1200
    age = rng.integers(18, 90, n)
    y = rng.binomial(1, 0.4, n)
    make_table("t", {"age": age, "y": y, "score": (0.3 * y + rng.random(n)).round(2)})
    with pytest.raises(AnalysisError, match="is numeric with 72 distinct values"):
        analyze_fairness(project, FairnessSpec("t", "y", ["age"], ["score"], bootstrap=0))
    spec = FairnessSpec("t", "y", ["age"], ["score"], bootstrap=0, sensitive_bins={"age": "q2"})
    result = analyze_fairness(project, spec)
    median = float(np.quantile(age, 0.5))
    groups = result.groups.set_index("group")
    assert groups.loc[f"age=< {median:g}", "rows"] == int((age < median).sum())
    assert groups.loc[f"age=≥ {median:g}", "rows"] == int((age >= median).sum())
    assert result.notes["binned"] == {"age": [f"< {median:g}", f"≥ {median:g}"]}


@pytest.mark.parametrize("mode", ["exact", "binned"])
def test_group_evidence_matches_the_analysis(project: Project, random_table: Any, mode: str) -> None:
    random_table(n=2000, seed=6, ties=False)
    spec = FairnessSpec(
        "t", "y", SENSITIVE, ["score"], bootstrap=30, policies=["global", "randomized"], mode=mode, bins=50
    )  # type: ignore[arg-type]
    result = analyze_fairness(project, spec)
    frame = result.candidates.frame
    for policy in ("global", "randomized"):
        row = frame[(frame["policy"] == policy) & ~frame["degenerate"]].iloc[3]
        candidate = {str(k): plain(v) for k, v in row.items()}
        found = group_evidence(project, json.loads(json.dumps(spec.to_dict())), candidate)
        expected = result.by_group(row["candidate_id"]).set_index("group")
        for group in found["groups"]:
            for name in ("selection_rate", "tpr", "fpr", "precision", "accuracy"):
                assert group[name] == pytest.approx(expected.loc[group["group"], name], abs=1e-12), name
                assert group[f"{name}_lo"] <= group[f"{name}_hi"]
        assert (policy == "randomized") == ("with probability" in found["groups"][0]["rule"])


def test_an_undefined_objective_is_worst_on_the_front_and_in_decisions(
    project: Project, random_table: Any
) -> None:
    random_table(n=1500, seed=7)
    objectives = [Objective("accuracy", "max"), Objective("dp_ratio", "max")]
    spec = FairnessSpec("t", "y", SENSITIVE, ["score"], bootstrap=20, objectives=objectives)
    table = analyze_fairness(project, spec).candidates
    frame = table.frame
    assert frame["degenerate"].any() and not frame.loc[frame["degenerate"], "on_front"].any()
    evidence = decide_on(table, Preferences(constraints=(Constraint.parse("dp_ratio>=0.6@95"),)))
    assert not evidence.candidate["degenerate"] and evidence.candidate["dp_ratio_lo"] >= 0.6
    assert " pp (95% CI " in evidence.tradeoffs[0].text
