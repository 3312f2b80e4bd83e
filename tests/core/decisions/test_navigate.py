"""Issue #18, observation 12: navigating the front by reference point and NIMBUS classification."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from tradeoff_studio.core.analyses.candidates import CandidateTable
from tradeoff_studio.core.decisions.navigate import RHO, Classification, classify, navigate
from tradeoff_studio.core.decisions.preferences import DecisionError

MakeTable = Callable[..., CandidateTable]


@pytest.fixture
def judges(make_table: MakeTable) -> CandidateTable:
    # agreement (max), price (min); front: a, b, c, d; e is dominated by b
    return make_table(
        {"candidate_id": ["a", "b", "c", "d", "e"], "agreement": [60.0, 66.0, 70.0, 72.0, 65.0],
         "price": [1.0, 2.0, 6.0, 20.0, 3.0]},
        "agreement:max,price:min",
    )  # fmt: skip


def achievement(agreement: float, price: float, reference: tuple[float, float]) -> float:
    """By hand: u over the front (agreement 60..72, price 20..1 larger-is-better)."""
    u = np.array([(agreement - 60) / 12, (20 - price) / 19])
    r = np.array([(reference[0] - 60) / 12, (20 - reference[1]) / 19])
    gaps = r - u
    return float(gaps.max() + RHO * gaps.sum())


def test_the_projection_has_the_least_achievement_on_the_front(judges: CandidateTable) -> None:
    step = navigate(judges, {"agreement": 69.0, "price": 4.0})
    values = {"a": (60.0, 1.0), "b": (66.0, 2.0), "c": (70.0, 6.0), "d": (72.0, 20.0)}
    scores = {key: achievement(*value, (69.0, 4.0)) for key, value in values.items()}
    assert step.candidate_id == min(scores, key=scores.__getitem__) == "c"
    assert step.achievement == pytest.approx(scores["c"], rel=1e-12)
    assert step.values == {"agreement": 70.0, "price": 6.0}
    assert [n["candidate_id"] for n in step.neighbours] == ["b", "d", "a"]  # nearest on the scaled front
    assert step.neighbours[0]["changes"] == {"agreement": -4.0, "price": -4.0}


def test_a_reachable_reference_has_negative_achievement(judges: CandidateTable) -> None:
    step = navigate(judges, {"agreement": 64.0, "price": 10.0})
    assert step.achievement < 0 and step.candidate_id in {"b", "c"}


def test_bounds_and_weights_steer_the_projection(judges: CandidateTable) -> None:
    assert navigate(judges, {"agreement": 69.0, "price": 4.0}, bounds={"price": 3.0}).candidate_id == "b"
    weighted = navigate(judges, {"agreement": 69.0, "price": 4.0}, weights={"price": 0.0})
    assert weighted.candidate_id == "d"  # price does not count: the most agreement
    with pytest.raises(DecisionError, match=r"No candidate on the front meets price no worse than 0\.5"):
        navigate(judges, {"agreement": 69.0, "price": 4.0}, bounds={"price": 0.5})


def test_classification_becomes_a_reference_and_bounds(judges: CandidateTable) -> None:
    classes = [Classification("agreement", "improve"), Classification("price", "worsen", 6.0)]
    reference, bounds = classify(judges, "b", classes)
    assert reference == {"agreement": 72.0, "price": 6.0} and bounds == {"price": 6.0}
    assert navigate(judges, reference, bounds=bounds).candidate_id == "c"
    reference, bounds = classify(judges, "c", [Classification("price", "improve", 2.0)])  # agreement free
    assert reference == {"agreement": 60.0, "price": 2.0} and bounds == {}


@pytest.mark.parametrize(
    ("classes", "message"),
    [
        ([Classification("price", "keep")], "needs an objective to improve"),
        ([Classification("price", "improve"), Classification("agreement", "keep")], "may worsen"),
        ([Classification("price", "improve"), Classification("price", "free")], "classified twice"),
        ([Classification("price", "improve"), Classification("agreement", "worsen")], "--worsen agreement="),
        ([Classification("cost", "improve")], "cost, not an objective"),
    ],
)
def test_classification_refusals(judges: CandidateTable, classes: list[Classification], message: str) -> None:
    with pytest.raises(DecisionError, match=message):
        reference, bounds = classify(judges, "c", classes)
        navigate(judges, reference, bounds=bounds)


def test_reference_refusals(judges: CandidateTable) -> None:
    with pytest.raises(DecisionError, match="missing: price"):
        navigate(judges, {"agreement": 70.0})
    with pytest.raises(DecisionError, match="names cost"):
        navigate(judges, {"agreement": 70.0, "price": 1.0, "cost": 2.0})
