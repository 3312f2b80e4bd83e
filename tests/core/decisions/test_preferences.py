"""Constraint and preference parsing: what is accepted, and the messages for what is not."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from tradeoff_studio.core.analyses.candidates import CandidateTable
from tradeoff_studio.core.decisions.intervals import bound_at, two_sided_z
from tradeoff_studio.core.decisions.preferences import (
    Constraint,
    DecisionError,
    Preferences,
    parse_assignments,
    parse_confidence,
)
from tradeoff_studio.core.errors import StudioError

MakeTable = Callable[..., CandidateTable]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dp_ratio>=0.8", Constraint("dp_ratio", ">=", 0.8)),
        ("  dp_ratio >= 0.8 ", Constraint("dp_ratio", ">=", 0.8)),
        ("cost<10", Constraint("cost", "<", 10.0)),
        ("cost<=1e3", Constraint("cost", "<=", 1000.0)),
        ("auc>0.7@95", Constraint("auc", ">", 0.7, 0.95)),
        ("auc>0.7@0.9", Constraint("auc", ">", 0.7, 0.9)),
        ("auc>0.7@ 99.5%", Constraint("auc", ">", 0.7, 0.995)),
        ("loss <= -0.5", Constraint("loss", "<=", -0.5)),
    ],
)
def test_constraints_parse(text: str, expected: Constraint) -> None:
    assert Constraint.parse(text) == expected


def test_default_confidence_applies_only_without_at() -> None:
    assert Constraint.parse("a>=1", confidence=0.9).confidence == 0.9
    assert Constraint.parse("a>=1@95", confidence=0.9).confidence == 0.95
    assert str(Constraint.parse("dp_ratio>=0.8@95")) == "dp_ratio>=0.8@95"
    assert str(Constraint.parse("cost<10")) == "cost<10"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("dp_ratio=0.8", "should read METRIC OP NUMBER"),
        ("dp_ratio>=", "should read METRIC OP NUMBER"),
        (">=0.8", "should read METRIC OP NUMBER"),
        ("dp_ratio>=high", "should be a number, got 'high'"),
        ("dp_ratio>=nan", "finite number"),
        ("dp_ratio>=0.8@", "The confidence"),
        ("dp_ratio>=0.8@40", "from 50% up to"),
        ("dp_ratio>=0.8@100", "from 50% up to"),
        ("dp_ratio>=0.8@ninety", "should be a number"),
    ],
)
def test_bad_constraints_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(DecisionError, match=message) as caught:
        Constraint.parse(text)
    assert isinstance(caught.value, StudioError)


def test_confidence_forms() -> None:
    assert parse_confidence("95") == pytest.approx(0.95)
    assert parse_confidence("95%") == pytest.approx(0.95)
    assert parse_confidence("0.95") == pytest.approx(0.95)
    assert parse_confidence("50") == pytest.approx(0.5)


def test_assignments() -> None:
    assert parse_assignments("accuracy=2, dp_difference=0.5", "--weights") == {
        "accuracy": 2.0,
        "dp_difference": 0.5,
    }
    with pytest.raises(DecisionError, match="--weights expects METRIC=NUMBER"):
        parse_assignments("accuracy:2", "--weights")
    with pytest.raises(DecisionError, match="gives 'a' twice"):
        parse_assignments("a=1,a=2", "--weights")
    with pytest.raises(DecisionError, match="value of 'a' should be a number"):
        parse_assignments("a=x", "--reference")


def test_preferences_are_checked_against_the_table(make_table: MakeTable) -> None:
    table = make_table(
        {"acc": [0.8, 0.9], "gap": [0.1, 0.2], "name": ["x", "y"]}, "acc:max,gap:min", knobs=["name"]
    )
    cases = [
        (Preferences(constraints=(Constraint.parse("ratio>=0.8"),)), "names 'ratio'.*Its metrics: acc, gap"),
        (Preferences(constraints=(Constraint.parse("name>=0.8"),)), "not a metric"),
        (Preferences(constraints=(Constraint.parse("acc>=0.8@95"),)), "no confidence interval"),
        (Preferences(weights={"ratio": 1.0}), "Weights name ratio, which is not an objective"),
        (Preferences(weights={"acc": -1.0}), "zero or positive"),
        (Preferences(weights={"acc": 0.0, "gap": 0.0}), "at least one must be positive"),
        (Preferences(method="reference", reference={"acc": 1.0}), "missing: gap"),
        (Preferences(reference={"acc": 1.0, "gap": 0.0}), "only used by the reference method"),
        (Preferences(method="best"), "Unknown method 'best'"),  # type: ignore[arg-type]
    ]
    for prefs, message in cases:
        with pytest.raises(DecisionError, match=message):
            prefs.check(table)


def test_confidence_reads_the_pessimistic_bound(make_table: MakeTable) -> None:
    table = make_table(
        {"r": [0.9, 0.85], "r_lo": [0.78, 0.82], "r_hi": [0.96, 0.86], "acc": [0.7, 0.8]},
        "acc:max",
        notes={"ci_level": 0.95},
    )
    assert Constraint.parse("r>=0.8@95").satisfied(table).tolist() == [False, True]
    assert Constraint.parse("r>=0.8").satisfied(table).tolist() == [True, True]
    assert Constraint.parse("r<=0.9@95").satisfied(table).tolist() == [False, True]
    # another level rescales each side of the interval around the estimate
    lower = bound_at(table, "r", 0.5, lower=True)
    expected = 0.9 - two_sided_z(0.5) * (0.9 - 0.78) / two_sided_z(0.95)
    np.testing.assert_allclose(lower[0], expected)
