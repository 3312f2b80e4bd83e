"""Off-policy-evaluation (OPE) shortlist analysis: how good are the top-k policies an estimator picks?

The input table has one row per (policy, estimator) (:mod:`.inputs`). For each estimator and each
k from 2 to ``k_max`` (default: the number of candidate policies), the estimator's top-k
policies are the k with the highest estimates; the @k metrics of :mod:`.metrics` are computed
over their true values (or, without true values, over the estimator's own estimates). Each
candidate names its ``policies`` (the k names in rank order: what goes into the A/B test).

k is a cost (every arm of an A/B test costs traffic): the default objectives are
``sharpe_ratio_at_k:max`` and ``k:min``, so the front shows the trade-off instead of k = n.

Intervals are percentile bootstrap intervals: the candidate policies are resampled with
replacement (the same draw for every estimator, seeded), the baseline held fixed. A resample
whose top k have std@k = 0 has no SharpeRatio@k; such resamples are counted per candidate
(``sharpe_ratio_at_k_resamples_defined``); an interval built on fewer than 90 % of them is
unreliable (``sharpe_ratio_at_k_ci_reliable`` false) and is not given (its bounds are NaN),
never shown as a point.
``p_below_behaviour`` is the share of resamples whose best@k is below the behaviour policy's value.

pandas is imported lazily (house rule 7).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ...jobs import CancelToken, Progress, no_progress
from ...project import Project
from ...sql import ident
from ..candidates import AnalysisError, CandidateTable, Objective, spec_dict
from ..clusters import Clusters, ci_label, draw_counts, suspect_repeated_ids
from .inputs import OpeInputs, read_inputs
from .metrics import CONVENTIONS, METRICS, REGRET, Convention, top_k_metrics
from .selection import estimator_selection, implausible

if TYPE_CHECKING:
    import pandas as pd

KNOBS = ("estimator", "k")
OBJECTIVE_METRICS = (*METRICS, "k", "p_below_behaviour")
STD_CONVENTION = {
    "paper": "population standard deviation over the top k (divisor 1/k)",
    "scope-rl": "sample standard deviation over the top k (divisor 1/(k-1), ddof = 1)",
}
RELIABLE_SHARE = 0.9
DEFINED = "sharpe_ratio_at_k_resamples_defined"
RELIABLE = "sharpe_ratio_at_k_ci_reliable"


@dataclass(frozen=True)
class OpeSpec:
    """What an OPE analysis reads (the table and its columns) and how it computes the metrics."""

    table: str
    policy: str
    estimator: str
    estimate: str
    true_value: str | None
    behaviour: str
    objectives: tuple[Objective, ...] = (Objective("sharpe_ratio_at_k", "max"), Objective("k", "min"))
    resamples: int = 500
    ci_level: float = 0.95
    seed: int = 20261127
    k_max: int | None = None
    convention: Convention = "paper"
    value_range: tuple[float, float] | None = None
    cvar_alpha: float = 0.3
    relative_safety: float = 1.0
    cluster: str | None = None  # policies nest in groups of this column (families): resample whole groups

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, stored as the analysis spec."""
        return spec_dict(self)


def analyze_ope(
    project: Project,
    spec: OpeSpec,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> CandidateTable:
    """One candidate per (estimator, k) with the @k metrics and bootstrap intervals (kind ``"ope"``).

    Raises :class:`NotFoundError` for an unknown table and :class:`AnalysisError` for missing or
    mistyped columns, missing values, zero or several behaviour policies, too few policies or a
    ``k_max`` above their number.
    """
    token = cancel or CancelToken()
    check_spec(spec)
    progress(0.0, f"Reading {spec.table}")
    inputs = read_inputs(project, spec, token)
    ks = _ks(spec, len(inputs.policies))
    progress(0.2, "Bootstrapping the top-k metrics")
    frame, undefined = _candidates(inputs, spec, ks, token)
    progress(0.9, "Computing the Pareto front")
    metrics = [m for m in METRICS if inputs.true_values is not None or m != REGRET]
    notes = _notes(spec, inputs, frame, undefined)
    notes["nesting"] = _nesting(project, spec)
    table = CandidateTable("ope", frame, list(KNOBS), metrics, list(spec.objectives), notes)
    table = table.with_front()
    progress(1.0, "Candidates ready")
    return table


def check_spec(spec: OpeSpec) -> None:
    """Reject bad settings and objectives that are not OPE metrics."""
    if not 0.0 < spec.ci_level < 1.0:
        raise AnalysisError(f"The confidence level must lie between 0 and 1, e.g. 0.95; got {spec.ci_level}.")
    if spec.resamples < 10:
        raise AnalysisError(
            f"Use at least 10 bootstrap resamples (500 is the default); got {spec.resamples}."
        )
    if spec.convention not in CONVENTIONS:
        raise AnalysisError(f"The convention is 'paper' or 'scope-rl'; got {spec.convention!r}.")
    if spec.k_max is not None and spec.k_max < 2:
        raise AnalysisError(f"--k-max must be at least 2 (std@k needs two policies); got {spec.k_max}.")
    if spec.value_range is not None and not spec.value_range[0] < spec.value_range[1]:
        raise AnalysisError(f"--value-range needs LOW < HIGH, e.g. 0,1; got {spec.value_range}.")
    if not 0.0 < spec.cvar_alpha <= 1.0:
        raise AnalysisError(f"The CVaR share must lie in (0, 1], e.g. 0.3; got {spec.cvar_alpha}.")
    if not spec.objectives:
        raise AnalysisError("Give at least one objective, e.g. sharpe_ratio_at_k:max.")
    for objective in spec.objectives:
        if objective.metric not in OBJECTIVE_METRICS:
            raise AnalysisError(
                f"'{objective.metric}' is not an OPE metric. The metrics are: {', '.join(OBJECTIVE_METRICS)}."
            )
        if objective.metric == REGRET and spec.true_value is None:
            raise AnalysisError("regret_at_k needs true values: give --true-value, or drop that objective.")


def _ks(spec: OpeSpec, n: int) -> range:
    """k from 2 to ``k_max`` (default n); a ``k_max`` above n says how many policies there are."""
    if spec.k_max is not None and spec.k_max > n:
        raise AnalysisError(
            f"--k-max {spec.k_max} is more than the policies there are: table '{spec.table}' has only {n} "
            f"policies besides the behaviour policy, so k runs from 2 to {n}. Give --k-max {n} or less."
        )
    return range(2, (spec.k_max or n) + 1)


def _candidates(
    inputs: OpeInputs, spec: OpeSpec, ks: range, cancel: CancelToken
) -> tuple[pd.DataFrame, list[str]]:
    """The candidates frame and the (estimator@k) ids with undefined SharpeRatio@k."""
    import pandas as pd

    n = len(inputs.policies)
    if inputs.clusters is None:
        draws = np.random.default_rng(spec.seed).integers(0, n, size=(spec.resamples, n))
    else:
        draws = cluster_draws(inputs.clusters, spec.resamples, spec.seed)
    rows: list[dict[str, Any]] = []
    undefined: list[str] = []
    for estimator in inputs.estimates:
        cancel.raise_if_cancelled()
        rows += _estimator_rows(inputs, spec, (ks, draws), estimator, undefined)
    if not rows:
        raise AnalysisError("SharpeRatio@k is undefined for every estimator and k (all values are equal).")
    frame = pd.DataFrame(rows)
    frame["k"] = frame["k"].astype("int64")
    frame[DEFINED] = frame[DEFINED].astype("int64")
    if inputs.true_values is None:
        frame = frame.drop(columns=[REGRET, f"{REGRET}_lo", f"{REGRET}_hi"])
    return frame, undefined


def _estimator_rows(
    inputs: OpeInputs, spec: OpeSpec, grid: tuple[range, np.ndarray], estimator: str, undefined: list[str]
) -> list[dict[str, Any]]:
    """The candidates of one estimator over ``grid`` = (the ks, the bootstrap draws); undefined
    SharpeRatio@k ids go to ``undefined``."""
    ks, draws = grid
    estimates, values = inputs.estimates[estimator], inputs.values(estimator)
    padded = (np.append(estimates, -np.inf), np.append(values, np.nan))  # index n: a resample's padding
    baseline = inputs.baselines[estimator]
    settings = {"convention": spec.convention, "cvar_alpha": spec.cvar_alpha,
                "safety_threshold": spec.relative_safety * baseline, "ks": ks}  # fmt: skip
    point, _first = top_k_metrics(estimates, values, baseline, **settings)  # type: ignore[arg-type]
    boot, _ = top_k_metrics(padded[0][draws], padded[1][draws], baseline, **settings)  # type: ignore[arg-type]
    lo, hi = _percentiles(boot, 50.0 * (1.0 - spec.ci_level))
    sharpe = METRICS.index("sharpe_ratio_at_k")
    defined = np.sum(~np.isnan(boot[..., sharpe]), axis=0)
    below = _share_below(boot[..., 0], baseline)
    order = np.argsort(-estimates, kind="stable")
    rows = []
    for index, k in enumerate(ks):
        if np.isnan(point[index, sharpe]):
            undefined.append(f"{estimator}@{k}")
            continue
        reliable = bool(defined[index] >= RELIABLE_SHARE * spec.resamples)
        picked = [inputs.policies[i] for i in order[:k]]
        row: dict[str, Any] = {"candidate_id": f"{estimator}@{k}", "estimator": estimator, "k": k,
                               "policies": json.dumps(picked)}  # fmt: skip
        for m, metric in enumerate(METRICS):
            keep = reliable or m != sharpe
            row |= {metric: point[index, m], f"{metric}_lo": lo[index, m] if keep else np.nan,
                    f"{metric}_hi": hi[index, m] if keep else np.nan}  # fmt: skip
        row |= {"p_below_behaviour": float(below[index]), "behaviour_value": baseline,
                "first_pick_value": float(values[order[0]]), DEFINED: int(defined[index]),
                RELIABLE: reliable, "convention": spec.convention}  # fmt: skip
        rows.append(row)
    return rows


def _share_below(best: np.ndarray, baseline: float) -> np.ndarray:
    """Per k, the share of the resamples (those holding k policies) whose best@k is below ``baseline``;
    NaN for a k no resample reaches."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(np.where(np.isnan(best), np.nan, best < baseline), axis=0)


def _percentiles(boot: np.ndarray, tail: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bounds over the resample axis, ignoring NaN; all-NaN columns stay NaN quietly."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lo = np.nanpercentile(boot, tail, axis=0)
        hi = np.nanpercentile(boot, 100.0 - tail, axis=0)
    return lo, hi


def _notes(spec: OpeSpec, inputs: OpeInputs, frame: pd.DataFrame, undefined: list[str]) -> dict[str, Any]:
    """What the candidates mean: conventions, rules, bootstrap settings, baseline, checks, selection."""
    known = inputs.true_values is not None
    unreliable = frame.loc[~frame[RELIABLE], "candidate_id"].tolist()
    flagged = implausible(inputs, spec.table)
    behaviour = inputs.baselines[next(iter(inputs.baselines))] if known else None
    return {
        "source_table": spec.table,
        "convention": spec.convention,
        "convention_text": CONVENTIONS[spec.convention],
        "std_convention": STD_CONVENTION[spec.convention],
        "sharpe_ratio": _sharpe_text(spec.convention),
        "zero_std_rule": "std_at_k == 0: SharpeRatio@k undefined; row left out (point) or NaN (resample)",
        "values": "true values" if known else "each estimator's own estimates (no true values given)",
        "risk_metrics": _risk_text(spec),
        "bootstrap": _bootstrap_note(spec, inputs),
        "ci": ci_label(spec.ci_level, inputs.clusters, len(inputs.policies), "policy", "policies"),
        "ci_level": spec.ci_level,
        "behaviour_policy": inputs.behaviour_policy,
        "behaviour_value": behaviour,
        "behaviour_values": inputs.baselines,
        "policies": len(inputs.policies),
        "k_max": max(frame["k"]) if len(frame) else None,
        "undefined_sharpe": undefined,
        "undefined_sharpe_resamples": int((spec.resamples - frame[DEFINED]).sum()),
        "unreliable_intervals": unreliable,
        "value_range": list(inputs.value_range) if inputs.value_range else None,
        "implausible": flagged,
        "warnings": _warnings(flagged, unreliable, inputs),
        "estimator_selection": estimator_selection(inputs) if known else None,
        "json_columns": ["policies"],
    }


def _nesting(project: Project, spec: OpeSpec) -> dict[str, Any] | None:
    """Without ``--cluster``: an identifier-like column (``family``) whose values repeat."""
    if spec.cluster is not None:
        return None
    used = [spec.policy, spec.estimator, spec.estimate, spec.true_value, spec.behaviour]
    return suspect_repeated_ids(project, ident(spec.table), project.columns(spec.table), used, "row")


def _bootstrap_note(spec: OpeSpec, inputs: OpeInputs) -> dict[str, Any]:
    note = {"resamples": spec.resamples, "seed": spec.seed, "method": "percentile", "unit": _unit(inputs),
            "reliable_share": RELIABLE_SHARE}  # fmt: skip
    if inputs.clusters is not None:
        note |= {"cluster": inputs.clusters.column, "clusters": inputs.clusters.count}
    return note


def _unit(inputs: OpeInputs) -> str:
    if inputs.clusters is None:
        return "candidate policies, with replacement, same draw for every estimator"
    return (f"clusters of column '{inputs.clusters.column}' (every policy of a drawn cluster), with "
            "replacement, same draw for every estimator; a resample with fewer than k policies leaves "
            "that k undefined")  # fmt: skip


def cluster_draws(clusters: Clusters, resamples: int, seed: int) -> np.ndarray:
    """Policy indices of ``resamples`` resamples of whole clusters, ``(resamples, longest)``; shorter
    resamples are padded with the index one past the last policy."""
    counts = draw_counts(np.random.default_rng(seed), clusters.count, resamples).astype(np.int64)
    members = [np.flatnonzero(clusters.of_item == c) for c in range(clusters.count)]
    drawn = [np.concatenate([np.tile(members[c], int(k)) for c, k in enumerate(row) if k]) for row in counts]
    out = np.full((resamples, max(len(d) for d in drawn)), len(clusters.of_item), dtype=np.int64)
    for r, chosen in enumerate(drawn):
        out[r, : len(chosen)] = chosen
    return out


def _sharpe_text(convention: Convention) -> str:
    if convention == "scope-rl":
        return "max(best_at_k - behaviour policy's value, 0) / std_at_k; k from 2"
    return "(best_at_k - behaviour policy's value) / std_at_k; k from 2"


def _risk_text(spec: OpeSpec) -> str:
    return (
        f"cvar_at_k = mean of the lowest ceil({spec.cvar_alpha:g}*k) values of the top k; "
        "lower_quartile_at_k = their 25th percentile; safety_violation_rate_at_k = share of the top k below "
        f"{spec.relative_safety:g} x the behaviour policy's value; regret_at_k = best value of all policies "
        "- best_at_k (true values only)"
    )


def _warnings(flagged: list[dict[str, Any]], unreliable: list[str], inputs: OpeInputs) -> list[str]:
    lines = []
    if flagged:
        low, high = inputs.value_range or (0.0, 0.0)
        shown = "; ".join(f"{i['estimator']} on {i['policy']}: {i['value']:.4g}" for i in flagged[:5])
        more = f" (and {len(flagged) - 5} more)" if len(flagged) > 5 else ""
        lines.append(
            f"{len(flagged)} value(s) lie outside the possible range [{low:g}, {high:g}]: {shown}{more}. "
            "An estimator that gives impossible values is not to be trusted for those policies."
        )
    if unreliable:
        lines.append(
            f"{len(unreliable)} candidate(s) have no reliable SharpeRatio@k interval (fewer than "
            f"{RELIABLE_SHARE:.0%} of the resamples define it): {', '.join(unreliable[:8])}"
            + (" …" if len(unreliable) > 8 else "")
            + "."
        )
    return lines
