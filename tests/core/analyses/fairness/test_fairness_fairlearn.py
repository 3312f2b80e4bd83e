"""The fairness metrics equal Fairlearn's MetricFrame (and scikit-learn's AUC) to 1e-9 on random data."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equalized_odds_difference,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from sklearn.metrics import accuracy_score, balanced_accuracy_score, precision_score, roc_auc_score

from tradeoff_studio.core.analyses.fairness import FairnessSpec, analyze_fairness
from tradeoff_studio.core.project import Project

SENSITIVE = ["sex", "region"]
METRIC_FUNCTIONS: dict[str, Callable[..., float]] = {
    "accuracy": accuracy_score,
    "balanced_accuracy": balanced_accuracy_score,
    "tpr": true_positive_rate,
    "fpr": false_positive_rate,
    "precision": lambda y, p, **kw: precision_score(y, p, zero_division=0, **kw),
    "selection_rate": selection_rate,
}


def fairlearn_frame(rows: dict[str, Any], y_pred: np.ndarray) -> MetricFrame:
    weights = rows.get("w")
    params = {name: {"sample_weight": weights} for name in METRIC_FUNCTIONS} if weights is not None else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return MetricFrame(
            metrics=METRIC_FUNCTIONS,
            y_true=rows["y"],
            y_pred=y_pred,
            sensitive_features=pd.DataFrame({c: rows[c] for c in SENSITIVE}),
            sample_params=params,
        )


def expected_metrics(rows: dict[str, Any], y_pred: np.ndarray) -> dict[str, float]:
    frame = fairlearn_frame(rows, y_pred)
    sensitive = pd.DataFrame({c: rows[c] for c in SENSITIVE})
    options = {"sensitive_features": sensitive, "sample_weight": rows.get("w")}
    difference = frame.difference()
    out = {name: float(frame.overall[name]) for name in METRIC_FUNCTIONS}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out |= {
            "dp_difference": demographic_parity_difference(rows["y"], y_pred, **options),
            "dp_ratio": demographic_parity_ratio(rows["y"], y_pred, **options),
            "eopp_difference": equal_opportunity_difference(rows["y"], y_pred, **options),
            "eodds_difference": equalized_odds_difference(rows["y"], y_pred, **options),
            "pp_difference": float(difference["precision"]),
        }
    assert out["dp_difference"] == pytest.approx(float(difference["selection_rate"]), abs=1e-12)
    return out


def group_threshold(rows: dict[str, Any], rule: dict[str, float]) -> np.ndarray:
    labels = [f"sex={s} & region={r}" for s, r in zip(rows["sex"], rows["region"], strict=True)]
    return np.array([rule[label] for label in labels])


def check_candidate(rows: dict[str, Any], candidate: pd.Series) -> None:
    rule = json.loads(candidate["thresholds"])
    y_pred = (rows["score"] >= group_threshold(rows, rule)).astype(np.int64)
    for name, value in expected_metrics(rows, y_pred).items():
        if name in ("dp_ratio", "pp_difference") and candidate["degenerate"]:
            assert np.isnan(candidate[name])  # nobody or everybody selected in a group: undefined
            continue
        assert candidate[name] == pytest.approx(value, abs=1e-9), name


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_global_thresholds_equal_fairlearn(project: Project, random_table: Any, weighted: bool) -> None:
    rows = random_table(n=2000, seed=1 + weighted, weights=weighted)
    spec = FairnessSpec(
        "t", "y", SENSITIVE, ["score"], weights="w" if weighted else None,
        bootstrap=0, policies=["global"], mode="exact",
    )  # fmt: skip
    frame = analyze_fairness(project, spec).candidates.frame
    assert len(frame) == len(np.unique(rows["score"])) + 1
    for index in np.linspace(0, len(frame) - 1, 5).round().astype(int):
        candidate = frame.iloc[index]
        assert json.loads(candidate["thresholds"])["sex=male & region=east"] == candidate["threshold"]
        check_candidate(rows, candidate)


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_group_and_capacity_policies_equal_fairlearn(
    project: Project, random_table: Any, weighted: bool
) -> None:
    rows = random_table(n=2000, seed=7, weights=weighted)
    spec = FairnessSpec(
        "t", "y", SENSITIVE, ["score"], weights="w" if weighted else None, bootstrap=0,
        policies=["group", "capacity"], capacity_rate=0.4, group_policies=20,
    )  # fmt: skip
    frame = analyze_fairness(project, spec).candidates.frame
    assert set(frame["policy"]) == {"group", "capacity"}
    for index in np.linspace(0, len(frame) - 1, 4).round().astype(int):
        check_candidate(rows, frame.iloc[index])


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_by_group_equals_metric_frame(project: Project, random_table: Any, weighted: bool) -> None:
    rows = random_table(n=2000, seed=3, weights=weighted)
    spec = FairnessSpec(
        "t", "y", SENSITIVE, ["score"], weights="w" if weighted else None, bootstrap=0, policies=["group"]
    )
    result = analyze_fairness(project, spec)
    frame = result.candidates.frame
    candidate = frame[frame["policy"] == "group"].iloc[0]
    y_pred = (rows["score"] >= group_threshold(rows, json.loads(candidate["thresholds"]))).astype(np.int64)
    expected = fairlearn_frame(rows, y_pred).by_group
    ours = result.by_group(candidate["candidate_id"]).set_index("group")
    for (sex, region), values in expected.iterrows():
        for name in METRIC_FUNCTIONS:
            assert ours.loc[f"sex={sex} & region={region}", name] == pytest.approx(values[name], abs=1e-9)


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_auc_equals_sklearn(project: Project, random_table: Any, weighted: bool) -> None:
    rows = random_table(n=3000, seed=5, weights=weighted)
    spec = FairnessSpec(
        "t", "y", SENSITIVE, ["score", "other"], weights="w" if weighted else None,
        bootstrap=0, policies=["global"], mode="exact",
    )  # fmt: skip
    result = analyze_fairness(project, spec)
    for model in ("score", "other"):
        expected = roc_auc_score(rows["y"], rows[model], sample_weight=rows.get("w"))
        assert result.notes["models"][model]["auc"] == pytest.approx(expected, abs=1e-12)
        frame = result.candidates.frame
        assert (frame.loc[frame["model"] == model, "auc"] == result.notes["models"][model]["auc"]).all()


def test_binned_auc_within_its_bound(project: Project, random_table: Any) -> None:
    rows = random_table(n=4000, seed=6, ties=False)
    spec = FairnessSpec(
        "t", "y", SENSITIVE, ["other"], bootstrap=0, policies=["global"], mode="binned", bins=50
    )
    notes = analyze_fairness(project, spec).notes["models"]["other"]
    expected = roc_auc_score(rows["y"], rows["other"])
    assert notes["mode"] == "binned"
    assert abs(notes["auc"] - expected) <= notes["error_bound"]["auc"] + 1e-12
