"""Sensitivity to knobs by finite differences, and the probability that a constraint is violated."""

from __future__ import annotations

from collections.abc import Callable
from statistics import NormalDist

import numpy as np
import pytest

from tradeoff_studio.core.analyses.candidates import CandidateTable
from tradeoff_studio.core.decisions.preferences import Constraint
from tradeoff_studio.core.decisions.risks import risks
from tradeoff_studio.core.decisions.sensitivity import sensitivities

MakeTable = Callable[..., CandidateTable]


@pytest.fixture
def grid(make_table: MakeTable) -> CandidateTable:
    """Two models × thresholds 0.1…0.9: accuracy = base - (t - 0.5)², gap = slope · t."""
    rows = []
    for model, base, slope in (("lr", 0.9, 0.2), ("gbm", 0.85, 0.1)):
        for threshold in np.round(np.arange(0.1, 0.91, 0.1), 2):
            rows.append((model, threshold, base - (threshold - 0.5) ** 2, slope * threshold))
    names = ("model", "threshold", "accuracy", "gap")
    columns = {name: list(values) for name, values in zip(names, zip(*rows, strict=True), strict=True)}
    return make_table(
        columns | {"policy": ["global"] * len(rows)},
        "accuracy:max,gap:min",
        knobs=["model", "threshold", "policy"],
    )


def test_central_difference_along_the_threshold(grid: CandidateTable) -> None:
    found = {item.objective: item for item in sensitivities(grid, "c2")}  # lr at 0.3
    assert set(found) == {"accuracy", "gap"}
    accuracy = found["accuracy"]
    assert (accuracy.knob, accuracy.below, accuracy.above) == ("threshold", "c1", "c3")
    assert accuracy.slope == pytest.approx(-2 * (0.3 - 0.5))  # exact for a parabola
    assert accuracy.step == pytest.approx(0.1)
    assert found["gap"].slope == pytest.approx(0.2)
    assert found["gap"].text == "gap +0.02 per 0.1 step of threshold (against candidates c1 and c3)"
    flat = {item.objective: item for item in sensitivities(grid, "c4")}["accuracy"]  # lr at 0.5, the peak
    assert flat.text == "accuracy unchanged over a 0.1 step of threshold (against candidates c3 and c5)"


def test_neighbours_share_every_other_knob(grid: CandidateTable) -> None:
    found = {item.objective: item for item in sensitivities(grid, "c11")}  # gbm at 0.3
    assert (found["gap"].below, found["gap"].above) == ("c10", "c12")
    assert found["gap"].slope == pytest.approx(0.1)


def test_one_sided_at_the_end_of_the_grid(grid: CandidateTable) -> None:
    found = {item.objective: item for item in sensitivities(grid, "c8")}  # lr at 0.9
    assert (found["accuracy"].below, found["accuracy"].above) == ("c7", None)
    assert found["accuracy"].slope == pytest.approx(((0.9 - 0.16) - (0.9 - 0.09)) / 0.1)
    assert "against candidate c7" in found["accuracy"].text


def test_neighbours_closer_than_the_minimum_step_are_skipped(make_table: MakeTable) -> None:
    """A fairness-like table has a candidate at every score, 1e-7 apart: the step spans 0.5% of the range."""
    thresholds = [0.0, 0.3, 0.3 + 1e-7, 0.3 + 2e-7, 0.31, 1.0]
    table = make_table(
        {"threshold": thresholds, "acc": [0.5, 0.7, 0.7000001, 0.6999999, 0.72, 0.5]},
        "acc:max",
        knobs=["threshold"],
    )
    [item] = sensitivities(table, "c2")
    assert (item.below, item.above) == ("c0", "c4")
    assert item.step == pytest.approx(0.31 - (0.3 + 1e-7))
    assert item.slope == pytest.approx((0.72 - 0.5) / 0.31)


def test_no_neighbours_no_sensitivity(make_table: MakeTable) -> None:
    table = make_table(
        {"model": ["a", "b"], "threshold": [0.5, 0.6], "acc": [0.8, 0.7]},
        "acc:max",
        knobs=["model", "threshold"],
    )
    assert sensitivities(table, "c0") == []


def test_missing_knob_values_match_each_other(make_table: MakeTable) -> None:
    table = make_table(
        {"cap": [None, None, 3.0], "threshold": [0.5, 0.6, 0.6], "acc": [0.8, 0.9, 0.7]},
        "acc:max",
        knobs=["cap", "threshold"],
    )
    [item] = [s for s in sensitivities(table, "c0") if s.knob == "threshold"]
    assert item.above == "c1" and item.slope == pytest.approx(1.0)


@pytest.fixture
def ratio_table(make_table: MakeTable) -> CandidateTable:
    return make_table(
        {
            "acc": [0.8, 0.9, 0.85],
            "r": [0.84, 0.9, 0.79],
            "r_lo": [0.76, 0.85, 0.70],
            "r_hi": [0.88, 0.95, 0.82],
        },
        "acc:max",
        notes={"ci_level": 0.9},
    )


def test_risk_probability_is_the_normal_tail(ratio_table: CandidateTable) -> None:
    [risk] = risks(ratio_table, "c0", (Constraint.parse("r>=0.8"), Constraint.parse("acc>=0.5")))
    sd_below = (0.84 - 0.76) / NormalDist().inv_cdf(0.95)
    assert risk.constraint == "r>=0.8"
    assert risk.probability == pytest.approx(NormalDist().cdf((0.8 - 0.84) / sd_below))
    assert (risk.lo, risk.hi, risk.level) == (0.76, 0.88, 0.9)
    assert "P(violated) ≈" in risk.text


def test_upper_constraints_use_the_upper_side(ratio_table: CandidateTable) -> None:
    [risk] = risks(ratio_table, "c0", (Constraint.parse("r<=0.86"),))
    sd_above = (0.88 - 0.84) / NormalDist().inv_cdf(0.95)
    assert risk.probability == pytest.approx(1 - NormalDist().cdf((0.86 - 0.84) / sd_above))


def test_no_risk_when_the_interval_clears_the_bound(ratio_table: CandidateTable) -> None:
    assert risks(ratio_table, "c1", (Constraint.parse("r>=0.8"),)) == []
    # the candidate that violates at its estimate still has its violation probability above 1/2
    [risk] = risks(ratio_table, "c2", (Constraint.parse("r>=0.8"),))
    assert risk.probability > 0.5


def test_derived_knobs_are_not_compared(make_table: MakeTable) -> None:
    """Like the fairness ``thresholds`` knob: a description that follows from ``threshold``."""
    columns = {
        "threshold": [0.4, 0.5, 0.6],
        "thresholds": ['{"a": 0.4}', '{"a": 0.5}', '{"a": 0.6}'],
        "acc": [0.7, 0.8, 0.95],
    }
    plain = make_table(columns, "acc:max", knobs=["threshold", "thresholds"])
    assert sensitivities(plain, "c1") == []
    derived = make_table(
        columns, "acc:max", knobs=["threshold", "thresholds"], notes={"derived_knobs": ["thresholds"]}
    )
    [item] = sensitivities(derived, "c1")
    assert (item.below, item.above) == ("c0", "c2")
    assert item.slope == pytest.approx((0.95 - 0.7) / 0.2)
