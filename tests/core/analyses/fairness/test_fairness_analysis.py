"""The analysis end to end: the candidates contract, groups, sites, progress, read-only, start-up cost."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import demographic_parity_difference, equalized_odds_difference

from tradeoff_studio.core.analyses.candidates import parse_objectives
from tradeoff_studio.core.analyses.fairness import KNOBS, METRICS, FairnessSpec, analyze_fairness
from tradeoff_studio.core.analyses.fairness.spec import POLICIES
from tradeoff_studio.core.errors import CancelledError
from tradeoff_studio.core.jobs import CancelToken
from tradeoff_studio.core.project import Project

SENSITIVE = ["sex", "region"]
DEMO = Path(__file__).resolve().parents[4] / "resources" / "demo" / "credit_applications.parquet"


def test_candidates_contract(project: Project, random_table: Any) -> None:
    random_table(n=3000, seed=1)
    spec = FairnessSpec(
        "t", "y", SENSITIVE, ["score", "other"], bootstrap=30, capacity_rate=0.5, policies=POLICIES
    )
    result = analyze_fairness(project, spec)
    table = result.candidates
    frame = table.frame
    assert table.kind == "fairness" and table.knobs == list(KNOBS) and table.metrics == list(METRICS)
    assert [str(o) for o in table.objectives] == ["accuracy:max", "dp_difference:min"]
    expected = ["candidate_id", *KNOBS] + [f"{m}{s}" for m in METRICS for s in ("", "_lo", "_hi")]
    flags = ["uses_protected_attribute", "degenerate", "rule"]
    assert list(frame.columns) == [*expected, *flags, "on_front", "rank", "near_front"]
    assert frame["candidate_id"].is_unique and set(frame["model"]) == {"score", "other"}
    assert set(frame["policy"]) == {"global", "group", "randomized", "capacity"}
    deterministic = frame["policy"] == "global"
    assert frame.loc[deterministic, "threshold"].notna().all()
    assert frame.loc[frame["policy"].isin(["group", "randomized"]), "threshold"].isna().all()
    rules = [json.loads(text) for text in frame["thresholds"]]
    assert all(set(rule) == set(result.groups["group"]) for rule in rules)
    defined = ~frame["degenerate"].to_numpy()
    assert np.isfinite(frame.loc[defined, list(METRICS)].to_numpy()).all()
    assert frame.loc[~defined, "dp_ratio"].isna().all()
    assert not frame.loc[frame["policy"] == "global", "uses_protected_attribute"].any()
    assert frame.loc[frame["policy"].isin(["group", "randomized"]), "uses_protected_attribute"].all()
    values = frame[["accuracy", "dp_difference"]].to_numpy()
    dominated = [((values[:, 0] >= a) & (values[:, 1] <= d) & ((values[:, 0] > a) | (values[:, 1] < d))).any()
                 for a, d in values]  # fmt: skip
    np.testing.assert_array_equal(frame["on_front"].to_numpy(), ~np.array(dominated))
    assert result.notes["threshold_rule"].startswith("A row is selected")
    assert json.dumps(result.notes)  # JSON-ready
    assert FairnessSpec.from_dict(json.loads(json.dumps(spec.to_dict()))) == spec


def test_objectives_steer_the_search(project: Project, random_table: Any) -> None:
    random_table(n=2000, seed=2)
    objectives = parse_objectives("balanced_accuracy:max,eodds_difference:min")
    spec = FairnessSpec(
        "t", "y", SENSITIVE, ["score"], bootstrap=0, objectives=objectives, policies=["group"]
    )
    result = analyze_fairness(project, spec)
    assert result.notes["search"] == {"utility": "balanced_accuracy", "constraint": "eodds_difference",
                                      "randomized_rate": "selection_rate"}  # fmt: skip
    frame = result.candidates.frame
    assert frame["eodds_difference"].min() < 0.05 < frame["eodds_difference"].max()
    assert frame["on_front"].any()


def test_small_and_missing_groups_are_flagged_not_merged(project: Project, make_table: Any) -> None:
    rng = np.random.default_rng(3)
    n = 1000
    sex = np.array(["f", "m"] * (n // 2), dtype=object)
    sex[:12] = None
    label = (rng.random(n) < 0.4).astype(np.int64)
    make_table("t", {"sex": sex, "y": label, "score": rng.random(n)})
    result = analyze_fairness(project, FairnessSpec("t", "y", ["sex"], ["score"], bootstrap=0))
    groups = result.groups.set_index("group")
    assert list(groups.index) == ["sex=f", "sex=m", "sex=(missing)"]
    assert groups.loc["sex=(missing)", "rows"] == 12 and groups.loc["sex=(missing)", "small"]
    assert "12 rows < 30" in groups.loc["sex=(missing)", "small_reason"]
    assert not groups.loc["sex=f", "small"]
    assert result.notes["small_groups"] == ["sex=(missing)"]


def test_site_disparity_local_and_pooled(project: Project, random_table: Any, make_table: Any) -> None:
    rows = random_table(name="base", n=3000, seed=4)
    rows["site"] = np.random.default_rng(4).choice(["s1", "s2", "s3"], 3000)
    make_table("t", rows)
    spec = FairnessSpec(
        "t", "y", SENSITIVE, ["score"], bootstrap=0, site="site", policies=["global", "group"]
    )
    result = analyze_fairness(project, spec)
    sites = result.site_disparity
    assert sites is not None and set(sites["scope"]) == {"local", "pooled"}
    frame = result.candidates.frame.set_index("candidate_id")
    assert set(sites["candidate_id"]) == set(frame.index[frame["near_front"]])
    data = pd.DataFrame(rows)
    for _, row in sites.head(12).iterrows():
        rule = json.loads(frame.loc[row["candidate_id"], "thresholds"])
        subset = data if row["scope"] == "pooled" else data[data["site"] == row["site"]]
        cut = np.array(
            [rule[f"sex={s} & region={r}"] for s, r in zip(subset["sex"], subset["region"], strict=True)]
        )
        y_pred = (subset["score"] >= cut).astype(int)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dp = demographic_parity_difference(subset["y"], y_pred, sensitive_features=subset[SENSITIVE])
            eodds = equalized_odds_difference(subset["y"], y_pred, sensitive_features=subset[SENSITIVE])
        assert row["dp_difference"] == pytest.approx(dp, abs=1e-9)
        assert row["eodds_difference"] == pytest.approx(eodds, abs=1e-9)


def test_progress_and_read_only(project: Project, random_table: Any, state: Any) -> None:
    random_table(n=2000, seed=5)
    before = state(project)
    reports: list[float] = []
    analyze_fairness(project, FairnessSpec("t", "y", SENSITIVE, ["score", "other"], bootstrap=20),
                     progress=lambda fraction, _message: reports.append(fraction))  # fmt: skip
    assert state(project) == before
    assert reports[0] == 0.0 and reports[-1] == 1.0
    assert all(b >= a - 1e-12 for a, b in itertools.pairwise(reports))


def test_cancelled_before_the_scan(project: Project, random_table: Any) -> None:
    random_table(n=500, seed=6)
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        analyze_fairness(project, FairnessSpec("t", "y", SENSITIVE, ["score"]), cancel=token)


def test_importing_the_package_does_not_load_pandas() -> None:
    code = "import sys, tradeoff_studio.core.analyses.fairness; print('pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_demo_credit_data(project: Project) -> None:
    project.con.execute(
        "CREATE TABLE credit AS SELECT *, 1 / (1 + exp(2.0 - debt_to_income * 3 - revolving_utilization * 2 "
        "- delinquencies_2y * 0.5 + income / 60000.0)) AS risk FROM read_parquet(?)",
        [str(DEMO)],
    )
    spec = FairnessSpec("credit", "default", ["sex", "ethnicity"], ["risk"], bootstrap=50)
    result = analyze_fairness(project, spec)
    frame = result.candidates.frame
    front = frame[frame["on_front"]]
    assert len(front) >= 3 and 0.5 < result.notes["models"]["risk"]["auc"] < 1.0
    best = frame.loc[frame["accuracy"].idxmax()]
    fairer = front[front["dp_difference"] < best["dp_difference"] / 2]
    assert not fairer.empty  # the trade-off exists: fairness costs some accuracy
    assert (fairer["accuracy"] <= best["accuracy"]).all()
    assert result.iv.query("kind == 'label'")["iv"].iloc[0] > 0.1
