"""Issue #18, observations 7 and 8: the card shows the method, weights, normalisation and scores."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tradeoff_studio.core.analyses.candidates import CandidateTable
from tradeoff_studio.core.decisions.card import card_lines
from tradeoff_studio.core.decisions.dry_run import dry_run_dict
from tradeoff_studio.core.decisions.evidence import evaluate
from tradeoff_studio.core.decisions.preferences import Preferences
from tradeoff_studio.core.decisions.recommend import RHO, recommend

MakeTable = Callable[..., CandidateTable]


@pytest.fixture
def judges(make_table: MakeTable) -> CandidateTable:
    # agreement (max) against price (min); front: cheap (60, 1), mid (68, 2), premium (68.06, 24)
    return make_table(
        {"candidate_id": ["cheap", "mid", "premium", "bad"], "agreement": [60.0, 68.0, 68.06, 59.0],
         "price": [1.0, 2.0, 24.0, 30.0]},
        "agreement:max,price:min",
    )  # fmt: skip


def hand_tchebycheff(agreement: float, price: float, weights: tuple[float, float] = (1.0, 1.0)) -> float:
    """The Tchebycheff score by hand: u scaled over the front, larger is better."""
    u = ((agreement - 60.0) / 8.06, (24.0 - price) / 23.0)
    gaps = [w * (1.0 - value) for w, value in zip(weights, u, strict=True)]
    return max(gaps) + RHO * sum(gaps)


def test_finalists_carry_each_score_the_choice_was_made_on(judges: CandidateTable) -> None:
    result = recommend(judges, Preferences())
    assert result.candidate_id == "mid"
    assert [item["candidate"] for item in result.finalists] == ["mid", "cheap", "premium"]
    expected = {"cheap": (60.0, 1.0), "mid": (68.0, 2.0), "premium": (68.06, 24.0)}
    for item in result.finalists:
        assert item["score"] == pytest.approx(hand_tchebycheff(*expected[item["candidate"]]), rel=1e-12)
    assert [item["chosen"] for item in result.finalists] == [True, False, False]
    assert result.weights == {"agreement": 1.0, "price": 1.0}
    summary = result.to_dict()
    assert "scaled to [0, 1] over the analysis's Pareto front" in summary["normalisation"]


def test_weights_change_the_scores_and_the_card_shows_them(judges: CandidateTable) -> None:
    prefs = Preferences(weights={"price": 0.001})
    evidence = evaluate(judges, prefs)
    assert evidence.candidate_id == "premium"  # price barely counts: +0.06 pp is worth 12x the price
    lines = card_lines(dry_run_dict("j", prefs, evidence))
    assert lines[0] == "Dry run on 'j' (nothing stored): candidate premium"
    text = "\n".join(lines)
    assert "Scores (tchebycheff; each objective made larger-is-better and scaled to [0, 1]" in text
    score = hand_tchebycheff(68.06, 24.0, (1.0, 0.001))
    assert f"  premium: {score:.6g} (chosen)" in lines
    assert "weights price=0.001; method tchebycheff" in text


def test_a_candidate_picked_by_hand_has_no_scores(judges: CandidateTable) -> None:
    evidence = evaluate(judges, Preferences(), "cheap")
    preview = dry_run_dict("j", Preferences(), evidence)
    assert preview["preferences"]["method"] == "manual" and preview["id"] is None and preview["dry_run"]
    assert not any(line.startswith("Scores") for line in card_lines(preview))
