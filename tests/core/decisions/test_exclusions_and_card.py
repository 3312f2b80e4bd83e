"""Rules that are never recommended (degenerate, or using the protected attribute without the
allowance), constraint checks with slack and P(violated), and the decision card's text."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest

from tradeoff_studio.core.analyses.candidates import CandidateTable
from tradeoff_studio.core.decisions.card import card_lines, number, rule_sentence, text_table
from tradeoff_studio.core.decisions.evidence import evaluate
from tradeoff_studio.core.decisions.intervals import has_interval
from tradeoff_studio.core.decisions.preferences import Constraint, DecisionError, Preferences
from tradeoff_studio.core.decisions.recommend import recommend
from tradeoff_studio.core.decisions.risks import constraint_checks

MakeTable = Callable[..., CandidateTable]


@pytest.fixture
def flagged(make_table: MakeTable) -> CandidateTable:
    """c0 selects nobody (ratio undefined), c1 is a per-group rule, c2 and c3 are ordinary rules."""
    return make_table(
        {
            "acc": [0.6, 0.9, 0.8, 0.7],
            "gap": [0.0, 0.01, 0.05, 0.1],
            "ratio": [np.nan, 0.99, 0.9, 0.85],
            "ratio_lo": [np.nan, 0.95, 0.85, 0.7],
            "ratio_hi": [np.nan, 1.0, 0.95, 0.9],
            "uses_protected_attribute": [False, True, False, False],
            "degenerate": [True, False, False, False],
        },
        "acc:max,gap:min",
        knobs=["uses_protected_attribute", "degenerate"],
    )


def test_degenerate_and_protected_rules_are_not_recommended(flagged: CandidateTable) -> None:
    found = recommend(flagged, Preferences())
    assert found.candidate_id == "c2"
    assert found.excluded == {"degenerate": 1, "uses_protected_attribute": 1}
    allowed = recommend(flagged, Preferences(allow_protected=True))
    assert allowed.candidate_id == "c1" and allowed.excluded == {"degenerate": 1}


def test_picking_them_by_hand_is_refused_unless_allowed(flagged: CandidateTable) -> None:
    with pytest.raises(DecisionError, match="selects nobody or everybody in some group"):
        evaluate(flagged, Preferences(), "c0")
    with pytest.raises(DecisionError, match="uses the protected attribute at decision time"):
        evaluate(flagged, Preferences(), "c1")
    assert evaluate(flagged, Preferences(allow_protected=True), "c1").candidate_id == "c1"


def test_a_fairness_analysis_stored_without_the_flags_is_refused(flagged: CandidateTable) -> None:
    """Analyses stored before the flags existed: deciding on them could pick a per-group or empty rule."""
    legacy = replace(flagged, kind="fairness", frame=flagged.frame.drop(columns=["degenerate"]))
    with pytest.raises(DecisionError, match=r"stored by an earlier version.*Run the analysis again"):
        recommend(legacy, Preferences())
    with pytest.raises(DecisionError, match="lack the 'degenerate' flag"):
        evaluate(legacy, Preferences(), "c2")
    other_kind = replace(legacy, kind="generic")  # other kinds have no such flag and are not refused
    assert recommend(other_kind, Preferences()).candidate_id == "c0"


def test_undefined_values_keep_intervals_usable(flagged: CandidateTable) -> None:
    assert has_interval(flagged, "ratio") and not flagged.has_ci("ratio")
    prefs = Preferences(constraints=(Constraint.parse("ratio>=0.8@95"),))
    assert recommend(flagged, prefs).candidate_id == "c2"
    nothing = Preferences(constraints=(Constraint.parse("ratio>=0.99@95"),))
    with pytest.raises(DecisionError, match=r"rules out 4.*degenerate candidate"):
        evaluate(flagged, nothing)


def test_constraint_checks_give_slack_and_probability(flagged: CandidateTable) -> None:
    [check] = constraint_checks(flagged, "c2", (Constraint.parse("ratio>=0.8"),))
    assert check["slack"] == pytest.approx(0.1) and check["judged_on"] == pytest.approx(0.9)
    sd = 0.05 / 1.959963984540054
    assert check["p_violated"] == pytest.approx(0.5 * (1 + math.erf((0.8 - 0.9) / sd / np.sqrt(2))), rel=1e-6)
    [strict] = constraint_checks(flagged, "c2", (Constraint.parse("ratio>=0.8@95"),))
    assert strict["judged_on"] == pytest.approx(0.85) and strict["slack"] == pytest.approx(0.05)
    [blind] = constraint_checks(flagged, "c2", (Constraint.parse("gap<=0.06"),))
    assert blind["p_violated"] is None and blind["slack"] == pytest.approx(0.01)


def test_card_reads_as_sentences(flagged: CandidateTable) -> None:
    prefs = Preferences(constraints=(Constraint.parse("ratio>=0.8"),))
    evidence = evaluate(flagged, prefs)
    decision = {"id": "d1", "analysis": "a", "candidate_id": evidence.candidate_id,
                "preferences": prefs.to_dict(), "evidence": evidence.to_dict()}  # fmt: skip
    lines = card_lines(decision)
    assert lines[0] == "Decision d1 on 'a': candidate c2"
    assert "  acc (max): 0.8" in lines and "  gap (min): 0.05" in lines
    assert any(line.startswith("  ratio>=0.8: estimate 0.9, slack +0.1, P(violated) ≈ ") for line in lines)
    assert lines[lines.index("Not considered:") + 1].startswith(
        "  1 candidate(s) use the protected attribute"
    )
    assert lines[-1].startswith(
        "Used: objectives acc:max, gap:min; weights equal (1 each); method tchebycheff;"
    )
    assert "Per group" not in "\n".join(lines)  # the per-group table is for fairness analyses


def test_cells_and_tables() -> None:
    assert (
        number(float("nan")) == "—"
        and number(None) == "—"
        and number(3) == "3"
        and number(0.123456) == "0.1235"
    )
    assert text_table(["a", "bb"], [["xyz", "1"]]) == ["a    bb", "---  --", "xyz  1"]


def test_the_rule_of_another_kind_names_only_the_knobs_it_has() -> None:
    routed = {"candidate_id": "mid>large@q0.55", "model": None, "threshold": math.nan}
    assert rule_sentence(routed, None) == "Candidate mid>large@q0.55."
    scored = {"candidate_id": "m:0001", "model": "m", "threshold": 0.25}
    assert rule_sentence(scored, None) == "Candidate m:0001 (model=m, threshold=0.25)."
