"""Off-policy-evaluation (OPE) shortlist analysis: how good are the top-k policies an estimator picks?

The input table has one row per (policy, estimator): the estimator's estimated value of the
policy, the policy's true value, and a boolean flag marking the behaviour policy (the policy
that logged the data). Exactly one distinct policy must be flagged; its true value is the
baseline and it is left out of the policies that are ranked.

For each estimator and each k from 2 to the number of candidate policies, the estimator's
top-k policies are the k with the highest *estimated* value (ties broken by policy name), and
every @k metric is computed over their *true* values:

- ``best_at_k`` = max, ``worst_at_k`` = min, ``mean_at_k`` = mean,
- ``std_at_k`` = population standard deviation (divisor **1/k**, not 1/(k-1)),
- ``sharpe_ratio_at_k`` = (best@k − true value of the behaviour policy) / std@k.

k = 1 is left out because std@1 is always 0. When std@k is 0 (all top-k true values equal)
SharpeRatio@k is undefined: such (estimator, k) rows are left out of the candidates and listed
in ``notes["undefined_sharpe"]``; in bootstrap resamples they count as missing (NaN) and are
ignored by the percentiles (their number is in ``notes``).

Intervals are percentile bootstrap intervals: the candidate policies are resampled with
replacement (the same draw for every estimator, seeded), the behaviour value held fixed.

pandas is imported lazily (house rule 7).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..jobs import CancelToken, Progress, no_progress
from ..project import Project
from ..sql import ident
from .candidates import AnalysisError, CandidateTable, Objective, spec_dict
from .inputs import INTEGER_TYPES, is_numeric, read_frame, require_column, table_columns

if TYPE_CHECKING:
    import pandas as pd

METRICS = ("best_at_k", "worst_at_k", "mean_at_k", "std_at_k", "sharpe_ratio_at_k")
KNOBS = ("estimator", "k")
STD_CONVENTION = "population standard deviation over the top k (divisor 1/k)"
_ZERO_STD = 1e-12


@dataclass(frozen=True)
class OpeSpec:
    """What an OPE analysis reads: the table and its five columns, plus bootstrap settings."""

    table: str
    policy: str
    estimator: str
    estimate: str
    true_value: str
    behaviour: str
    objectives: tuple[Objective, ...] = (Objective("sharpe_ratio_at_k", "max"),)
    resamples: int = 500
    ci_level: float = 0.95
    seed: int = 20261127

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, stored as the analysis spec."""
        return spec_dict(self)


@dataclass(frozen=True)
class _Results:
    """The policies' true values and, per estimator, their estimated values (same policy order)."""

    policies: list[str]
    true_values: np.ndarray
    estimates: dict[str, np.ndarray]
    baseline: float
    behaviour_policy: str


def analyze_ope(
    project: Project,
    spec: OpeSpec,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> CandidateTable:
    """One candidate per (estimator, k) with the @k metrics and bootstrap intervals (kind ``"ope"``).

    Raises :class:`NotFoundError` for an unknown table and :class:`AnalysisError` for missing or
    mistyped columns, missing values, zero or several behaviour policies, or too few policies.
    """
    token = cancel or CancelToken()
    _check_spec(spec)
    progress(0.0, f"Reading {spec.table}")
    results = _results(_read(project, spec, token), spec)
    progress(0.2, "Bootstrapping the top-k metrics")
    frame, undefined, missing = _candidates(results, spec, token)
    progress(0.9, "Computing the Pareto front")
    notes = _notes(spec, results, undefined, missing)
    table = CandidateTable("ope", frame, list(KNOBS), list(METRICS), list(spec.objectives), notes)
    table = table.with_front()
    progress(1.0, "Candidates ready")
    return table


def _notes(spec: OpeSpec, results: _Results, undefined: list[str], missing: int) -> dict[str, Any]:
    """What the candidates mean: std convention, SharpeRatio@k rule, bootstrap settings, baseline."""
    return {
        "source_table": spec.table,
        "std_convention": STD_CONVENTION,
        "sharpe_ratio": "(best_at_k - behaviour policy's true value) / std_at_k; k from 2",
        "zero_std_rule": "std_at_k == 0: SharpeRatio@k undefined; row left out (point) or NaN (resample)",
        "bootstrap": {
            "resamples": spec.resamples,
            "seed": spec.seed,
            "method": "percentile",
            "unit": "candidate policies, with replacement, same draw for every estimator",
        },
        "ci_level": spec.ci_level,
        "behaviour_policy": results.behaviour_policy,
        "behaviour_value": results.baseline,
        "policies": len(results.policies),
        "undefined_sharpe": undefined,
        "undefined_sharpe_resamples": missing,
    }


def _check_spec(spec: OpeSpec) -> None:
    """Reject bad settings and objectives that are not OPE metrics."""
    if not 0.0 < spec.ci_level < 1.0:
        raise AnalysisError(f"The confidence level must lie between 0 and 1, e.g. 0.95; got {spec.ci_level}.")
    if spec.resamples < 10:
        raise AnalysisError(
            f"Use at least 10 bootstrap resamples (500 is the default); got {spec.resamples}."
        )
    if not spec.objectives:
        raise AnalysisError("Give at least one objective, e.g. sharpe_ratio_at_k:max.")
    for objective in spec.objectives:
        if objective.metric not in METRICS:
            raise AnalysisError(
                f"'{objective.metric}' is not an OPE metric. The metrics are: {', '.join(METRICS)}."
            )


def _read(project: Project, spec: OpeSpec, cancel: CancelToken) -> pd.DataFrame:
    """The five columns, checked and renamed, read with DuckDB."""
    columns = table_columns(project, spec.table)
    for column in (spec.policy, spec.estimator, spec.estimate, spec.true_value, spec.behaviour):
        require_column(spec.table, column, columns)
    for column in (spec.estimate, spec.true_value):
        if not is_numeric(columns[column]):
            raise AnalysisError(
                f"Column '{column}' of table '{spec.table}' is {columns[column]}, not a number."
            )
    if columns[spec.behaviour] != "BOOLEAN" and columns[spec.behaviour] not in INTEGER_TYPES:
        raise AnalysisError(
            f"Column '{spec.behaviour}' of table '{spec.table}' is {columns[spec.behaviour]}; the "
            "behaviour flag must be boolean (true for the behaviour policy) or 0/1."
        )
    sources = [(spec.policy, "VARCHAR", "policy"), (spec.estimator, "VARCHAR", "estimator"),
               (spec.estimate, "DOUBLE", "estimate"), (spec.true_value, "DOUBLE", "truth"),
               (spec.behaviour, "BOOLEAN", "behaviour")]  # fmt: skip
    select = ", ".join(f"CAST({ident(column)} AS {kind}) AS {alias}" for column, kind, alias in sources)
    sql = f"SELECT rowid + 1 AS row_no, {select} FROM {ident(spec.table)} ORDER BY rowid"
    return read_frame(project, cancel, sql)


def _results(frame: pd.DataFrame, spec: OpeSpec) -> _Results:
    """Check the rows and pivot them: one true value per policy, one estimate per (policy, estimator)."""
    if frame.empty:
        raise AnalysisError(f"Table '{spec.table}' has no rows.")
    names = {"policy": spec.policy, "estimator": spec.estimator, "estimate": spec.estimate,
             "truth": spec.true_value, "behaviour": spec.behaviour}  # fmt: skip
    for column, source in names.items():
        _check_usable(frame, column, source, spec.table)
    behaviour_policy, baseline = _behaviour(frame, spec)
    duplicated = frame[frame.duplicated(["policy", "estimator"])]
    if not duplicated.empty:
        first = duplicated.iloc[0]
        raise AnalysisError(
            f"Policy {first['policy']!r} has more than one row for estimator {first['estimator']!r} "
            f"in table '{spec.table}'."
        )
    return _pivot(frame[frame["policy"] != behaviour_policy], spec, behaviour_policy, baseline)


def _check_usable(frame: pd.DataFrame, column: str, source: str, table: str) -> None:
    """Every value of ``column`` is present (and, for the numbers, finite), else the first bad row."""
    values = frame[column]
    if column in {"estimate", "truth"}:
        bad = ~np.isfinite(values.to_numpy(np.float64, na_value=np.nan))
    else:
        bad = values.isna().to_numpy(bool)
    if bad.any():
        row = int(frame["row_no"].to_numpy()[np.flatnonzero(bad)[0]])
        kind = "missing, NaN or infinite" if column in {"estimate", "truth"} else "missing"
        raise AnalysisError(
            f"Row {row:,} of table '{table}' has no usable value in column '{source}' ({kind}). "
            "Fill it in, or leave that row out (filter the table or re-import without it), and run "
            "the analysis again."
        )


def _behaviour(frame: pd.DataFrame, spec: OpeSpec) -> tuple[str, float]:
    """The one behaviour policy and its true value, or an AnalysisError saying what is wrong."""
    flagged = frame[frame["behaviour"].astype(bool)]
    policies = sorted(flagged["policy"].unique())
    if not policies:
        raise AnalysisError(
            f"No row of table '{spec.table}' is flagged as the behaviour policy in column "
            f"'{spec.behaviour}'. Flag the policy that logged the data (true on its rows)."
        )
    if len(policies) > 1:
        raise AnalysisError(
            f"Column '{spec.behaviour}' of table '{spec.table}' flags {len(policies)} different "
            f"behaviour policies ({', '.join(policies[:5])}); exactly one is needed."
        )
    values = frame.loc[frame["policy"] == policies[0], "truth"].unique()
    if len(values) > 1:
        raise AnalysisError(
            f"The behaviour policy {policies[0]!r} has different true values: {sorted(values)}."
        )
    return str(policies[0]), float(values[0])


def _pivot(frame: pd.DataFrame, spec: OpeSpec, behaviour_policy: str, baseline: float) -> _Results:
    """Policies in name order; every estimator must estimate every policy; true values must agree."""
    truth = frame.groupby("policy")["truth"].agg(["min", "max"]).sort_index()
    inconsistent = truth[truth["min"] != truth["max"]]
    if not inconsistent.empty:
        raise AnalysisError(f"Policy {inconsistent.index[0]!r} has different true values on different rows.")
    if len(truth) < 2:
        raise AnalysisError(f"Table '{spec.table}' needs at least 2 policies besides the behaviour policy.")
    wide = frame.pivot(index="policy", columns="estimator", values="estimate").sort_index()
    gaps = wide.isna()
    if bool(gaps.to_numpy().any()):
        policy, estimator = gaps.stack()[lambda s: s].index[0]
        raise AnalysisError(f"Estimator {estimator!r} has no estimate for policy {policy!r}.")
    estimates = {str(name): wide[name].to_numpy(dtype=np.float64) for name in sorted(wide.columns)}
    true_values = truth["min"].to_numpy(dtype=np.float64)
    return _Results([str(p) for p in truth.index], true_values, estimates, baseline, behaviour_policy)


def top_k_metrics(estimates: np.ndarray, true_values: np.ndarray, baseline: float) -> np.ndarray:
    """The @k metrics for k = 2..n, shape ``(..., n - 1, 5)`` in :data:`METRICS` order.

    ``estimates`` and ``true_values`` have shape ``(..., n)``; a leading axis holds resamples.
    The top k are the highest estimates (a stable sort, so ties keep the input order).
    """
    order = np.argsort(-estimates, axis=-1, kind="stable")
    ranked = np.take_along_axis(true_values, order, axis=-1)
    n = ranked.shape[-1]
    out = np.empty((*ranked.shape[:-1], n - 1, len(METRICS)))
    for k in range(2, n + 1):
        top = ranked[..., :k]
        best, mean = top.max(axis=-1), top.mean(axis=-1)
        std = np.sqrt(np.mean((top - mean[..., None]) ** 2, axis=-1))
        zero = std <= _ZERO_STD * np.maximum(1.0, np.abs(mean))
        sharpe = np.where(zero, np.nan, (best - baseline) / np.where(zero, 1.0, std))
        out[..., k - 2, :] = np.stack([best, top.min(axis=-1), mean, np.where(zero, 0.0, std), sharpe], -1)
    return out


def _candidates(results: _Results, spec: OpeSpec, cancel: CancelToken) -> tuple[pd.DataFrame, list[str], int]:
    """The candidates frame, the (estimator@k) ids with undefined SharpeRatio@k and NaN resamples."""
    import pandas as pd

    n = len(results.policies)
    draws = np.random.default_rng(spec.seed).integers(0, n, size=(spec.resamples, n))
    tail = 100.0 * (1.0 - spec.ci_level) / 2.0
    rows, undefined, missing = [], [], 0
    for estimator, estimates in results.estimates.items():
        cancel.raise_if_cancelled()
        point = top_k_metrics(estimates, results.true_values, results.baseline)
        boot = top_k_metrics(estimates[draws], results.true_values[draws], results.baseline)
        missing += int(np.isnan(boot[..., -1]).sum())
        lo, hi = _percentiles(boot, tail)
        for index, k in enumerate(range(2, n + 1)):
            if np.isnan(point[index, -1]):
                undefined.append(f"{estimator}@{k}")
                continue
            row: dict[str, Any] = {"candidate_id": f"{estimator}@{k}", "estimator": estimator, "k": k}
            for m, metric in enumerate(METRICS):
                row |= {metric: point[index, m], f"{metric}_lo": lo[index, m], f"{metric}_hi": hi[index, m]}
            rows.append(row)
    if not rows:
        raise AnalysisError(
            "SharpeRatio@k is undefined for every estimator and k (all true values are equal)."
        )
    frame = pd.DataFrame(rows)
    frame["k"] = frame["k"].astype("int64")
    return frame, undefined, missing


def _percentiles(boot: np.ndarray, tail: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bounds over the resample axis, ignoring NaN; all-NaN columns stay NaN quietly."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lo = np.nanpercentile(boot, tail, axis=0)
        hi = np.nanpercentile(boot, 100.0 - tail, axis=0)
    return lo, hi
