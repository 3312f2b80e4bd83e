"""ope-estimate: IPW, SNIPW, DM, DR, SNDR, Switch-DR from logs with ONNX policies, against obp's definitions.

The reference formulas below are written from obp 0.5's published definitions
(obp.ope.estimators: InverseProbabilityWeighting, SelfNormalizedInverseProbabilityWeighting,
DirectMethod, DoublyRobust, SelfNormalizedDoublyRobust, SwitchDoublyRobust), computed in float64
from the same policies' action distributions evaluated in numpy; obp itself is not installed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import onnx
import pandas as pd
import pytest

from support.ope_models import CONTEXT, bandit_log, policy_model, policy_weights, reward_model, softmax
from tradeoff_studio.core.analyses.candidates import AnalysisError
from tradeoff_studio.core.analyses.ope import OpeSpec, analyze_ope
from tradeoff_studio.core.analyses.ope.estimate import OpeEstimateSpec, estimate_ope
from tradeoff_studio.core.errors import ModelError, NameInUseError
from tradeoff_studio.core.inference.registry import add_model
from tradeoff_studio.core.project import Project
from tradeoff_studio.core.sql import ident

ACTIONS = 5
TAU = 3.0


def add_table(project: Project, name: str, frame: pd.DataFrame) -> None:
    project.con.register("incoming", frame)
    project.con.execute(f"CREATE TABLE {ident(name)} AS SELECT * FROM incoming")
    project.con.unregister("incoming")


def save_and_add(project: Project, folder: Path, model: onnx.ModelProto, name: str) -> None:
    path = folder / f"{name}.onnx"
    onnx.save(model, path)
    add_model(project, path, name=name)


def obp_reference(log: pd.DataFrame, dist: np.ndarray, q: np.ndarray, tau: float) -> dict[str, float]:
    """obp's estimators: dist and q are [n, A] (already taken at each round's position)."""
    n = len(log)
    idx = np.arange(n)
    a, r, p = log["action"].to_numpy(), log["reward"].to_numpy(), log["pscore"].to_numpy()
    iw = dist[idx, a] / p
    q_pi = np.average(q, weights=dist, axis=1)  # obp: np.average(estimated_rewards, weights=action_dist)
    q_f = q[idx, a]
    return {
        "ipw": float(np.mean(iw * r)),
        "snipw": float(np.mean(iw * r / iw.mean())),
        "dm": float(np.mean(q_pi)),
        "dr": float(np.mean(q_pi + iw * (r - q_f))),
        "sndr": float(np.mean(q_pi + iw * (r - q_f) / iw.mean())),
        "switch-dr": float(np.mean(q_pi + iw * (r - q_f) * (iw <= tau))),
        "ess": float(iw.sum() ** 2 / (iw**2).sum()),
        "max_weight": float(iw.max()),
    }


@pytest.fixture
def logged(project: Project, tmp_path: Path) -> tuple[Project, pd.DataFrame]:
    log = bandit_log(3_000, ACTIONS)
    add_table(project, "log", log)
    for seed in (1, 2):
        save_and_add(
            project, tmp_path, policy_model(*policy_weights(seed, ACTIONS), actions=ACTIONS), f"pi{seed}"
        )
    v = np.random.default_rng(5).normal(0, 1, (len(CONTEXT), ACTIONS))
    save_and_add(project, tmp_path, reward_model(v, np.full(ACTIONS, -1.0)), "qhat")
    return project, log


def base_spec(**changes: object) -> OpeEstimateSpec:
    spec = OpeEstimateSpec(
        "log", action="action", reward="reward", pscore="pscore", policies=("pi1", "pi2"), into="estimates",
        reward_model="qhat", resamples=200, switch_tau=TAU, provider="cpu",
    )  # fmt: skip
    return replace(spec, **changes)  # type: ignore[arg-type]


def test_estimators_match_obps_definitions_at_1e9(logged: tuple[Project, pd.DataFrame]) -> None:
    project, log = logged
    result = estimate_ope(project, base_spec())
    x = log[list(CONTEXT)].to_numpy()
    v = np.random.default_rng(5).normal(0, 1, (len(CONTEXT), ACTIONS))
    q = 1.0 / (1.0 + np.exp(-(x @ v - 1.0)))
    stored = project.con.execute("SELECT * FROM estimates").df()
    assert len(stored) == 2 * 6 + 6 and result.rounds == 3_000
    for seed in (1, 2):
        w, b = policy_weights(seed, ACTIONS)
        reference = obp_reference(log, softmax(x @ w + b), q, TAU)
        rows = stored[stored["policy"] == f"pi{seed}"].set_index("estimator")
        for name in ("ipw", "snipw", "dm", "dr", "sndr", "switch-dr"):
            assert rows.loc[name, "estimated_value"] == pytest.approx(reference[name], abs=1e-9, rel=1e-9)
            assert rows.loc[name, "ess"] == pytest.approx(reference["ess"], rel=1e-9)
            assert rows.loc[name, "max_weight"] == pytest.approx(reference["max_weight"], rel=1e-9)
        assert reference["switch-dr"] != pytest.approx(reference["dr"], abs=1e-6)  # tau = 3 truncates


def test_bootstrap_over_rounds_and_behaviour_rows(logged: tuple[Project, pd.DataFrame]) -> None:
    project, log = logged
    estimate_ope(project, base_spec(resamples=300, seed=11))
    stored = project.con.execute("SELECT * FROM estimates").df()
    ipw = stored[(stored["policy"] == "pi1") & (stored["estimator"] == "ipw")].iloc[0]
    # With fewer rounds than groups every round is its own group: the plain bootstrap over rounds.
    x = log[list(CONTEXT)].to_numpy()
    w, b = policy_weights(1, ACTIONS)
    n = len(log)
    iw_r = softmax(x @ w + b)[np.arange(n), log["action"]] / log["pscore"] * log["reward"]
    counts = np.random.default_rng(11).multinomial(n, np.full(n, 1.0 / n), size=300)
    boot = counts @ iw_r.to_numpy() / n
    assert ipw["estimated_value_lo"] == pytest.approx(np.percentile(boot, 2.5), rel=1e-9)
    assert ipw["estimated_value_hi"] == pytest.approx(np.percentile(boot, 97.5), rel=1e-9)
    assert ipw["estimated_value_lo"] < ipw["estimated_value"] < ipw["estimated_value_hi"]
    assert ipw["resamples_defined"] == 300
    behaviour = stored[stored["is_behaviour"]]
    assert set(behaviour["policy"]) == {"behaviour"} and len(behaviour) == 6
    assert behaviour["estimated_value"].to_numpy() == pytest.approx(log["reward"].mean(), rel=1e-12)
    assert (stored["reward_min"] == 0.0).all() and (stored["reward_max"] == 1.0).all()


def test_the_result_feeds_the_shortlist_analysis(logged: tuple[Project, pd.DataFrame]) -> None:
    project, _log = logged
    estimate_ope(project, base_spec())
    spec = OpeSpec("estimates", "policy", "estimator", "estimated_value", None, "is_behaviour", resamples=50)
    table = analyze_ope(project, spec)
    assert set(table.frame["estimator"]) == {"ipw", "snipw", "dm", "dr", "sndr", "switch-dr"}
    assert table.notes["value_range"] == [0.0, 1.0] and table.notes["behaviour_policy"] == "behaviour"


def test_positions_and_action_labels(project: Project, tmp_path: Path) -> None:
    log = bandit_log(1_500, ACTIONS, positions=3, seed=3)
    labels = [f"item{i}" for i in range(ACTIONS)]
    add_table(project, "slates", log.assign(item=[labels[a] for a in log["action"]]))
    w, b = policy_weights(4, ACTIONS, positions=3)
    save_and_add(project, tmp_path, policy_model(w, b, actions=ACTIONS, positions=3), "slate_pi")
    spec = OpeEstimateSpec("slates", action="item", reward="reward", pscore="pscore", policies=("slate_pi",),
                           into="slate_estimates", position="position", actions=tuple(labels),
                           estimators=("ipw", "dm", "dr"), resamples=50, provider="cpu")  # fmt: skip
    estimate_ope(project, spec)
    stored = (
        project.con.execute("SELECT * FROM slate_estimates WHERE NOT is_behaviour")
        .df()
        .set_index("estimator")
    )
    x = log[list(CONTEXT)].to_numpy()
    cube = softmax((x @ w + b).reshape(-1, ACTIONS, 3), axis=1)
    dist = cube[np.arange(len(log)), :, log["position"].to_numpy()]
    means = log.groupby(["action", "position"])["reward"].mean()
    q = np.array([[means.get((a, p), log["reward"].mean()) for a in range(ACTIONS)] for p in log["position"]])
    reference = obp_reference(log, dist, q, math.inf)
    for name in ("ipw", "dm", "dr"):
        assert stored.loc[name, "estimated_value"] == pytest.approx(reference[name], abs=1e-9, rel=1e-9)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("UPDATE log SET pscore = 0 WHERE rowid = 41",
         r"Row 42 of table 'log': the value in column 'pscore' is not a probability"),
        ("UPDATE log SET action = NULL WHERE rowid = 9",
         r"Row 10 of table 'log': the value in column 'action' is missing"),
        ("UPDATE log SET action = 7 WHERE rowid = 3",
         r"The log holds action 7, but policy 'pi1' gives probabilities for 5 actions"),
        ("CREATE TABLE estimates AS SELECT 1 AS x", r"already has a table 'estimates'"),
    ],
)  # fmt: skip
def test_refusals_name_the_row_and_leave_the_project_unchanged(
    logged: tuple[Project, pd.DataFrame], state: Callable[[Project], object], change: str, message: str
) -> None:
    project, _log = logged
    project.con.execute(change)
    before = state(project)
    with pytest.raises((AnalysisError, NameInUseError), match=message):
        estimate_ope(project, base_spec())
    assert state(project) == before


def test_a_reward_model_is_not_a_policy(logged: tuple[Project, pd.DataFrame]) -> None:
    project, _log = logged
    with pytest.raises(ModelError, match="Model 'qhat' does not give action probabilities"):
        estimate_ope(project, base_spec(policies=("qhat",)))
    with pytest.raises(AnalysisError, match="Unknown estimator"):
        estimate_ope(project, base_spec(estimators=("ipw", "dr-os")))


def test_without_a_reward_model_q_hat_is_the_logged_mean_per_action(
    logged: tuple[Project, pd.DataFrame],
) -> None:
    project, log = logged
    estimate_ope(project, base_spec(reward_model=None, policies=("pi1",), estimators=("dm", "dr")))
    stored = project.con.execute("SELECT * FROM estimates WHERE policy = 'pi1'").df().set_index("estimator")
    x = log[list(CONTEXT)].to_numpy()
    dist = softmax(x @ policy_weights(1, ACTIONS)[0] + policy_weights(1, ACTIONS)[1])
    means = log.groupby("action")["reward"].mean().reindex(range(ACTIONS)).fillna(log["reward"].mean())
    q = np.tile(means.to_numpy(), (len(log), 1))
    reference = obp_reference(log, dist, q, math.inf)
    assert stored.loc["dm", "estimated_value"] == pytest.approx(reference["dm"], abs=1e-9, rel=1e-9)
    assert stored.loc["dr", "estimated_value"] == pytest.approx(reference["dr"], abs=1e-9, rel=1e-9)


def test_cancel_between_batches_leaves_nothing(
    logged: tuple[Project, pd.DataFrame], state: Callable[[Project], object]
) -> None:
    from tradeoff_studio.core.errors import CancelledError
    from tradeoff_studio.core.jobs import CancelToken

    project, _log = logged
    before = state(project)
    token = CancelToken()
    seen: list[str] = []

    def progress(_share: float, message: str) -> None:
        seen.append(message)
        if message.startswith("Scored"):
            token.cancel()

    with pytest.raises(CancelledError):
        estimate_ope(project, base_spec(batch_rows=500), progress=progress, cancel=token)
    assert state(project) == before and "estimates" not in project.tables()
    assert sum(message.startswith("Scored") for message in seen) == 1


def test_group_sums_fold_consecutive_rounds_like_a_bincount() -> None:
    from tradeoff_studio.core.analyses.ope.estimators import group_sums

    rng = np.random.default_rng(3)
    terms = rng.normal(size=(6, 2_500))
    consecutive = np.arange(7_000, 9_500)
    order = rng.permutation(len(consecutive))  # the same rounds out of order: the bincount path
    folded = group_sums(terms, consecutive, 997)
    scattered = group_sums(terms[:, order], consecutive[order], 997)
    ids = consecutive % 997
    sums = [np.bincount(ids, weights=t, minlength=997) for t in terms]
    expected = np.vstack([np.bincount(ids, minlength=997), *sums])
    assert np.allclose(folded, expected, rtol=1e-12, atol=1e-12)
    assert np.allclose(scattered, expected, rtol=1e-12, atol=1e-12)


def test_the_result_table_is_catalogued_soundly(logged: tuple[Project, pd.DataFrame]) -> None:
    from tradeoff_studio.core.data.importer import list_datasets
    from tradeoff_studio.core.integrity import check_project

    project, _log = logged
    estimate_ope(project, base_spec(estimators=("ipw",)))
    record = next(item for item in list_datasets(project) if item.table_name == "estimates")
    assert record.format == "ope-estimate" and record.row_count == 3
    assert record.reader_options["source_table"] == "log" and record.reader_options["policies"] == [
        "pi1",
        "pi2",
    ]
    path = project.path
    project.close()
    report = check_project(path)
    assert report.sound, report.problems


def test_map_feeds_a_policy_from_differently_named_columns(logged: tuple[Project, pd.DataFrame]) -> None:
    project, log = logged
    renamed = log.rename(columns={"x0": "age", "x1": "income", "x2": "debt"})
    add_table(project, "renamed", renamed)
    spec = base_spec(table="renamed", policies=("pi1",), reward_model=None, estimators=("ipw",))
    with pytest.raises(ModelError, match="x0"):
        estimate_ope(project, spec)
    estimate_ope(project, replace(spec, mapping={"x": "age,income,debt"}))
    mapped = project.con.execute("SELECT estimated_value FROM estimates WHERE policy = 'pi1'").fetchone()
    estimate_ope(project, base_spec(policies=("pi1",), reward_model=None, estimators=("ipw",), into="direct"))
    direct = project.con.execute("SELECT estimated_value FROM direct WHERE policy = 'pi1'").fetchone()
    assert mapped == direct


def test_without_pyarrow_the_estimates_are_the_same(
    logged: tuple[Project, pd.DataFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The installed app has no pyarrow: the log is then read as pandas chunks, with the same estimates."""
    from tradeoff_studio.core.inference import batches

    project, _log = logged
    spec = base_spec(batch_rows=700)
    estimate_ope(project, spec)
    monkeypatch.setattr(batches, "arrow_available", lambda: False)
    estimate_ope(project, replace(spec, into="estimates_numpy"))
    arrow = project.con.execute("SELECT * FROM estimates ORDER BY policy, estimator").df()
    plain = project.con.execute("SELECT * FROM estimates_numpy ORDER BY policy, estimator").df()
    pd.testing.assert_frame_equal(arrow, plain, check_exact=True)
