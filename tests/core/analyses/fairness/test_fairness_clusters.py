"""Fairness with nested rows (issue #17): ``--cluster COL`` resamples whole clusters of count tables.

Checked against the cluster bootstrap written out on the rows (draw branches, pool their rows,
compute the metric), and against the row bootstrap, which is too narrow when rows nest.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from tradeoff_studio.core.analyses.candidates import AnalysisError
from tradeoff_studio.core.analyses.fairness import FairnessSpec, analyze_fairness
from tradeoff_studio.core.analyses.fairness.kind import KIND
from tradeoff_studio.core.project import Project

BRANCHES, PER_BRANCH = 40, 50


def nested_rows(seed: int = 3) -> dict[str, Any]:
    """Applicants of 40 branches: a branch's mix of applicants moves its scores and outcomes together."""
    rng = np.random.default_rng(seed)
    effect = rng.normal(0.0, 1.2, BRANCHES)
    branch = np.repeat(np.arange(BRANCHES), PER_BRANCH)
    sex = rng.choice(["f", "m"], BRANCHES * PER_BRANCH)
    latent = effect[branch] + (sex == "m") * 0.3 + rng.normal(0.0, 0.6, len(branch))
    score = np.round(1.0 / (1.0 + np.exp(-latent)), 3)
    label = (rng.random(len(branch)) < 1.0 / (1.0 + np.exp(-(latent - 0.2)))).astype(np.int64)
    return {"branch": [f"b{b:02d}" for b in branch], "sex": sex, "y": label, "score": score}


def spec(**changes: Any) -> FairnessSpec:
    options: dict[str, Any] = {"bootstrap": 2000, "thresholds": 40, "multiplicity": False} | changes
    return FairnessSpec("apps", "y", ["sex"], ["score"], **options)


@pytest.fixture
def nested(make_table: Any) -> pd.DataFrame:
    rows = nested_rows()
    make_table("apps", rows)
    return pd.DataFrame(rows)


def direct_cluster_ci(rows: pd.DataFrame, threshold: float, resamples: int, seed: int) -> dict[str, float]:
    """Accuracy and dp_difference widths of the cluster bootstrap on the rows themselves."""
    blocks = [part for _, part in rows.groupby("branch")]
    rng = np.random.default_rng(seed)
    accuracy, dp = [], []
    for _ in range(resamples):
        drawn = pd.concat([blocks[k] for k in rng.integers(0, len(blocks), len(blocks))])
        selected = drawn["score"].to_numpy() >= threshold
        accuracy.append(np.mean(selected == drawn["y"].to_numpy().astype(bool)))
        female = drawn["sex"].to_numpy() == "f"
        dp.append(abs(selected[female].mean() - selected[~female].mean()))
    return {name: float(np.subtract(*np.percentile(values, [97.5, 2.5])))
            for name, values in (("accuracy", accuracy), ("dp_difference", dp))}  # fmt: skip


def width(frame: pd.DataFrame, candidate: str, metric: str) -> float:
    row = frame.set_index("candidate_id").loc[candidate]
    return float(row[f"{metric}_hi"] - row[f"{metric}_lo"])


def test_cluster_bootstrap_matches_the_row_level_one_and_is_wider(
    project: Project, nested: pd.DataFrame
) -> None:
    clustered = analyze_fairness(project, spec(cluster="branch")).candidates.frame
    rows = analyze_fairness(project, spec()).candidates.frame
    middle = clustered[(clustered["selection_rate"] > 0.3) & (clustered["selection_rate"] < 0.7)]
    checked = middle.iloc[:: max(1, len(middle) // 3)].head(3)
    assert len(checked) == 3
    for candidate, threshold in zip(checked["candidate_id"], checked["threshold"], strict=True):
        direct = direct_cluster_ci(nested, float(threshold), 2000, seed=11)
        for metric in ("accuracy", "dp_difference"):
            ours = width(clustered, candidate, metric)
            assert ours == pytest.approx(direct[metric], rel=0.05), (candidate, metric)
        assert width(clustered, candidate, "accuracy") > 1.5 * width(rows, candidate, "accuracy")
    point = clustered.set_index("candidate_id")["accuracy"]
    assert point.equals(rows.set_index("candidate_id")["accuracy"])  # the points do not move


def test_cluster_intervals_are_seeded(project: Project, nested: pd.DataFrame) -> None:
    first = analyze_fairness(project, spec(cluster="branch", bootstrap=200)).candidates.frame
    again = analyze_fairness(project, spec(cluster="branch", bootstrap=200)).candidates.frame
    other = analyze_fairness(project, spec(cluster="branch", bootstrap=200, seed=5)).candidates.frame
    assert first["accuracy_lo"].equals(again["accuracy_lo"])
    assert not first["accuracy_lo"].equals(other["accuracy_lo"])


def test_notes_say_what_the_intervals_resample(project: Project, nested: pd.DataFrame) -> None:
    clustered = analyze_fairness(project, spec(cluster="branch", bootstrap=50)).candidates.notes
    assert clustered["ci"] == f"95% CI by branch, {BRANCHES} clusters"
    assert clustered["bootstrap"]["clusters"] == BRANCHES and clustered["nesting"] is None
    plain = analyze_fairness(project, spec(bootstrap=50)).candidates.notes
    assert plain["ci"] == f"95% CI by row, {BRANCHES * PER_BRANCH:,} rows"
    assert plain["nesting"] is None  # 'branch' is no identifier-like name: nothing is claimed


def test_repeated_ids_raise_the_nesting_note(project: Project, make_table: Any) -> None:
    rows = nested_rows()
    rows["customer_id"] = rows.pop("branch")
    make_table("apps", rows)
    notes = analyze_fairness(project, spec(bootstrap=20)).candidates.notes
    assert notes["nesting"]["column"] == "customer_id" and notes["nesting"]["groups"] == BRANCHES
    assert "give --cluster customer_id" in notes["nesting"]["text"]
    from tradeoff_studio.core.analyses.fairness.words import notes_lines

    assert any(line.startswith("Warning: rows may nest: column 'customer_id'") for line in notes_lines(notes))
    given = analyze_fairness(project, spec(bootstrap=20, cluster="customer_id")).candidates.notes
    assert given["nesting"] is None


def test_cluster_errors_name_the_column(project: Project, nested: pd.DataFrame) -> None:
    with pytest.raises(AnalysisError, match="has no column 'branchh' to cluster by"):
        analyze_fairness(project, spec(cluster="branchh", bootstrap=20))
    with pytest.raises(AnalysisError, match="--cluster 'y' is the label column"):
        spec(cluster="y")
    with pytest.raises(AnalysisError, match="--cluster 'score' is the score column"):
        spec(cluster="score")


def test_null_clusters_are_refused(project: Project, make_table: Any) -> None:
    rows = nested_rows()
    rows["branch"] = [None if i == 7 else b for i, b in enumerate(rows["branch"])]
    make_table("apps", rows)
    with pytest.raises(AnalysisError, match=r"Column 'branch' of table 'apps' is empty in 1 row"):
        analyze_fairness(project, spec(cluster="branch", bootstrap=20))


def test_the_descriptor_takes_cluster(project: Project, nested: pd.DataFrame) -> None:
    assert KIND.parameter("cluster").flag == "--cluster"
    built = KIND.build({"table": "apps", "label": "y", "sensitive": ["sex"], "score": ["score"],
                        "cluster": "branch"})  # fmt: skip
    assert built.cluster == "branch"
    assert FairnessSpec.from_dict(built.to_dict()).cluster == "branch"


def test_group_evidence_resamples_clusters(project: Project, nested: pd.DataFrame) -> None:
    from tradeoff_studio.core.analyses.fairness.evidence import group_evidence

    chosen = spec(cluster="branch", bootstrap=400)
    frame = analyze_fairness(project, chosen).candidates.frame
    candidate = frame[frame["selection_rate"].between(0.4, 0.6)].iloc[0].to_dict()
    clustered = group_evidence(project, chosen.to_dict(), candidate)["groups"][0]
    plain = group_evidence(project, spec(bootstrap=400).to_dict(), candidate)["groups"][0]
    assert clustered["selection_rate"] == plain["selection_rate"]
    wide = clustered["selection_rate_hi"] - clustered["selection_rate_lo"]
    assert wide > 1.5 * (plain["selection_rate_hi"] - plain["selection_rate_lo"])


def test_a_refused_cluster_leaves_the_project_unchanged(
    project: Project, nested: pd.DataFrame, state: Any
) -> None:
    from tradeoff_studio.core import analysis_workflows as flows

    before = state(project)
    with pytest.raises(AnalysisError):
        flows.analyze(project, spec(cluster="nope", bootstrap=20))
    assert state(project) == before


def test_resampled_tables_equal_the_rows_weighted_by_their_clusters_draws() -> None:
    """The count tables of a resample are exactly the rows' cells weighted by how often their cluster
    was drawn (same draws), including with the block product over few clusters at a time."""
    from tradeoff_studio.core.analyses.clusters import draw_counts
    from tradeoff_studio.core.analyses.fairness import cluster_cells as cc

    rng = np.random.default_rng(0)
    rows = 3000
    cluster, group = rng.integers(0, 37, rows), rng.integers(0, 3, rows)
    bin_, label, weight = rng.integers(0, 9, rows), rng.integers(0, 2, rows), rng.gamma(2.0, 1.0, rows)
    cells = cc.cluster_cells("c", (37, 3, 9, 2), (cluster, group, bin_, label), (np.ones(rows), weight))
    used = np.array([0, 2, 5, 9])
    tables = cc.merged_tables(cells, used, 3)
    original = cc.BLOCK_CELLS
    try:
        cc.BLOCK_CELLS = 5 * 2 * 18  # five clusters per block
        count, summed = tables.resample(np.random.default_rng(42), 6)
    finally:
        cc.BLOCK_CELLS = original
    drawn = draw_counts(np.random.default_rng(42), 37, 6)
    merged = np.searchsorted(used, bin_, side="right") - 1
    for r in range(6):
        times = drawn[r, cluster]
        for g, m, y in [(0, 1, 1), (2, 0, 0), (1, 2, 1)]:
            keep = (group == g) & (merged == m) & (label == y)
            assert count[r, g, m, y] == pytest.approx(times[keep].sum(), abs=1e-9)
            assert summed[r, g, m, y] == pytest.approx((times * weight)[keep].sum(), rel=1e-12)
