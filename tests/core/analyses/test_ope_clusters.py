"""ope-estimate with nested rounds (issue #17): ``--cluster COL`` resamples whole users' rounds."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pandas as pd
import pytest

from support.ope_models import CONTEXT, bandit_log, policy_model, policy_weights, softmax
from tradeoff_studio.core.analyses.candidates import AnalysisError
from tradeoff_studio.core.analyses.ope import estimators as est
from tradeoff_studio.core.analyses.ope.estimate import OpeEstimateSpec, estimate_ope
from tradeoff_studio.core.inference.registry import add_model
from tradeoff_studio.core.project import Project
from tradeoff_studio.core.sql import ident

ACTIONS, USERS, PER_USER = 4, 150, 20


def nested_log() -> pd.DataFrame:
    """A bandit log of 60 users × 50 rounds: how much a user clicks dominates the rewards."""
    log = bandit_log(USERS * PER_USER, ACTIONS, seed=9)
    rng = np.random.default_rng(4)
    user = np.repeat(np.arange(USERS), PER_USER)
    keen = 1.0 / (1.0 + np.exp(-rng.normal(0.0, 1.5, USERS)))
    reward = 0.3 * log["reward"] + (rng.random(len(log)) < keen[user])
    return log.assign(reward=reward.astype(np.float64), user_id=[f"u{u:02d}" for u in user])


def add_table(project: Project, name: str, frame: pd.DataFrame) -> None:
    project.con.register("incoming", frame)
    project.con.execute(f"CREATE TABLE {ident(name)} AS SELECT * FROM incoming")
    project.con.unregister("incoming")


@pytest.fixture
def logged(project: Project, tmp_path: Path) -> tuple[Project, pd.DataFrame]:
    log = nested_log()
    add_table(project, "log", log)
    path = tmp_path / "pi1.onnx"
    onnx.save(policy_model(*policy_weights(1, ACTIONS), actions=ACTIONS), path)
    add_model(project, path, name="pi1")
    return project, log


def spec(**changes: Any) -> OpeEstimateSpec:
    base = OpeEstimateSpec("log", action="action", reward="reward", pscore="pscore", policies=("pi1",),
                           into="estimates", estimators=("ipw", "snipw"), resamples=2000,
                           provider="cpu")  # fmt: skip
    return replace(base, **changes)


def ipw_terms(log: pd.DataFrame) -> np.ndarray:
    x = log[list(CONTEXT)].to_numpy()
    distribution = softmax(x @ policy_weights(1, ACTIONS)[0] + policy_weights(1, ACTIONS)[1])
    n = len(log)
    return distribution[np.arange(n), log["action"]] / log["pscore"].to_numpy() * log["reward"].to_numpy()


def row(result: Any, estimator: str) -> pd.Series:
    frame = result.frame
    return frame[(frame["policy"] == "pi1") & (frame["estimator"] == estimator)].iloc[0]


def test_clusters_resampled_exactly_as_drawn(logged: tuple[Project, pd.DataFrame]) -> None:
    """Same draws: the interval equals the one computed on the rows of the drawn users."""
    project, log = logged
    result = estimate_ope(project, spec(cluster="user_id", resamples=300, seed=5))
    terms, users = ipw_terms(log), log["user_id"].to_numpy()
    names = np.unique(users)  # the clusters' order: sorted values
    per_user = np.array([terms[users == name].sum() for name in names])
    rounds = np.array([(users == name).sum() for name in names], dtype=np.float64)
    counts = np.random.default_rng(5).multinomial(USERS, np.full(USERS, 1.0 / USERS), size=300)
    boot = (counts @ per_user) / (counts @ rounds)
    ipw = row(result, "ipw")
    assert ipw["estimated_value"] == pytest.approx(terms.mean(), rel=1e-12)
    assert ipw["estimated_value_lo"] == pytest.approx(np.percentile(boot, 2.5), rel=1e-9)
    assert ipw["estimated_value_hi"] == pytest.approx(np.percentile(boot, 97.5), rel=1e-9)


def test_cluster_interval_matches_a_direct_bootstrap_and_is_wider(
    logged: tuple[Project, pd.DataFrame],
) -> None:
    project, log = logged
    clustered = row(estimate_ope(project, spec(cluster="user_id")), "ipw")
    plain = row(estimate_ope(project, spec(into="plain")), "ipw")
    terms = ipw_terms(log)
    blocks = [terms[log["user_id"].to_numpy() == name] for name in np.unique(log["user_id"])]
    rng = np.random.default_rng(123)
    means = [np.concatenate([blocks[k] for k in rng.integers(0, USERS, USERS)]).mean() for _ in range(2000)]
    direct = float(np.subtract(*np.percentile(means, [97.5, 2.5])))
    ours = clustered["estimated_value_hi"] - clustered["estimated_value_lo"]
    assert ours == pytest.approx(direct, rel=0.05)
    assert ours > 1.5 * (plain["estimated_value_hi"] - plain["estimated_value_lo"])
    assert clustered["estimated_value"] == plain["estimated_value"]


def test_outputs_say_what_was_resampled(logged: tuple[Project, pd.DataFrame]) -> None:
    project, _log = logged
    result = estimate_ope(project, spec(cluster="user_id", resamples=50))
    assert result.ci == f"95% CI by user_id, {USERS} clusters" and result.nesting is None
    assert result.to_dict()["ci"] == result.ci
    from tradeoff_studio.core.data.importer import list_datasets

    record = next(item for item in list_datasets(project) if item.table_name == "estimates")
    assert record.reader_options["ci"] == result.ci and record.reader_options["cluster"] == "user_id"
    plain = estimate_ope(project, spec(resamples=50, into="plain"))
    assert plain.ci == f"95% CI by round, {USERS * PER_USER:,} rounds"
    assert plain.nesting is not None and plain.nesting["column"] == "user_id"
    assert "give --cluster user_id" in plain.nesting["text"]


def test_a_wrong_cluster_column_is_refused_and_changes_nothing(
    logged: tuple[Project, pd.DataFrame], state: Any
) -> None:
    project, _log = logged
    before = state(project)
    with pytest.raises(AnalysisError, match="Table 'log' has no column 'user' to cluster by"):
        estimate_ope(project, spec(cluster="user"))
    with pytest.raises(AnalysisError, match="--cluster 'reward' is the reward column"):
        estimate_ope(project, spec(cluster="reward"))
    assert state(project) == before


def test_chunked_resampled_sums_equal_the_one_shot_product() -> None:
    per_group = np.random.default_rng(0).normal(size=(3, 50))
    counts = est.resample_counts(50, 40, 8)
    original = est.CELLS_PER_CHUNK
    try:
        est.CELLS_PER_CHUNK = 7 * 50
        chunked = est.resampled_sums(per_group, 40, 8)
    finally:
        est.CELLS_PER_CHUNK = original
    assert np.allclose(chunked, per_group @ counts.T, rtol=1e-13)
