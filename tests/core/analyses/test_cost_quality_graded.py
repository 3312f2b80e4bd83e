"""Graded scores (issue #17, observation 5): --pass-at, cost per unit of quality, and the headline's rule."""

from __future__ import annotations

import pandas as pd
import pytest

from tradeoff_studio.core.analyses.candidates import AnalysisError, Objective
from tradeoff_studio.core.analyses.cost_quality import CostQualitySpec, analyze_cost_quality
from tradeoff_studio.core.project import Project
from tradeoff_studio.core.sql import ident

# accuracy per item (a graded score) and train seconds: knn hardly costs anything (it does not train)
SCORES = {
    "knn": ([0.9, 0.8, 0.7, 0.68], 0.001),
    "logreg": ([0.95, 0.85, 0.8, 0.8], 1.0),
    "forest": ([0.97, 0.95, 0.9, 0.78], 5.0),
}


def log() -> pd.DataFrame:
    rows = [{"item": f"d{i}", "learner": name, "acc": score, "sec": cost}
            for name, (scores, cost) in SCORES.items() for i, score in enumerate(scores)]  # fmt: skip
    return pd.DataFrame(rows)


def spec(**changes: object) -> CostQualitySpec:
    options = {"cost": "sec", "resamples": 20, "mix_steps": 2} | changes
    return CostQualitySpec("runs", "item", "learner", "acc", **options)  # type: ignore[arg-type]


@pytest.fixture
def graded(project: Project) -> Project:
    project.con.register("incoming", log())
    project.con.execute(f"CREATE TABLE {ident('runs')} AS SELECT * FROM incoming")
    project.con.unregister("incoming")
    return project


def test_graded_scores_get_cost_per_quality_never_cost_of_pass(graded: Project) -> None:
    table = analyze_cost_quality(graded, spec())
    frame = table.frame.set_index("candidate_id")
    assert "cost_of_pass" not in frame and "cost_per_quality" in table.metrics
    assert frame.loc["knn", "cost_per_quality"] == pytest.approx(0.001 / 0.77)
    assert table.notes["cost_ratio"] == {"metric": "cost_per_quality", "label": "expected cost per unit of "
                                         "quality", "graded": True, "pass_at": None}  # fmt: skip
    assert table.notes["frontier_cost_of_pass"]["name"] == "frontier expected cost per unit of quality"
    assert "not a cost-of-pass" in table.notes["quality"]
    assert table.notes["headline"]["rule"] == "lowest expected cost per unit of quality"
    with pytest.raises(AnalysisError, match=r"graded scores .* give --pass-at X"):
        analyze_cost_quality(graded, spec(objectives=(Objective("cost_of_pass", "min"),)))


def test_pass_at_counts_a_score_at_least_x_as_a_pass(graded: Project) -> None:
    table = analyze_cost_quality(graded, spec(pass_at=0.8))
    frame = table.frame.set_index("candidate_id")
    assert frame.loc[["knn", "logreg", "forest"], "quality"].tolist() == [0.5, 1.0, 0.75]
    assert frame.loc["knn", "cost_of_pass"] == pytest.approx(0.001 / 0.5)
    assert frame.loc["forest", "cost_of_pass"] == pytest.approx(5.0 / 0.75)
    assert (
        table.notes["cost_ratio"]["metric"] == "cost_of_pass" and table.notes["cost_ratio"]["pass_at"] == 0.8
    )
    assert "at least 0.8" in table.notes["quality"]
    with pytest.raises(AnalysisError, match="cost_per_quality is for graded scores"):
        analyze_cost_quality(graded, spec(pass_at=0.8, objectives=(Objective("cost_per_quality", "min"),)))
    with pytest.raises(AnalysisError, match=r"--pass-at must lie in \(0, 1\]"):
        analyze_cost_quality(graded, spec(pass_at=1.5))


def test_headline_names_its_rule_budget_then_target_then_ratio(graded: Project) -> None:
    plain = analyze_cost_quality(graded, spec()).notes["headline"]
    assert plain["system"] == "knn" and plain["text"].startswith("Best single system: knn, by lowest")
    budget = analyze_cost_quality(graded, spec(budgets=(2.0,))).notes["headline"]
    assert budget["system"] == "logreg"
    assert budget["rule"] == "highest quality among single systems costing at most 2 per item"
    target = analyze_cost_quality(graded, spec(target_qualities=(0.88,))).notes["headline"]
    assert target["system"] == "forest" and target["rule"] == "cheapest single system reaching quality 0.88"
    none = analyze_cost_quality(graded, spec(budgets=(0.0001,))).notes["headline"]
    assert none["system"] is None and "the cheapest: 0.001" in none["text"]
