"""Recommendations on hand-checked examples: each method, constraints, binding, infeasibility.

The table (a: max, b: min) has the front c0 (0, 0), c1 (0.6, 0.1), c2 (0.8, 0.4), c3 (1, 1); c4 (0.5,
0.5) is dominated by c1. Both objectives span [0, 1] on the front, so the normalised values are
u_a = a and u_b = 1 - b, and every expected choice below can be worked out by hand.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tradeoff_studio.core.analyses.candidates import CandidateTable
from tradeoff_studio.core.decisions.evidence import evaluate
from tradeoff_studio.core.decisions.preferences import Constraint, DecisionError, Preferences
from tradeoff_studio.core.decisions.recommend import assess, recommend

MakeTable = Callable[..., CandidateTable]


@pytest.fixture
def table(make_table: MakeTable) -> CandidateTable:
    return make_table(
        {
            "a": [0.0, 0.6, 0.8, 1.0, 0.5],
            "b": [0.0, 0.1, 0.4, 1.0, 0.5],
            "r": [0.9, 0.85, 0.82, 0.7, 0.9],
            "r_lo": [0.85, 0.75, 0.81, 0.6, 0.88],
            "r_hi": [0.95, 0.95, 0.83, 0.8, 0.92],
        },
        "a:max,b:min",
        notes={"ci_level": 0.95},
    )


def constraints(*texts: str) -> tuple[Constraint, ...]:
    return tuple(Constraint.parse(text) for text in texts)


@pytest.mark.parametrize(
    ("prefs", "expected"),
    [
        # sums of u: c0 1, c1 1.5, c2 1.4, c3 1
        (Preferences(method="weighted-sum"), "c1"),
        # 2·u_a + u_b: c1 2.1, c2 2.2, c3 2
        (Preferences(method="weighted-sum", weights={"a": 2}), "c2"),
        # 4·u_a + u_b: c3 4 beats c2 3.8
        (Preferences(method="weighted-sum", weights={"a": 4}), "c3"),
        # max(1-u): c1 and c2 both 0.4; the augmentation term (0.5 against 0.6) picks c1
        (Preferences(), "c1"),
        # max(1-u_a, 0.25·(1-u_b)): c1 0.4, c2 0.2, c3 0.25
        (Preferences(weights={"b": 0.25}), "c2"),
        # max(r - u) with r = (0.9, 1 - 0.5): c1 0.3, c2 0.1, c3 0.5
        (Preferences(method="reference", reference={"a": 0.9, "b": 0.5}), "c2"),
    ],
)
def test_methods_pick_the_hand_computed_candidate(
    table: CandidateTable, prefs: Preferences, expected: str
) -> None:
    recommendation = recommend(table, prefs)
    assert recommendation.candidate_id == expected
    assert recommendation.method == prefs.method
    assert recommendation.front_size == 4 and recommendation.n_feasible == 5


def test_constraint_that_does_not_change_the_choice_does_not_bind(table: CandidateTable) -> None:
    recommendation = recommend(table, Preferences(constraints=constraints("b<=0.3")))
    assert recommendation.candidate_id == "c1"
    assert recommendation.n_feasible == 2
    assert recommendation.binding == []
    assert recommendation.ruled_out == {"b<=0.3": 3}


def test_binding_constraint_names_the_better_alternative(table: CandidateTable) -> None:
    recommendation = recommend(table, Preferences(constraints=constraints("a>=0.9", "b<=1")))
    assert recommendation.candidate_id == "c3"
    [binding] = recommendation.binding
    assert binding.constraint == "a>=0.9"
    assert binding.alternative == "c1"
    assert binding.slack == pytest.approx(0.1)
    assert binding.changes == pytest.approx({"a": -0.4, "b": -0.9})
    assert "relaxing a>=0.9" in binding.text() and "candidate c1" in binding.text()


def test_constraint_with_confidence_uses_the_lower_bound(table: CandidateTable) -> None:
    point = recommend(table, Preferences(constraints=constraints("r>=0.8")))
    assert point.candidate_id == "c1" and point.binding == []
    confident = recommend(table, Preferences(constraints=constraints("r>=0.8@95")))
    # r_lo >= 0.8 leaves c0, c2, c4; the feasible front is c0, c2
    assert confident.candidate_id == "c2"
    assert (confident.n_feasible, confident.front_size) == (3, 2)
    [binding] = confident.binding
    assert binding.alternative == "c1"
    assert binding.slack == pytest.approx(0.01)
    assert binding.changes["r"] == pytest.approx(0.03)


def test_infeasible_reports_what_rules_out_the_most(table: CandidateTable) -> None:
    prefs = Preferences(constraints=constraints("b<=0.3", "a>=0.9"))
    recommendation = recommend(table, prefs)
    assert not recommendation.feasible and recommendation.candidate_id is None
    assert list(recommendation.ruled_out.items()) == [("a>=0.9", 4), ("b<=0.3", 3)]
    with pytest.raises(
        DecisionError, match=r"No candidate meets every constraint.*'a>=0.9' rules out the most"
    ):
        evaluate(table, prefs)


def test_ties_go_to_the_first_candidate(make_table: MakeTable) -> None:
    twins = make_table(
        {"candidate_id": ["z", "y", "x"], "a": [1.0, 1.0, 0.0], "b": [1.0, 1.0, 0.0]}, "a:max,b:min"
    )
    assert recommend(twins, Preferences()).candidate_id == "z"
    assert recommend(twins, Preferences(method="weighted-sum")).candidate_id == "z"


def test_three_objectives(make_table: MakeTable) -> None:
    table = make_table(
        {"x": [1.0, 0.0, 0.0, 0.5], "y": [0.0, 1.0, 0.0, 0.5], "z": [0.0, 0.0, 1.0, 0.5]}, "x:max,y:max,z:max"
    )
    assert recommend(table, Preferences()).candidate_id == "c3"
    assert recommend(table, Preferences(weights={"z": 10, "x": 0.1, "y": 0.1})).candidate_id == "c2"


def test_manual_choice_is_checked_and_binding_is_by_dominance(table: CandidateTable) -> None:
    # c4 meets r>=0.8@95; c1 breaks only that constraint and dominates c4
    recommendation = assess(table, "c4", constraints("r>=0.8@95"))
    assert recommendation.method == "manual" and recommendation.candidate_id == "c4"
    assert [b.alternative for b in recommendation.binding] == ["c1"]
    assert assess(table, "c2", constraints("r>=0.8@95")).binding == []
    with pytest.raises(DecisionError, match=r"Candidate c1 does not meet r>=0\.8@95"):
        assess(table, "c1", constraints("r>=0.8@95"))
    with pytest.raises(DecisionError, match=r"no candidate 'nope'\. Its candidates: c0, c1"):
        assess(table, "nope", ())


def test_explicit_candidate_refuses_steering_preferences(table: CandidateTable) -> None:
    with pytest.raises(DecisionError, match="with --candidate you choose yourself"):
        evaluate(table, Preferences(weights={"a": 2}), "c1")
    assert evaluate(table, Preferences(), "c3").candidate_id == "c3"
