"""``ope-estimate``: policy values from logged bandit feedback, for ONNX policies in the project.

The log (:mod:`.logs`) streams out of DuckDB in record batches; every policy (:mod:`.scoring`)
scores each batch, and each round's terms are reduced at once to per-group sums
(:mod:`.estimators`), so memory stays O(groups) whatever the log's size. The reward model q̂
is an ONNX model (``reward_model``) or, by default, the log's mean reward per (action, position).

The result table has one row per (policy, estimator): ``policy``, ``estimator``,
``estimated_value`` with ``estimated_value_lo``/``_hi`` (percentile bootstrap over rounds),
``ess`` (effective sample size of the importance weights), ``max_weight``, ``is_behaviour``,
``rounds``, ``resamples_defined`` and the log's ``reward_min``/``reward_max`` (the value range
``analyze … ope`` then checks estimates against). The behaviour policy gets one row per
estimator with the on-policy value (the mean logged reward), so the table feeds
``analyze PROJECT ope --behaviour is_behaviour`` directly (true values optional). The table is
written, catalogued and audited in one transaction: a failed or cancelled run leaves nothing.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np

from ... import audit
from ...errors import CancelledError, NameInUseError, ProjectError
from ...jobs import CancelToken, Progress, no_progress
from ...project import Project
from ...schema import CATALOG_SCHEMA
from ...sql import ident
from ..candidates import AnalysisError
from . import estimators as est
from .logs import LogSummary, check_columns, empirical_rewards, expressions, summarize
from .nesting import Units, cluster_rank, rounds_or_clusters
from .scoring import DistributionModel, check_distribution, load_distribution_model, place_inputs

if TYPE_CHECKING:
    import pandas as pd

BATCH_ROWS = 65_536


@dataclass(frozen=True)
class OpeEstimateSpec:
    """What ``ope-estimate`` reads (log columns, policies, reward model) and how it estimates."""

    table: str
    action: str
    reward: str
    pscore: str
    policies: tuple[str, ...]
    into: str
    position: str | None = None
    estimators: tuple[str, ...] = est.ESTIMATORS
    reward_model: str | None = None
    mapping: dict[str, str | tuple[str, ...]] = field(default_factory=dict)  # --map INPUT=COL[,COL…]
    actions: tuple[str, ...] | None = None
    resamples: int = 1000
    ci_level: float = 0.95
    seed: int = 20261204
    switch_tau: float = 100.0
    groups: int = est.DEFAULT_GROUPS
    behaviour_name: str = "behaviour"
    provider: str = "auto"
    batch_rows: int = BATCH_ROWS
    cluster: str | None = None  # rounds nest in groups of this column: resample whole groups (see .nesting)


@dataclass(frozen=True)
class EstimateResult:
    """The written table and what produced it."""

    table: str
    rows: int
    rounds: int
    policies: list[str]
    estimators: list[str]
    providers: dict[str, str]
    seconds: float
    frame: pd.DataFrame
    ci: str = ""  # what the intervals resample: "95% CI by user, 300 clusters" or "… by round, N rounds"
    nesting: dict[str, Any] | None = None  # without --cluster: an id column that repeats (see .nesting)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the result rows included)."""
        from ...decisions.evidence import plain

        rows = [{k: plain(v) for k, v in row.items()} for row in self.frame.to_dict(orient="records")]
        return {"table": self.table, "rows": self.rows, "rounds": self.rounds, "policies": self.policies,
                "estimators": self.estimators, "providers": self.providers, "seconds": self.seconds,
                "ci": self.ci, "nesting": self.nesting, "results": rows}  # fmt: skip


def check_estimate_spec(spec: OpeEstimateSpec) -> None:
    """Refuse unknown estimators, missing policies, a missing reward model only where one is implied."""
    unknown = [name for name in spec.estimators if name not in est.ESTIMATORS]
    if unknown or not spec.estimators:
        raise AnalysisError(
            f"Unknown estimator(s) {', '.join(unknown) or '(none given)'}; choose from "
            f"{', '.join(est.ESTIMATORS)}."
        )
    if not spec.policies:
        raise AnalysisError("Give at least one policy model with --policy MODEL.")
    if len(set(spec.policies)) != len(spec.policies) or spec.behaviour_name in spec.policies:
        raise AnalysisError("Each --policy is named once, and none may be called like the behaviour policy.")
    if spec.resamples < 10:
        raise AnalysisError(
            f"Use at least 10 bootstrap resamples (1000 is the default); got {spec.resamples}."
        )
    if not 0.0 < spec.ci_level < 1.0:
        raise AnalysisError(f"The confidence level must lie between 0 and 1, e.g. 0.95; got {spec.ci_level}.")
    if not spec.switch_tau > 0:
        raise AnalysisError(f"The Switch-DR threshold tau must be positive; got {spec.switch_tau}.")
    if not spec.into.strip() or "\x00" in spec.into or spec.into.startswith("_ts"):
        raise AnalysisError(f"{spec.into!r} cannot name the result table. Choose another name with --into.")


def estimate_ope(
    project: Project,
    spec: OpeEstimateSpec,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> EstimateResult:
    """Estimate every policy's value with every estimator and write the result table ``spec.into``."""
    from ...inference.runner import resolve_table

    started, token = time.perf_counter(), cancel or CancelToken()
    check_estimate_spec(spec)
    table = resolve_table(project, spec.table)
    columns = project.columns(table)
    check_columns(spec, table, dict(columns))
    _check_free(project, spec.into)
    progress(0.0, f"Checking {table}")
    summary = summarize(project, spec, table)
    units = rounds_or_clusters(project, spec, table, columns, summary.rows)
    models = [_load(project, name, table, columns, spec) for name in spec.policies]
    reward_model = _load(project, spec.reward_model, table, columns, spec) if spec.reward_model else None
    token.raise_if_cancelled()
    sums = _stream(project, spec, table, (summary, units), (models, reward_model), progress=progress,
                   cancel=token)  # fmt: skip
    frame = _result_frame(spec, summary, sums)
    _write(project, spec, table, frame, (summary, units))
    providers = {model.name: model.provider for model in models}
    progress(1.0, "Done")
    seconds = time.perf_counter() - started
    return EstimateResult(spec.into, len(frame), summary.rows, list(spec.policies), list(spec.estimators),
                          providers, seconds, frame, units.ci, units.nesting)  # fmt: skip


def _load(
    project: Project, name: str, table: str, columns: list[tuple[str, str]], spec: OpeEstimateSpec
) -> DistributionModel:
    overrides = {key: value if isinstance(value, str) else list(value) for key, value in spec.mapping.items()}
    overrides = overrides or None
    return load_distribution_model(project, name, table=table, columns=columns, overrides=overrides,
                                   provider=spec.provider)  # fmt: skip


def _check_free(project: Project, name: str) -> None:
    taken = [table for table in project.tables() if table.casefold() == name.casefold()]
    if taken:
        raise NameInUseError(
            f"The project already has a table '{taken[0]}'. Choose another name with --into."
        )


@dataclass
class _Sums:
    """Per-group sums per policy, the behaviour policy's (rounds, rewards) per group, max weights."""

    policies: np.ndarray
    behaviour: np.ndarray
    max_weight: np.ndarray
    groups: int


def _stream(
    project: Project,
    spec: OpeEstimateSpec,
    table: str,
    log: tuple[LogSummary, Units],
    models: tuple[list[DistributionModel], DistributionModel | None],
    *,
    progress: Progress,
    cancel: CancelToken,
) -> _Sums:
    """One pass over the log: every policy scores every batch, reduced to group sums (a group of
    rounds, or with ``--cluster`` one cluster per group)."""
    from ...inference.batches import query_batches
    from ...inference.prefetch import prefetched
    from ..where import source_sql

    summary, units = log
    policies, reward_model = models
    groups = units.clusters or min(spec.groups, summary.rows)
    sums = _Sums(np.zeros((len(policies), len(est.SUMS), groups)), np.zeros((2, groups)),
                 np.zeros(len(policies)), groups)  # fmt: skip
    everyone = [*policies, *([reward_model] if reward_model else [])]
    exprs, params = expressions(spec)
    selected = place_inputs(everyone, first=5)
    casts = "".join(f", CAST({ident(column)} AS {sql_type})" for column, sql_type in selected)
    sql = f"SELECT rowid, {', '.join(exprs)}{casts}{cluster_rank(spec)} FROM {source_sql(project, table)}"
    cursor = project.con.cursor()
    unhooks = [cancel.on_cancel(cursor.interrupt)]
    unhooks += [cancel.on_cancel(lambda m=m: setattr(m.run_options, "terminate", True)) for m in everyone]
    done = 0
    try:
        reader = query_batches(cursor.execute(sql, params), spec.batch_rows)
        with prefetched(reader) as batches:
            for batch in batches:
                cancel.raise_if_cancelled()
                _batch(spec, summary, batch, (policies, reward_model), sums=sums, cancel=cancel)
                done += batch.num_rows
                progress(0.95 * done / summary.rows, f"Scored {done:,} of {summary.rows:,} logged rounds")
    except duckdb.InterruptException:
        if cancel.cancelled:
            raise CancelledError() from None
        raise ProjectError(f"Reading table '{table}' was interrupted. Nothing was written.") from None
    finally:
        for unhook in unhooks:
            unhook()
        cursor.close()
    return sums


def _batch(
    spec: OpeEstimateSpec,
    summary: LogSummary,
    batch: Any,
    models: tuple[list[DistributionModel], DistributionModel | None],
    *,
    sums: _Sums,
    cancel: CancelToken,
) -> None:
    """Score one batch with every policy and add its rounds' terms to the group sums."""
    policies, reward_model = models
    rowid, action, reward, pscore, position = (batch.column(i) for i in range(5))
    action, position = action.astype(np.int64), position.astype(np.int64)
    first = int(rowid.min()) + 1 if len(rowid) else 0
    rows = f"rows {first:,}-{int(rowid.max()) + 1:,} of table '{spec.table}'" if len(rowid) else "no rows"
    rowid = rowid.astype(np.int64)
    if spec.cluster is not None:  # the cluster's rank (the batch's last column) is the round's group
        rowid = batch.column(batch.num_columns - 1).astype(np.int64)
    sums.behaviour += est.group_sums(reward[None, :], rowid, sums.groups)
    q_hat = None
    if reward_model is not None:
        q_hat = reward_model.run(batch, position, rows, cancel)
    arange = np.arange(batch.num_rows)
    for index, model in enumerate(policies):
        probabilities = model.run(batch, position, rows, cancel)
        _check_actions(model.name, probabilities.shape[1], summary, q_hat)
        pi_logged = probabilities[arange, action].astype(np.float64)
        check_distribution(model.name, probabilities, rows)
        q_logged, q_pi = _q_terms(probabilities, q_hat, summary, action, position)
        terms = est.round_terms(pi_logged, pscore, reward, q_logged, q_pi, tau=spec.switch_tau)
        sums.policies[index] += est.group_sums(terms, rowid, sums.groups)
        sums.max_weight[index] = max(sums.max_weight[index], float(terms[0].max(initial=0.0)))


def _q_terms(
    probabilities: np.ndarray,
    q_hat: np.ndarray | None,
    summary: LogSummary,
    action: np.ndarray,
    position: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Per round: q̂ at the logged action and q̂_π = Σₐ π(a) q̂(a) (in the policy output's precision)."""
    arange = np.arange(len(action))
    if q_hat is not None:
        return q_hat[arange, action], np.einsum("ij,ij->i", probabilities, q_hat)
    table = empirical_rewards(summary, probabilities.shape[1])
    if table.shape[1] == 1:  # one position: one vector for every round (the hot loop of large logs)
        vector = table[:, 0].astype(probabilities.dtype)
        return table[action, 0], np.einsum("ij,j->i", probabilities, vector).astype(np.float64)
    return table[action, position], np.einsum("ij,ji->i", probabilities, table[:, position])


def _check_actions(model: str, n_actions: int, summary: LogSummary, q_hat: np.ndarray | None) -> None:
    if summary.max_action >= n_actions:
        raise AnalysisError(
            f"The log holds action {summary.max_action}, but policy '{model}' gives probabilities for "
            f"{n_actions} actions (0 to {n_actions - 1}). Check the action column (or --actions)."
        )
    if q_hat is not None and q_hat.shape[1] != n_actions:
        raise AnalysisError(
            f"The reward model gives {q_hat.shape[1]} actions but policy '{model}' gives {n_actions}."
        )


def _result_frame(spec: OpeEstimateSpec, summary: LogSummary, sums: _Sums) -> pd.DataFrame:
    """One row per (policy, estimator), then the behaviour policy's rows."""
    import pandas as pd

    tail = 50.0 * (1.0 - spec.ci_level)
    stacked = np.concatenate([sums.policies.reshape(-1, sums.groups), sums.behaviour])
    resampled = est.resampled_sums(stacked, spec.resamples, spec.seed)  # every policy's and the behaviour's
    per_policy = resampled[:-2].reshape(len(spec.policies), len(est.SUMS), -1)
    rows = []
    for index, policy in enumerate(spec.policies):
        per_group = sums.policies[index]
        point, boot = est.estimates(per_group.sum(axis=1)), est.estimates(per_policy[index])
        for name in spec.estimators:
            rows.append({"policy": policy, "estimator": name, "estimated_value": float(point[name]),
                         **_interval(boot[name], tail), "ess": est.ess(per_group.sum(axis=1)),
                         "max_weight": float(sums.max_weight[index]), "is_behaviour": False})  # fmt: skip
    value = float(sums.behaviour[1].sum() / summary.rows)
    with np.errstate(invalid="ignore", divide="ignore"):
        boot = resampled[-1] / resampled[-2]
    for name in spec.estimators:
        rows.append({"policy": spec.behaviour_name, "estimator": name, "estimated_value": value,
                     **_interval(boot, tail), "ess": float(summary.rows), "max_weight": 1.0,
                     "is_behaviour": True})  # fmt: skip
    frame = pd.DataFrame(rows)
    frame["rounds"] = summary.rows
    frame["reward_min"], frame["reward_max"] = summary.reward_range
    return frame


def _interval(values: np.ndarray, tail: float) -> dict[str, Any]:
    finite = values[np.isfinite(values)]
    if not finite.size:
        return {"estimated_value_lo": np.nan, "estimated_value_hi": np.nan, "resamples_defined": 0}
    lo, hi = np.percentile(finite, [tail, 100.0 - tail])
    return {
        "estimated_value_lo": float(lo),
        "estimated_value_hi": float(hi),
        "resamples_defined": int(finite.size),
    }


def _write(
    project: Project, spec: OpeEstimateSpec, table: str, frame: pd.DataFrame, log: tuple[LogSummary, Units]
) -> None:
    """Create the result table, its catalog row and the audit entry in one transaction."""
    summary, units = log
    import json
    import uuid
    from datetime import UTC, datetime

    view = f"_ts_ope_{uuid.uuid4().hex}"
    options = asdict(spec) | {"source_table": table, "ci": units.ci, "nesting": units.nesting}
    with project.transaction() as con:
        _check_free(project, spec.into)
        con.register(view, frame)
        try:
            con.execute(f"CREATE TABLE {ident(spec.into)} AS SELECT * FROM {ident(view)}")
        finally:
            con.unregister(view)
        columns = [{"name": name, "type": kind} for name, kind in project.columns(spec.into)]
        con.execute(
            f"INSERT INTO {CATALOG_SCHEMA}.datasets VALUES (?, ?, ?, ?, ?, ?, ?)",
            [spec.into, "ope-estimate", len(frame), json.dumps(columns), "[]",
             json.dumps(options, default=str), datetime.now(UTC)],
        )  # fmt: skip
        audit.record(con, action="ope-estimate", subject=spec.into,
                     details={"table": table, "rounds": summary.rows, "policies": list(spec.policies),
                              "estimators": list(spec.estimators), "ci": units.ci})  # fmt: skip
