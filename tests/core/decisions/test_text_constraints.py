"""Issue #18, observation 9: constraints on text columns (``mode == 'verified'``)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from tradeoff_studio.core.analyses.candidates import CandidateTable
from tradeoff_studio.core.decisions.card import card_lines
from tradeoff_studio.core.decisions.dry_run import dry_run_dict
from tradeoff_studio.core.decisions.evidence import evaluate
from tradeoff_studio.core.decisions.preferences import Constraint, DecisionError, Preferences
from tradeoff_studio.core.decisions.text_constraints import TextConstraint, parse_constraint

MakeTable = Callable[..., CandidateTable]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mode == 'verified'", TextConstraint("mode", "==", ("verified",))),
        ("mode=='verified'", TextConstraint("mode", "==", ("verified",))),
        ("mode != 'draft'", TextConstraint("mode", "!=", ("draft",))),
        ("mode in ('a', 'b')", TextConstraint("mode", "in", ("a", "b"))),
        ("mode IN ('a','b',)", TextConstraint("mode", "in", ("a", "b"))),
        ("\"judge mode\" == 'it''s'", TextConstraint("judge mode", "==", ("it's",))),
        ("provider == 'a, b (c)'", TextConstraint("provider", "==", ("a, b (c)",))),
        ("agreement >= 68", Constraint("agreement", ">=", 68.0)),
        ('"latency [ms]" <= 5', Constraint("latency [ms]", "<=", 5.0)),
        ("latency [ms] <= 5", Constraint("latency [ms]", "<=", 5.0)),
    ],
)
def test_parse_either_form(text: str, expected: object) -> None:
    assert parse_constraint(text) == expected


def test_text_form_round_trips() -> None:
    for text in ("mode == 'verified'", "mode in ('a', 'b')", "\"judge mode\" != 'it''s'"):
        assert str(parse_constraint(text)) == text
        assert parse_constraint(str(parse_constraint(text))) == parse_constraint(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mode = 'verified'", "should read COL == 'text'"),
        ("mode == verified", "should read METRIC OP NUMBER"),
        ("mode in ('a', b)", "should read COL == 'text'"),
    ],
)
def test_malformed_text_constraints_say_the_forms(text: str, message: str) -> None:
    with pytest.raises(DecisionError, match=message):
        parse_constraint(text)


@pytest.fixture
def judges(make_table: MakeTable) -> CandidateTable:
    return make_table(
        {"candidate_id": ["a", "b", "c", "d"], "mode": ["draft", "verified", "verified", None],
         "agreement": [71.0, 68.0, 60.0, 72.0], "price": [2.5, 2.0, 1.0, 9.0]},
        "agreement:max,price:min",
        knobs=["mode"],
    )  # fmt: skip


def test_text_constraints_filter_candidates(judges: CandidateTable) -> None:
    assert parse_constraint("mode == 'verified'").satisfied(judges).tolist() == [False, True, True, False]
    assert parse_constraint("mode != 'verified'").satisfied(judges).tolist() == [True, False, False, False]
    one_of = parse_constraint("mode in ('draft', 'x')")
    assert one_of.satisfied(judges).tolist() == [True, False, False, False]


def test_a_decision_under_a_text_constraint(judges: CandidateTable) -> None:
    prefs = Preferences(constraints=(parse_constraint("mode == 'verified'"),))
    evidence = evaluate(judges, prefs)
    assert evidence.candidate_id == "b"  # without the constraint: a (draft)
    summary = evidence.recommendation
    assert summary.n_feasible == 2
    assert [b.constraint for b in summary.binding] == ["mode == 'verified'"]  # relaxing it allows better
    assert summary.binding[0].slack is None and "slack" not in summary.binding[0].text()
    check = evidence.constraints[0]
    assert check["slack"] is None and check["estimate"] == "verified"
    text = "\n".join(card_lines(dry_run_dict("j", prefs, evidence)))
    assert "mode == 'verified': holds (mode = 'verified')" in text


def test_text_constraints_on_unknown_or_numeric_columns_are_refused(judges: CandidateTable) -> None:
    with pytest.raises(DecisionError, match=r"'tier', which is not a column.*Its text and knob columns: "):
        evaluate(judges, Preferences(constraints=(parse_constraint("tier == 'x'"),)))
    with pytest.raises(DecisionError, match=r"holds numbers\. Write price>=NUMBER"):
        evaluate(judges, Preferences(constraints=(parse_constraint("price == 'cheap'"),)))
    assert np.array_equal(parse_constraint("agreement>=68").satisfied(judges), [True, True, False, True])
