"""Cost–quality with nested items (issue #17, observation 1): the cluster bootstrap and the nesting note."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tradeoff_studio.core.analyses.candidates import AnalysisError
from tradeoff_studio.core.analyses.cost_quality import CostQualitySpec, analyze_cost_quality
from tradeoff_studio.core.project import Project
from tradeoff_studio.core.sql import ident

DATASETS, SEEDS = 60, 5
SYSTEMS = {"knn": (0.0, 0.2), "logreg": (0.3, 1.0), "forest": (0.8, 5.0)}  # ability shift, cost


def add_table(project: Project, name: str, frame: pd.DataFrame) -> None:
    project.con.register("incoming", frame)
    project.con.execute(f"CREATE TABLE {ident(name)} AS SELECT * FROM incoming")
    project.con.unregister("incoming")


def nested_log(seed: int = 7) -> pd.DataFrame:
    """(dataset, seed) items: how hard a dataset is dominates every system's accuracy on it."""
    rng = np.random.default_rng(seed)
    hardness = rng.normal(0.0, 1.5, DATASETS)
    rows = []
    for d in range(DATASETS):
        for s in range(SEEDS):
            for name, (shift, cost) in SYSTEMS.items():
                p = 1.0 / (1.0 + np.exp(-(shift - hardness[d] + rng.normal(0.0, 0.2))))
                rows.append({"item": f"ds{d:02d}/{s}", "dataset": f"ds{d:02d}", "system": name,
                             "accuracy": float(p), "seconds": cost * (1 + 0.1 * s)})  # fmt: skip
    return pd.DataFrame(rows)


def spec(**changes: object) -> CostQualitySpec:
    options = {"cost": "seconds", "resamples": 2000, "mix_steps": 2} | changes
    return CostQualitySpec("runs", "item", "system", "accuracy", **options)  # type: ignore[arg-type]


@pytest.fixture
def nested(project: Project) -> Project:
    add_table(project, "runs", nested_log())
    return project


def direct_cluster_ci(log: pd.DataFrame, system: str, resamples: int, seed: int) -> tuple[float, float]:
    """The cluster bootstrap written out plainly: draw datasets with replacement, pool their items."""
    rows = log[log["system"] == system]
    by_dataset = [group["accuracy"].to_numpy() for _, group in rows.groupby("dataset")]
    rng = np.random.default_rng(seed)
    means = []
    for _ in range(resamples):
        drawn = rng.integers(0, len(by_dataset), len(by_dataset))
        means.append(np.concatenate([by_dataset[k] for k in drawn]).mean())
    lo, hi = np.percentile(means, [2.5, 97.5], method="inverted_cdf")
    return float(lo), float(hi)


def test_cluster_bootstrap_matches_a_direct_implementation_and_is_wider(nested: Project) -> None:
    log = nested_log()
    clustered = analyze_cost_quality(nested, spec(cluster="dataset")).frame.set_index("candidate_id")
    items = analyze_cost_quality(nested, spec()).frame.set_index("candidate_id")
    for system in SYSTEMS:
        lo, hi = direct_cluster_ci(log, system, 2000, seed=20261127)
        ours = clustered.loc[system, "quality_hi"] - clustered.loc[system, "quality_lo"]
        assert ours == pytest.approx(hi - lo, rel=0.05), system
        assert clustered.loc[system, "quality_lo"] < log[log.system == system].accuracy.mean() < hi
        narrow = items.loc[system, "quality_hi"] - items.loc[system, "quality_lo"]
        assert ours > 1.5 * narrow, system  # resampling (dataset, seed) pairs as independent is overconfident
    assert clustered.loc["logreg", "quality"] == items.loc["logreg", "quality"]  # the point does not move


def test_notes_name_the_interval_and_the_suspected_nesting(nested: Project) -> None:
    clustered = analyze_cost_quality(nested, spec(cluster="dataset", resamples=50)).notes
    assert clustered["ci"] == f"95% CI by dataset, {DATASETS} clusters"
    assert clustered["bootstrap"]["clusters"] == DATASETS and clustered["nesting"] is None
    plain = analyze_cost_quality(nested, spec(resamples=50)).notes
    assert plain["ci"] == f"95% CI by item, {DATASETS * SEEDS} items"
    nesting = plain["nesting"]
    assert nesting["column"] == "dataset" and nesting["groups"] == DATASETS
    assert "give --cluster dataset" in nesting["text"]


def test_item_id_prefixes_raise_the_nesting_note_without_a_column(project: Project) -> None:
    add_table(project, "runs", nested_log().drop(columns="dataset"))
    nesting = analyze_cost_quality(project, spec(resamples=20)).notes["nesting"]
    assert nesting["by"] == "the prefix of the item ids" and nesting["groups"] == DATASETS
    flat = nested_log().assign(item=lambda f: "q" + f["item"].str.replace("/", "").str[2:])
    add_table(project, "flat", flat.drop(columns="dataset"))
    notes = analyze_cost_quality(project, CostQualitySpec("flat", "item", "system", "accuracy",
                                                          cost="seconds", resamples=20)).notes  # fmt: skip
    assert notes["nesting"] is None


def test_cluster_errors_name_the_column_and_the_item(project: Project) -> None:
    log = nested_log()
    log.loc[(log["item"] == "ds03/1") & (log["system"] == "knn"), "dataset"] = "ds04"
    add_table(project, "runs", log)
    with pytest.raises(AnalysisError, match=r"Item 'ds03/1' .* two clusters of column 'dataset'"):
        analyze_cost_quality(project, spec(cluster="dataset", resamples=20))
    with pytest.raises(AnalysisError, match="is the system column"):
        analyze_cost_quality(project, spec(cluster="system", resamples=20))
    with pytest.raises(AnalysisError, match="has no column 'suite'"):
        analyze_cost_quality(project, spec(cluster="suite", resamples=20))
    log.loc[0, "dataset"] = None
    add_table(project, "holes", log)
    with pytest.raises(AnalysisError, match="column 'dataset' has no usable value"):
        analyze_cost_quality(project, CostQualitySpec("holes", "item", "system", "accuracy", cost="seconds",
                                                      cluster="dataset", resamples=20))  # fmt: skip
