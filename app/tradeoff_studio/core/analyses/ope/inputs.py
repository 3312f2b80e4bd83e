"""Reading and checking an OPE results table: one row per (policy, estimator).

The behaviour policy is the one distinct policy flagged in the behaviour column; it is left out
of the ranked policies. With a true-value column every policy has one true value and the
behaviour policy's true value is the baseline. Without one (estimates only, e.g. from
``ope-estimate``), each estimator's metrics are computed over its own estimates and its baseline
is its estimate of the behaviour policy.

pandas is imported lazily (house rule 7).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ...jobs import CancelToken
from ...project import Project
from ...sql import ident
from ..candidates import AnalysisError
from ..clusters import Clusters, check_cluster_role, require_cluster_column
from ..inputs import INTEGER_TYPES, is_numeric, read_frame, require_column, table_columns

if TYPE_CHECKING:
    import pandas as pd

RANGE_COLUMNS = ("reward_min", "reward_max")  # written by ope-estimate: the observed reward range


@dataclass(frozen=True)
class OpeInputs:
    """The ranked policies (name order), their values per estimator and the baselines.

    ``true_values`` is None without a true-value column; ``baselines`` maps each estimator to the
    behaviour policy's value it is compared with (the same true value for all when known).
    """

    policies: list[str]
    true_values: np.ndarray | None
    estimates: dict[str, np.ndarray]
    baselines: dict[str, float]
    behaviour_policy: str
    value_range: tuple[float, float] | None
    clusters: Clusters | None = None  # each ranked policy's cluster, with --cluster (policy families)

    def values(self, estimator: str) -> np.ndarray:
        """The values the @k metrics of ``estimator`` are computed over."""
        return self.true_values if self.true_values is not None else self.estimates[estimator]


def read_inputs(project: Project, spec: Any, cancel: CancelToken) -> OpeInputs:
    """Read, check and pivot the table named by ``spec`` (an ``OpeSpec``)."""
    columns = table_columns(project, spec.table)
    frame = _read(project, spec, columns, cancel)
    value_range = spec.value_range or _stored_range(project, spec.table, columns)
    return _inputs(frame, spec, value_range)


def _read(project: Project, spec: Any, columns: dict[str, str], cancel: CancelToken) -> pd.DataFrame:
    """The columns, checked and renamed (``truth`` is NaN without a true-value column)."""
    wanted = [spec.policy, spec.estimator, spec.estimate, spec.behaviour]
    numbers = [spec.estimate] + ([spec.true_value] if spec.true_value else [])
    for column in wanted + numbers[1:]:
        require_column(spec.table, column, columns)
    if spec.cluster is not None:
        require_cluster_column(spec.table, spec.cluster, columns)
        check_cluster_role(spec.cluster, [("policy", spec.policy), ("estimator", spec.estimator),
                                          ("estimate", spec.estimate), ("behaviour", spec.behaviour),
                                          ("true-value", spec.true_value)])  # fmt: skip
    for column in numbers:
        if not is_numeric(columns[column]):
            raise AnalysisError(
                f"Column '{column}' of table '{spec.table}' is {columns[column]}, not a number."
            )
    if columns[spec.behaviour] != "BOOLEAN" and columns[spec.behaviour] not in INTEGER_TYPES:
        raise AnalysisError(
            f"Column '{spec.behaviour}' of table '{spec.table}' is {columns[spec.behaviour]}; the "
            "behaviour flag must be boolean (true for the behaviour policy) or 0/1."
        )
    truth = f"CAST({ident(spec.true_value)} AS DOUBLE)" if spec.true_value else "CAST('NaN' AS DOUBLE)"
    select = (
        f"CAST({ident(spec.policy)} AS VARCHAR) AS policy, CAST({ident(spec.estimator)} AS VARCHAR) AS "
        f"estimator, CAST({ident(spec.estimate)} AS DOUBLE) AS estimate, {truth} AS truth, "
        f"CAST({ident(spec.behaviour)} AS BOOLEAN) AS behaviour"
    )
    if spec.cluster is not None:
        select += f", CAST({ident(spec.cluster)} AS VARCHAR) AS cluster"
    sql = f"SELECT rowid + 1 AS row_no, {select} FROM {ident(spec.table)} ORDER BY rowid"
    return read_frame(project, cancel, sql)


def _stored_range(project: Project, table: str, columns: dict[str, str]) -> tuple[float, float] | None:
    """The reward range an ``ope-estimate`` table carries (its reward_min/reward_max columns)."""
    if not all(name in columns and is_numeric(columns[name]) for name in RANGE_COLUMNS):
        return None
    row = project.con.execute(f"SELECT min(reward_min), max(reward_max) FROM {ident(table)}").fetchone()
    if row is None or row[0] is None or row[1] is None:
        return None
    return float(row[0]), float(row[1])


def _inputs(frame: pd.DataFrame, spec: Any, value_range: tuple[float, float] | None) -> OpeInputs:
    """Check the rows and pivot them."""
    if frame.empty:
        raise AnalysisError(f"Table '{spec.table}' has no rows.")
    names = {"policy": spec.policy, "estimator": spec.estimator, "estimate": spec.estimate,
             "behaviour": spec.behaviour}  # fmt: skip
    if spec.true_value:
        names["truth"] = spec.true_value
    if spec.cluster is not None:
        names["cluster"] = spec.cluster
    for column, source in names.items():
        _check_usable(frame, column, source, spec.table)
    duplicated = frame[frame.duplicated(["policy", "estimator"])]
    if not duplicated.empty:
        first = duplicated.iloc[0]
        raise AnalysisError(
            f"Policy {first['policy']!r} has more than one row for estimator {first['estimator']!r} "
            f"in table '{spec.table}'."
        )
    behaviour = _behaviour_policy(frame, spec)
    rest = frame[frame["policy"] != behaviour]
    policies, truth = _truth(rest, spec)
    estimates = _estimates(rest, policies)
    baselines = _baselines(frame[frame["policy"] == behaviour], spec, behaviour, estimates)
    clusters = _clusters(rest, spec, policies) if spec.cluster is not None else None
    return OpeInputs(policies, truth, estimates, baselines, behaviour, value_range, clusters)


def _clusters(frame: pd.DataFrame, spec: Any, policies: list[str]) -> Clusters:
    """Each ranked policy's cluster (a policy family); a policy must lie in one cluster."""
    spread = frame.groupby("policy")["cluster"].agg(["nunique", "min", "max"]).reindex(policies)
    split = spread[spread["nunique"] > 1]
    if not split.empty:
        raise AnalysisError(
            f"Policy {split.index[0]!r} of table '{spec.table}' lies in two clusters of column "
            f"'{spec.cluster}' ({split['min'].iloc[0]!r} and {split['max'].iloc[0]!r}). Every policy must "
            "belong to one cluster: give a column that is constant within each policy (e.g. its family)."
        )
    names, of_policy = np.unique(spread["min"].astype(str).to_numpy(), return_inverse=True)
    return Clusters(spec.cluster, [str(name) for name in names], of_policy.astype(np.intp))


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


def _behaviour_policy(frame: pd.DataFrame, spec: Any) -> str:
    """The one behaviour policy, or an AnalysisError saying what is wrong."""
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
    return str(policies[0])


def _truth(frame: pd.DataFrame, spec: Any) -> tuple[list[str], np.ndarray | None]:
    """Ranked policies in name order and their true values (None without a true-value column)."""
    truth = frame.groupby("policy")["truth"].agg(["min", "max"]).sort_index()
    if len(truth) < 2:
        raise AnalysisError(f"Table '{spec.table}' needs at least 2 policies besides the behaviour policy.")
    policies = [str(p) for p in truth.index]
    if not spec.true_value:
        return policies, None
    inconsistent = truth[truth["min"] != truth["max"]]
    if not inconsistent.empty:
        raise AnalysisError(f"Policy {inconsistent.index[0]!r} has different true values on different rows.")
    return policies, truth["min"].to_numpy(dtype=np.float64)


def _estimates(frame: pd.DataFrame, policies: list[str]) -> dict[str, np.ndarray]:
    """Estimates per estimator in policy order; every estimator must estimate every policy."""
    wide = frame.pivot(index="policy", columns="estimator", values="estimate").reindex(policies)
    gaps = wide.isna()
    if bool(gaps.to_numpy().any()):
        policy, estimator = gaps.stack()[lambda s: s].index[0]
        raise AnalysisError(f"Estimator {estimator!r} has no estimate for policy {policy!r}.")
    return {str(name): wide[name].to_numpy(dtype=np.float64) for name in sorted(wide.columns)}


def _baselines(
    rows: pd.DataFrame, spec: Any, behaviour: str, estimates: dict[str, np.ndarray]
) -> dict[str, float]:
    """The behaviour policy's value per estimator: its true value, or each estimator's estimate of it."""
    if spec.true_value:
        values = rows["truth"].unique()
        if len(values) > 1:
            raise AnalysisError(
                f"The behaviour policy {behaviour!r} has different true values: {sorted(values)}."
            )
        return dict.fromkeys(estimates, float(values[0]))
    by_estimator = dict(zip(rows["estimator"], rows["estimate"], strict=True))
    missing = [name for name in estimates if name not in by_estimator]
    if missing:
        raise AnalysisError(
            f"Without a true-value column each estimator's value of the behaviour policy {behaviour!r} is "
            f"the baseline, but estimator {missing[0]!r} has no row for it in table '{spec.table}'. Add "
            "that row (ope-estimate writes one), or give --true-value."
        )
    return {name: float(by_estimator[name]) for name in estimates}
