"""Predictive multiplicity on a hand-computed example, and when it is refused."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from tradeoff_studio.core.analyses.candidates import AnalysisError
from tradeoff_studio.core.analyses.fairness import FairnessSpec, analyze_fairness
from tradeoff_studio.core.project import Project

ROWS = {
    "y": np.array([1, 0, 1, 0]),
    "g": np.array(["x", "x", "y", "y"]),
    "a": np.array([0.9, 0.2, 0.6, 0.4]),
    "b": np.array([0.8, 0.1, 0.3, 0.5]),
    "c": np.array([0.5, 0.5, 0.5, 0.5]),
    "w": np.array([1.0, 1.0, 2.0, 1.0]),
}
SPEC = FairnessSpec(
    "m", "y", ["g"], ["a", "b", "c"], bootstrap=0, epsilon=0.25, delta=0.15, multiplicity=True
)


def test_hand_example(project: Project, make_table: Any) -> None:
    make_table("m", ROWS)
    found = analyze_fairness(project, SPEC).multiplicity
    assert found is not None
    assert found.losses["a"] == pytest.approx(-(math.log(0.9) + math.log(0.8) + 2 * math.log(0.6)) / 4)
    assert found.losses["b"] == pytest.approx(
        -(math.log(0.8) + math.log(0.9) + math.log(0.3) + math.log(0.5)) / 4
    )
    assert found.losses["c"] == pytest.approx(math.log(2))
    assert found.baseline == "a" and found.rashomon == ["a", "b"]
    assert found.ambiguity == pytest.approx(0.25) and found.discrepancy == pytest.approx(0.25)
    assert found.discrepancy_model == "b"
    assert found.vpr_width_mean == pytest.approx(0.15) and found.vpr_width_max == pytest.approx(0.3)
    assert list(found.by_group["ambiguity"]) == pytest.approx([0.0, 0.5])
    assert found.rows is not None
    np.testing.assert_allclose(found.rows["vpr_lo"], [0.8, 0.1, 0.3, 0.4])
    np.testing.assert_allclose(found.rows["vpr_hi"], [0.9, 0.2, 0.6, 0.5])


def test_wider_rashomon_set_and_weights(project: Project, make_table: Any) -> None:
    make_table("m", ROWS)
    found = analyze_fairness(project, replace(SPEC, epsilon=0.5)).multiplicity
    assert found is not None and found.rashomon == ["a", "b", "c"]
    assert found.ambiguity == pytest.approx(0.75)  # rows 0 and 1 moved by c, row 2 by b
    assert found.discrepancy == pytest.approx(0.5) and found.discrepancy_model == "c"
    assert found.ambiguity >= found.discrepancy
    weighted = analyze_fairness(
        project, replace(SPEC, epsilon=0.5, weights="w", vpr_row_limit=2)
    ).multiplicity
    assert weighted is not None and weighted.rashomon == ["a", "b", "c"]
    assert weighted.ambiguity == pytest.approx(4 / 5) and weighted.rows is None  # row 2 weighs 2 of 5


def test_refused_outside_probabilities(project: Project, make_table: Any) -> None:
    make_table("m", ROWS | {"c": np.array([2.0, -1.0, 0.5, 0.5])})
    with pytest.raises(AnalysisError, match=r"c of table 'm' lie outside \[0, 1\]"):
        analyze_fairness(project, SPEC)
    result = analyze_fairness(project, replace(SPEC, multiplicity=None))
    assert result.multiplicity is None and "outside [0, 1]" in result.notes["multiplicity"]
    single = analyze_fairness(project, replace(SPEC, scores=["a"], multiplicity=None))
    assert single.multiplicity is None and "at least two" in single.notes["multiplicity"]
