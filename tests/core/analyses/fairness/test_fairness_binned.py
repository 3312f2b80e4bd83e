"""Binned mode: its thresholds are exact in DuckDB, and its reported error bound holds."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tradeoff_studio.core.analyses.candidates import AnalysisError
from tradeoff_studio.core.analyses.fairness import FairnessSpec, analyze_fairness
from tradeoff_studio.core.analyses.fairness import analysis as analysis_module
from tradeoff_studio.core.project import Project

SENSITIVE = ["sex", "region"]


def test_binned_error_bound_bounds_the_distance_to_exact(project: Project, random_table: Any) -> None:
    random_table(n=4000, seed=21, ties=False)
    common: dict[str, Any] = {"bootstrap": 0, "policies": ["global"], "thresholds": 100_000}
    exact = analyze_fairness(project, FairnessSpec("t", "y", SENSITIVE, ["other"], mode="exact", **common))
    binned = analyze_fairness(
        project, FairnessSpec("t", "y", SENSITIVE, ["other"], mode="binned", bins=40, **common)
    )
    bounds = binned.notes["models"]["other"]["error_bound"]
    assert binned.notes["models"]["other"]["bins"] <= 40
    assert set(bounds) >= {"accuracy", "tpr", "fpr", "selection_rate", "dp_difference", "eodds_difference"}
    worst = dict.fromkeys(bounds, 0.0)
    for _, candidate in exact.candidates.frame.iterrows():
        rule = dict.fromkeys(binned.group_info.labels, candidate["threshold"])
        approximate = binned.evaluate_thresholds("other", rule)
        for name, bound in bounds.items():
            gap = abs(approximate[name] - candidate[name])
            assert gap <= bound + 1e-12, (name, candidate["threshold"], gap, bound)
            worst[name] = max(worst[name], gap)
    assert worst["accuracy"] > 0 and bounds["accuracy"] < 0.1  # the bound is neither vacuous nor loose


def test_binned_thresholds_select_exactly_their_bins(project: Project, make_table: Any) -> None:
    rng = np.random.default_rng(3)
    score = np.concatenate([rng.normal(0, 1, 3000), rng.normal(5e5, 1, 20), [-1e3, 2.5e-7, 1e6]])
    n = len(score)
    label = (rng.random(n) < 0.3).astype(np.int64)
    make_table("odd", {"score": score, "y": label, "g": rng.choice(["a", "b"], n)})
    spec = FairnessSpec(
        "odd", "y", ["g"], ["score"], mode="binned", bins=25, bootstrap=0, policies=["global"]
    )
    frame = analyze_fairness(project, spec).candidates.frame
    assert frame["threshold"].is_monotonic_increasing
    for threshold, rate in zip(frame["threshold"], frame["selection_rate"], strict=True):
        (count,) = project.con.execute('SELECT count(*) FROM odd WHERE "score" >= ?', [threshold]).fetchone()
        assert count == round(rate * n)


def test_auto_mode_chooses_by_distinct_scores(project: Project, random_table: Any) -> None:
    random_table(n=3000, seed=4)  # scores rounded to 2 decimals: about 100 distinct values
    base: dict[str, Any] = {"bootstrap": 0, "policies": ["global"]}
    auto = analyze_fairness(
        project, FairnessSpec("t", "y", SENSITIVE, ["score", "other"], exact_limit=500, **base)
    )
    assert auto.notes["models"]["score"]["mode"] == "exact"
    assert auto.notes["models"]["other"]["mode"] == "binned"


def test_exact_mode_refuses_too_many_cells(
    project: Project, random_table: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    random_table(n=500, seed=4, ties=False)
    monkeypatch.setattr(analysis_module, "CELL_LIMIT", 100)
    with pytest.raises(AnalysisError, match="Use mode 'binned'"):
        analyze_fairness(project, FairnessSpec("t", "y", SENSITIVE, ["other"], mode="exact", exact_limit=1))
