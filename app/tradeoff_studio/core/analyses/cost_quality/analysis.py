"""The cost–quality analysis: candidates for systems, hull mixtures and cascades, with notes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ...jobs import CancelToken, Progress, no_progress, scaled
from ...project import Project
from ..candidates import AnalysisError, CandidateTable
from .clusters import check_cluster, suspect_nesting
from .crossfit import cross_fit, fold_of_item
from .evaluate import Samples, bootstrap, evaluate, evaluate_base, point_latency
from .fronts import with_fronts
from .missing import check_missing
from .notes import analysis_notes
from .reading import EvalLog, read_log
from .routing import Plan, plan_cascades, plan_mixtures
from .spec import KNOBS, CostQualitySpec, check_ratio_objective, check_spec, ratio_metric

if TYPE_CHECKING:
    import pandas as pd


def analyze_cost_quality(
    project: Project,
    spec: CostQualitySpec,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> CandidateTable:
    """Candidates (kind ``"cost-quality"``): each system, hull mixtures and confidence cascades.

    Raises :class:`NotFoundError` for an unknown table and :class:`AnalysisError` for missing or
    mistyped columns, missing or negative values, duplicate (item, system) rows, unanswered
    items under ``missing="refuse"``, a price table without a system, or bad settings.
    """
    token = cancel or CancelToken()
    check_spec(spec)
    check_missing(spec)
    check_cluster(spec)
    progress(0.0, f"Reading {spec.table}")
    log = read_log(project, spec, token)
    check_ratio_objective(spec, log.graded)
    progress(0.2, "Cascades and hull mixtures")
    plan, out_of_reach, in_sample = _plan(log, spec)
    point = evaluate(log, plan, np.ones((1, log.items)))
    boot = bootstrap(log, plan, spec.resamples, spec.seed, cancel=token, progress=scaled(progress, 0.3, 0.9))
    frame = _frame(log, plan, point, boot, spec)
    if in_sample is not None:
        frame = _with_in_sample(frame, len(log.systems), in_sample)
    _check_unique_ids(frame)
    _check_infinite_objectives(frame, spec)
    progress(0.9, "Computing the Pareto front")
    hull = frame["candidate_id"].iloc[plan.hull].tolist()  # base points come first in the frame
    described = analysis_notes(spec, log, plan, point, hull) | {"targets_out_of_reach": out_of_reach}
    described["nesting"] = suspect_nesting(project, spec)
    ratio = ratio_metric(spec, log.graded)
    metrics = [ratio if metric == "cost_of_pass" else metric for metric in spec.metrics]
    table = CandidateTable("cost-quality", frame, list(KNOBS), metrics, list(spec.objectives), described)
    table = with_fronts(table, _on_hull(len(frame), plan))
    progress(1.0, "Candidates ready")
    return table


def _on_hull(size: int, plan: Plan) -> np.ndarray:
    """The hull's vertices and every mixture (they come last, all on hull edges)."""
    on_hull = np.zeros(size, dtype=bool)
    on_hull[plan.hull] = True
    on_hull[size - len(plan.mixtures) :] = True
    return on_hull


def _plan(log: EvalLog, spec: CostQualitySpec) -> tuple[Plan, list[str], tuple[np.ndarray, ...] | None]:
    """Cascades (cross-fitted with ``folds``) and hull mixtures; the cascades' in-sample quality and
    cost when cross-fitted; the reasons of targets out of reach."""
    cascades, skipped = plan_cascades(
        log.summary["cost"], log.summary["quality"], log.confidence, spec.thresholds
    )
    ones = np.ones((1, log.items))
    in_sample = None
    if spec.folds is not None and log.confidence is not None:
        folds = fold_of_item(log.items, spec.folds, spec.seed, log.clusters)
        quality, cost = evaluate_base(log, cascades, ones)
        in_sample = (quality[0, len(log.systems) :], cost[0, len(log.systems) :])
        cascades = [cross_fit(sweep, log.confidence[sweep.first], folds) for sweep in cascades]
    quality, cost = evaluate_base(log, cascades, ones)
    plan, out_of_reach = plan_mixtures(cascades, skipped, (cost[0], quality[0]), spec.mix_steps,
                                       (spec.target_qualities, spec.budgets))  # fmt: skip
    return plan, out_of_reach, in_sample


def _with_in_sample(frame: pd.DataFrame, systems: int, in_sample: tuple[np.ndarray, ...]) -> pd.DataFrame:
    """The cascades' in-sample quality and cost beside their cross-fitted ones (NaN for the others)."""
    for name, values in zip(("quality_in_sample", "cost_in_sample"), in_sample, strict=True):
        column = np.full(len(frame), np.nan)
        column[systems : systems + len(values)] = values
        frame[name] = column
    return frame


def _describe(log: EvalLog, plan: Plan) -> list[dict[str, Any]]:
    """Id, recipe and knob values of every candidate, in the evaluator's order."""
    names = log.systems
    rows = [_knobs(name, name, "system", name, None, escalated=0.0) for name in names]
    for sweep in plan.cascades:
        a, b = names[sweep.first], names[sweep.second]
        shares = sweep.escalated_shares()
        for level, threshold, share in zip(sweep.levels, sweep.thresholds, shares, strict=True):
            recipe = f"cascade {a} → {b} if confidence < {threshold:.4g}"
            rows.append(_knobs(f"{a}>{b}@q{level:.2f}", recipe, "cascade", a, b,
                               threshold=float(threshold), escalated=float(share)))  # fmt: skip
    base = list(rows)
    for m in plan.mixtures:
        a, b = base[m.first], base[m.second]
        if m.share in (0.0, 1.0):  # a target met at a hull vertex: that system or cascade itself
            vertex = base[m.first if m.share == 0.0 else m.second]
            rows.append(vertex | {"candidate_id": f"target {m.target}"})
            continue
        recipe = f"mix {100 * (1 - m.share):.0f}% {_bracketed(a)} + {100 * m.share:.0f}% {_bracketed(b)}"
        candidate = (
            f"target {m.target}" if m.target else f"{a['candidate_id']}+{b['candidate_id']}@{m.share:.2f}"
        )
        rows.append(_knobs(candidate, recipe, "mixture", a["candidate_id"], b["candidate_id"], share=m.share,
                           escalated=m.share))  # fmt: skip
    return rows


def _bracketed(row: dict[str, Any]) -> str:
    """A base point's recipe inside a mixture's: a system's name, or [the cascade]."""
    return str(row["system"]) if row["kind"] == "system" else f"[{row['system']}]"


def _knobs(
    candidate: str, recipe: str, kind: str, first: str, second: str | None, *,
    share: float = np.nan, threshold: float = np.nan, escalated: float,
) -> dict[str, Any]:  # fmt: skip
    return {"candidate_id": candidate, "system": recipe, "kind": kind, "first": first, "second": second,
            "share_second": share, "threshold": threshold, "escalated": escalated}  # fmt: skip


def _frame(log: EvalLog, plan: Plan, point: Samples, boot: Samples, spec: CostQualitySpec) -> pd.DataFrame:
    """One row per candidate: knobs, metrics and their bootstrap intervals."""
    import pandas as pd

    frame = pd.DataFrame(_describe(log, plan))
    tail = 100.0 * (1.0 - spec.ci_level) / 2.0
    for metric in ("quality", "cost", "cost_of_pass"):
        samples = getattr(boot, metric)
        frame[metric] = getattr(point, metric)[0]
        frame[f"{metric}_lo"], frame[f"{metric}_hi"] = _percentiles(samples, tail)
    if spec.latency and boot.latency is not None:
        latency = point_latency(log, plan)
        lo, hi = _percentiles(boot.latency, tail)
        for column, metric in enumerate(("latency_p50", "latency_p95")):
            frame[metric] = latency[:, column]
            frame[f"{metric}_lo"] = _padded(lo[:, column], len(frame))
            frame[f"{metric}_hi"] = _padded(hi[:, column], len(frame))
    ratio = ratio_metric(spec, log.graded)
    return frame.rename(columns={f"cost_of_pass{end}": f"{ratio}{end}" for end in ("", "_lo", "_hi")})


def _percentiles(samples: np.ndarray, tail: float) -> tuple[np.ndarray, np.ndarray]:
    """Order-statistic (inverted CDF) percentile bounds over the resample axis; safe with ∞."""
    lo = np.percentile(samples, tail, axis=0, method="inverted_cdf")
    hi = np.percentile(samples, 100.0 - tail, axis=0, method="inverted_cdf")
    return lo, hi


def _padded(values: np.ndarray, size: int) -> np.ndarray:
    """The systems' values followed by NaN for the mixtures and cascades (no latency interval)."""
    return np.concatenate([values, np.full(size - len(values), np.nan)])


def _check_unique_ids(frame: pd.DataFrame) -> None:
    """A system named like a generated candidate (e.g. ``a+b@0.50``) would make ids ambiguous."""
    repeated = frame["candidate_id"][frame["candidate_id"].duplicated()]
    if not repeated.empty:
        raise AnalysisError(
            f"Two candidates would both be called {repeated.iloc[0]!r}: a system's name looks like a "
            "mixture, cascade or target id. Rename that system (or leave it out with --systems)."
        )


def _check_infinite_objectives(frame: pd.DataFrame, spec: CostQualitySpec) -> None:
    for objective in spec.objectives:
        infinite = frame.loc[~np.isfinite(frame[objective.metric].to_numpy(np.float64)), "candidate_id"]
        if len(infinite):
            raise AnalysisError(
                f"{objective.metric} is infinite for {infinite.iloc[0]!r} (it never succeeds), so it cannot "
                "be an objective. Use quality:max,cost:min, or leave that system out."
            )
