"""Cross-fitted cascades (issue #17, observation 6): thresholds set on some items, scored on the others."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tradeoff_studio.core.analyses.candidates import AnalysisError
from tradeoff_studio.core.analyses.cost_quality import CostQualitySpec, analyze_cost_quality
from tradeoff_studio.core.analyses.cost_quality.clusters import Clusters
from tradeoff_studio.core.analyses.cost_quality.crossfit import fold_of_item
from tradeoff_studio.core.project import Project
from tradeoff_studio.core.sql import ident

ITEMS = 60


def log() -> pd.DataFrame:
    """A cheap system whose confidence tracks being right (noisily), and a dear one right more often."""
    rng = np.random.default_rng(3)
    right_small = rng.random(ITEMS) < 0.55
    right_big = rng.random(ITEMS) < 0.85
    confidence = np.clip(0.5 + 0.3 * (right_small - 0.5) + rng.normal(0, 0.2, ITEMS), 0, 1)
    rows = []
    for i in range(ITEMS):
        group = f"g{i // 6}"
        rows.append({"item": f"q{i:03d}", "group": group, "sys": "small", "ok": bool(right_small[i]),
                     "usd": 1.0, "conf": float(confidence[i])})  # fmt: skip
        rows.append({"item": f"q{i:03d}", "group": group, "sys": "big", "ok": bool(right_big[i]),
                     "usd": 10.0, "conf": 0.5})  # fmt: skip
    return pd.DataFrame(rows)


def spec(**changes: object) -> CostQualitySpec:
    options = {
        "cost": "usd",
        "confidence": "conf",
        "thresholds": 5,
        "mix_steps": 2,
        "resamples": 50,
    } | changes
    return CostQualitySpec("log", "item", "sys", "ok", **options)  # type: ignore[arg-type]


@pytest.fixture
def cascades(project: Project) -> Project:
    project.con.register("incoming", log())
    project.con.execute(f"CREATE TABLE {ident('log')} AS SELECT * FROM incoming")
    project.con.unregister("incoming")
    return project


def held_out_quality(frame: pd.DataFrame, folds: np.ndarray, level: float) -> float:
    """The cascade small → big at one quantile level, each fold on the other folds' threshold."""
    small = frame[frame.sys == "small"].sort_values("item")
    big = frame[frame.sys == "big"].sort_values("item")
    conf, ok_small, ok_big = small.conf.to_numpy(), small.ok.to_numpy(), big.ok.to_numpy()
    outcome = []
    for i in range(ITEMS):
        threshold = np.quantile(conf[folds != folds[i]], level, method="inverted_cdf")
        outcome.append(ok_big[i] if conf[i] < threshold else ok_small[i])
    return float(np.mean(outcome))


def test_in_sample_cascades_say_so(cascades: Project) -> None:
    table = analyze_cost_quality(cascades, spec())
    assert table.notes["cascades"]["evaluation"].startswith("in-sample")
    assert "quality_in_sample" not in table.frame


def test_cross_fitted_cascades_score_held_out_items_beside_the_in_sample_figure(cascades: Project) -> None:
    plain = analyze_cost_quality(cascades, spec()).frame.set_index("candidate_id")
    table = analyze_cost_quality(cascades, spec(folds=5))
    frame = table.frame.set_index("candidate_id")
    folds = fold_of_item(ITEMS, 5, spec().seed, None)
    rows = frame[frame["kind"] == "cascade"]
    assert len(rows) >= 2
    differs = 0
    for candidate, row in rows.iterrows():
        level = float(str(candidate).rsplit("@q", 1)[1])
        assert row["quality"] == pytest.approx(held_out_quality(log(), folds, level))
        assert row["quality_in_sample"] == plain.loc[candidate, "quality"]
        assert row["cost_in_sample"] == plain.loc[candidate, "cost"]
        assert row["threshold"] == plain.loc[candidate, "threshold"]
        differs += row["quality"] != row["quality_in_sample"]
    assert differs > 0
    assert frame.loc[["small", "big"], "quality_in_sample"].isna().all()
    assert table.notes["cascades"]["evaluation"].startswith("cross-fitted over 5 folds of items")


def test_folds_keep_clusters_whole_and_are_checked(cascades: Project) -> None:
    of_item = np.repeat(np.arange(10), 6)
    clusters = Clusters("group", [f"g{k}" for k in range(10)], of_item)
    folds = fold_of_item(ITEMS, 4, 7, clusters)
    assert all(len(set(folds[of_item == k])) == 1 for k in range(10))
    assert sorted(np.bincount(fold_of_item(ITEMS, 4, 7, None)).tolist()) == [15, 15, 15, 15]
    noted = analyze_cost_quality(cascades, spec(folds=3, cluster="group")).notes["cascades"]["evaluation"]
    assert "folds of whole clusters of 'group'" in noted
    with pytest.raises(AnalysisError, match="--folds must lie between 2 and 10"):
        analyze_cost_quality(cascades, spec(folds=11, cluster="group"))
    with pytest.raises(AnalysisError, match="--folds must lie between 2 and 20"):
        analyze_cost_quality(cascades, spec(folds=1))
    with pytest.raises(AnalysisError, match="need a confidence column"):
        analyze_cost_quality(cascades, spec(folds=3, confidence=None))
