"""Inputs the user can get wrong: each refusal names the table and column and says what to do."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from tradeoff_studio.core.analyses.candidates import AnalysisError, Objective
from tradeoff_studio.core.analyses.fairness import FairnessSpec, analyze_fairness
from tradeoff_studio.core.errors import NotFoundError
from tradeoff_studio.core.project import Project

SPEC = FairnessSpec("t", "y", ["sex"], ["score"], bootstrap=0)


def _rows(n: int = 40) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    return {
        "sex": rng.choice(["f", "m"], n),
        "y": np.arange(n) % 2,
        "score": rng.random(n),
        "text": np.array(["a"] * n),
        "w": rng.random(n),
        "id": np.arange(n),
    }


@pytest.mark.parametrize(
    ("changes", "columns", "message"),
    [
        (
            {"label": "nope"},
            {},
            r"Table 't' has no column 'nope'. Its columns: sex \(VARCHAR\), y \(BIGINT\)",
        ),
        (
            {"scores": ["text"]},
            {},
            "Column 'text' of table 't' is VARCHAR, not a number.*numeric columns are: y, ",
        ),
        ({"weights": "text"}, {}, "Column 'text' of table 't' is VARCHAR, not a number"),
        (
            {},
            {"y": np.arange(40) % 3},
            r"'y' of table 't' is not binary: it has more than two values \(0, 1, 2",
        ),
        (
            {"positive": 7},
            {},
            r"The positive value 7 does not occur in the label column 'y' of table 't'; it has 0, 1",
        ),
        ({}, {"y": np.array(["bad", "good"] * 20)}, r"has values 'bad', 'good'; say which one is positive"),
        (
            {},
            {"y": np.zeros(40, dtype=np.int64)},
            "has only the value 0; accuracy and fairness need both outcomes",
        ),
        (
            {},
            {"y": np.array([None, 1] * 20)},
            "Column 'y' of table 't' has 20 NULL or non-finite value.*label",
        ),
        (
            {},
            {"score": np.array([np.nan, 0.5] * 20)},
            "Column 'score' of table 't' has 20 NULL or non-finite",
        ),
        ({}, {"score": np.array([None, 0.5, 0.2, 0.1] * 10)}, "'score' of table 't' has 10 NULL"),
        ({"weights": "w"}, {"w": np.array([-1.0, 1.0] * 20)}, "'w' of table 't' has 20 negative weight"),
        ({"weights": "w"}, {"w": np.zeros(40)}, "Every weight in column 'w' of table 't' is 0"),
    ],
)
def test_data_errors(
    project: Project, make_table: Any, changes: dict[str, Any], columns: dict[str, Any], message: str
) -> None:
    make_table("t", _rows() | columns)
    with pytest.raises(AnalysisError, match=message):
        analyze_fairness(project, replace(SPEC, **changes))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"table": "nope"}, "The project has no table 'nope'. Its tables: t."),
        ({"drift_table": "nope"}, "The project has no table 'nope'"),
    ],
)
def test_unknown_table(project: Project, make_table: Any, changes: dict[str, Any], message: str) -> None:
    make_table("t", _rows())
    with pytest.raises(NotFoundError, match=message):
        analyze_fairness(project, replace(SPEC, **changes))


def test_too_many_groups(project: Project, make_table: Any) -> None:
    rows = _rows(600) | {"id": np.arange(600).astype(str)}
    make_table("t", rows)
    with pytest.raises(AnalysisError, match=r"column\(s\) id of table 't' form more than 256 groups. Is one"):
        analyze_fairness(project, replace(SPEC, sensitive=["id"]))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sensitive": []}, "Name at least one sensitive column"),
        ({"scores": []}, "Name at least one score column"),
        ({"scores": ["y"]}, r"Column\(s\) y are given more than one role"),
        (
            {"objectives": [Objective("f1", "max")]},
            "Unknown fairness metric.*f1. Available: accuracy, balanced_accuracy",
        ),
        ({"objectives": [Objective("auc", "max"), Objective("auc", "min")]}, "An objective is listed twice"),
        ({"policies": ["capacity"]}, "The capacity policy needs a capacity"),
        ({"policies": ["magic"]}, "Unknown or missing policies magic"),
        ({"capacity_top_k": 5, "capacity_rate": 0.1}, "either capacity_top_k or capacity_rate"),
        ({"bins": 1}, "bins must be at least 2"),
        ({"confidence": 1.0}, "confidence must lie in"),
        ({"cost_ratio": 0.0}, "cost_ratio"),
        ({"capacity_rate": 1.5}, r"capacity_rate must lie in \(0, 1\]"),
        ({"mode": "fast"}, "mode must be auto, exact or binned"),
    ],
)
def test_spec_errors(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(AnalysisError, match=message):
        replace(SPEC, **changes)


def test_string_label_with_its_positive_value(project: Project, make_table: Any) -> None:
    make_table("t", _rows() | {"y": np.array(["bad", "good"] * 20)})
    result = analyze_fairness(project, replace(SPEC, positive="bad"))
    assert result.groups["positive_rows"].sum() == 20


def test_evaluate_thresholds_errors(project: Project, make_table: Any) -> None:
    make_table("t", _rows())
    result = analyze_fairness(project, SPEC)
    with pytest.raises(AnalysisError, match="No model 'nope'"):
        result.evaluate_thresholds("nope", {})
    with pytest.raises(AnalysisError, match="missing: sex=m"):
        result.evaluate_thresholds("score", {"sex=f": 0.5})
    with pytest.raises(AnalysisError, match="no fairness candidate 'x'"):
        result.by_group("x")
