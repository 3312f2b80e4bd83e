"""The cost–quality analysis: candidates for systems, hull mixtures and cascades, with notes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ...jobs import CancelToken, Progress, no_progress, scaled
from ...project import Project
from ..candidates import AnalysisError, CandidateTable
from .evaluate import Samples, bootstrap, evaluate, evaluate_base, point_latency
from .missing import check_missing
from .reading import EvalLog, read_log
from .routing import MAX_CASCADE_PAIRS, Plan, plan_cascades, plan_mixtures
from .spec import DERIVED_KNOBS, KNOBS, TOKENS_PER_PRICE, CostQualitySpec, check_spec

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
    progress(0.0, f"Reading {spec.table}")
    log = read_log(project, spec, token)
    progress(0.2, "Cascades and hull mixtures")
    cascades, skipped = plan_cascades(
        log.summary["cost"], log.summary["quality"], log.confidence, spec.thresholds
    )
    quality, cost = evaluate_base(log, cascades, np.ones((1, log.items)))
    plan, out_of_reach = plan_mixtures(cascades, skipped, (cost[0], quality[0]), spec.mix_steps,
                                       (spec.target_qualities, spec.budgets))  # fmt: skip
    point = evaluate(log, plan, np.ones((1, log.items)))
    boot = bootstrap(log, plan, spec.resamples, spec.seed, cancel=token, progress=scaled(progress, 0.3, 0.9))
    frame = _frame(log, plan, point, boot, spec)
    _check_unique_ids(frame)
    _check_infinite_objectives(frame, spec)
    progress(0.9, "Computing the Pareto front")
    hull = frame["candidate_id"].iloc[plan.hull].tolist()  # base points come first in the frame
    described = _notes(spec, log, plan, point, hull) | {"targets_out_of_reach": out_of_reach}
    table = CandidateTable("cost-quality", frame, list(KNOBS), list(spec.metrics), list(spec.objectives),
                           described)  # fmt: skip
    table = table.with_front()
    progress(1.0, "Candidates ready")
    return table


def _describe(log: EvalLog, plan: Plan) -> list[dict[str, Any]]:
    """Id, recipe and knob values of every candidate, in the evaluator's order."""
    names = log.systems
    rows = [_knobs(name, name, "system", name, None, escalated=0.0) for name in names]
    for sweep in plan.cascades:
        a, b = names[sweep.first], names[sweep.second]
        for level, threshold, end in zip(sweep.levels, sweep.thresholds, sweep.ends, strict=True):
            recipe = f"cascade {a} → {b} if confidence < {threshold:.4g}"
            rows.append(_knobs(f"{a}>{b}@q{level:.2f}", recipe, "cascade", a, b,
                               threshold=float(threshold), escalated=end / log.items))  # fmt: skip
    base = list(rows)
    for m in plan.mixtures:
        a, b = base[m.first], base[m.second]
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
    return frame


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


def frontier_cost_of_pass(log: EvalLog, human_cost: float | None) -> dict[str, Any]:
    """The per-item frontier cost-of-pass (formula in the result's ``formula``).

    An item no system solves has an infinite cost-of-pass, so without a human expert to take it
    the frontier is infinite (as in the Cost-of-Pass reference code); ``value_over_solved_items``
    then gives the mean over the solved items alone.
    """
    solved = log.quality > 0
    per_item = np.where(solved, log.cost / np.where(solved, log.quality, 1.0), np.inf).min(axis=0)
    unsolved = int((~np.isfinite(per_item)).sum())
    if human_cost is not None:
        value = float(np.minimum(per_item, human_cost).mean())
        formula = "mean over items of min(human_cost, min over systems with score > 0 of cost / score)"
        return {"value": value, "formula": formula, "unsolved_items": unsolved,
                "items_given_to_human": int((per_item > human_cost).sum())}  # fmt: skip
    finite = per_item[np.isfinite(per_item)]
    formula = (
        "mean over items of min over systems with score > 0 of cost / score; inf when some item "
        "no system solves (give a human-expert cost to price those items)"
    )
    return {"value": float(per_item.mean()), "formula": formula, "unsolved_items": unsolved,
            "value_over_solved_items": float(finite.mean()) if len(finite) else float("inf")}  # fmt: skip


def _best_single(log: EvalLog, point: Samples, human_cost: float | None) -> dict[str, Any]:
    values = point.cost_of_pass[0, : len(log.systems)]
    best = int(np.argmin(values))
    if human_cost is not None and human_cost < values[best]:
        return {"system": "human expert", "cost_of_pass": human_cost}
    return {"system": log.systems[best], "cost_of_pass": float(values[best])}


def _cost_axis(spec: CostQualitySpec) -> dict[str, Any]:
    if not spec.uses_tokens:
        return {"column": spec.cost, "unit": f"the unit of column '{spec.cost}' per item"}
    return {"column": None, "price_table": spec.price_table, "unit": "price-table currency per item",
            "formula": f"({spec.input_tokens} × input_price + {spec.output_tokens} × output_price) "
                       f"/ {TOKENS_PER_PRICE:,} (prices per 1M tokens)"}  # fmt: skip


def _notes(
    spec: CostQualitySpec, log: EvalLog, plan: Plan, point: Samples, hull: list[str]
) -> dict[str, Any]:
    """What the candidates mean: cost axis, frontier cost-of-pass, hull, cascades, bootstrap."""
    names = log.systems
    return {
        "source_table": spec.table,
        "cost_axis": _cost_axis(spec),
        "items": log.items, "rows": log.rows, "systems": names,
        "missing": log.missing,
        "quality": f"mean of '{spec.correct}' per item (true/1 = correct; a score in [0, 1] = partial)",
        "cost_of_pass": "mean cost per item / quality; inf when quality is 0",
        "frontier_cost_of_pass": frontier_cost_of_pass(log, spec.human_cost),
        "best_single_system": _best_single(log, point, spec.human_cost),
        "human_cost": spec.human_cost,
        "hull": hull,
        "mixtures": "route a random share share_second of the items to second, the rest to first "
                    "(adjacent vertices of the upper convex hull of the systems and cascades); latency "
                    "percentiles are those of the mixture distribution, without bootstrap intervals",
        "cascades": _cascade_notes(spec, log, plan),
        "latency_quantiles": "inverted CDF (DuckDB quantile_disc); intervals for single systems only",
        "bootstrap": {"resamples": spec.resamples, "seed": spec.seed, "method": "percentile (inverted CDF)",
                      "unit": "items, with replacement, same draw for every candidate (paired)"},
        "ci_level": spec.ci_level,
        "derived_knobs": list(DERIVED_KNOBS),
        "knobs": "system: recipe; kind: system|mixture|cascade; first/second: the systems (of a mixture: "
                 "the systems or cascades it mixes); "
                 "share_second: mixture share of second; threshold: cascade confidence threshold",
    }  # fmt: skip


def _cascade_notes(spec: CostQualitySpec, log: EvalLog, plan: Plan) -> dict[str, Any] | str:
    """How the cascades were chosen and evaluated."""
    if log.confidence is None:
        return "no confidence column: no cascades"
    without = [name for name, row in zip(log.systems, log.confidence, strict=True) if np.isnan(row).any()]
    return {
        "pairs": [f"{log.systems[s.first]} → {log.systems[s.second]}" for s in plan.cascades],
        "systems_without_confidence": without,
        "skipped_pairs": plan.skipped_pairs,
        "max_pairs": MAX_CASCADE_PAIRS,
        "pairs_rule": "first cheaper and worse than second; efficient systems' pairs first, then by cost",
        "rule": "first answers every item (its cost always paid); items whose first-system confidence is "
        "below threshold also go to second, whose answer counts and whose cost and latency add",
        "thresholds": f"k/{spec.thresholds} quantiles of first's confidence, k = 1..{spec.thresholds - 1}",
    }
