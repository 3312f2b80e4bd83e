"""What a cost–quality analysis's candidates mean: the notes stored with them."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..clusters import ci_label
from .evaluate import Samples
from .fronts import FRONTS_NOTE
from .headline import headline, ratio_label
from .reading import EvalLog
from .routing import MAX_CASCADE_PAIRS, Plan
from .spec import DERIVED_KNOBS, TOKENS_PER_PRICE, CostQualitySpec, ratio_metric


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


def analysis_notes(
    spec: CostQualitySpec, log: EvalLog, plan: Plan, point: Samples, hull: list[str]
) -> dict[str, Any]:
    """What the candidates mean: cost axis, frontier cost-of-pass, fronts, hull, cascades, bootstrap."""
    names = log.systems
    return {
        "source_table": spec.table,
        "cost_axis": _cost_axis(spec),
        "items": log.items, "rows": log.rows, "systems": names,
        "missing": log.missing,
        "quality": _quality_note(spec, log),
        "cost_ratio": {"metric": ratio_metric(spec, log.graded), "label": ratio_label(spec, log.graded),
                       "graded": log.graded, "pass_at": spec.pass_at},
        ratio_metric(spec, log.graded): "mean cost per item / quality; inf when quality is 0",
        "headline": headline(spec, log, point),
        "frontier_cost_of_pass": frontier_cost_of_pass(log, spec.human_cost)
        | {"name": f"frontier {ratio_label(spec, log.graded)}"},
        "best_single_system": _best_single(log, point, spec.human_cost),
        "human_cost": spec.human_cost,
        "hull": hull,
        "mixtures": "route a random share share_second of the items to second, the rest to first "
                    "(adjacent vertices of the upper convex hull of the systems and cascades); latency "
                    "percentiles are those of the mixture distribution, without bootstrap intervals",
        "cascades": _cascade_notes(spec, log, plan),
        "latency_quantiles": "inverted CDF (DuckDB quantile_disc); intervals for single systems only",
        "bootstrap": _bootstrap_notes(spec, log),
        "ci": ci_label(spec.ci_level, log.clusters, log.items),
        "fronts": FRONTS_NOTE,
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
        "evaluation": _evaluation(spec, log),
    }


def _bootstrap_notes(spec: CostQualitySpec, log: EvalLog) -> dict[str, Any]:
    """How the intervals were resampled: single items, or whole clusters of items."""
    notes: dict[str, Any] = {"resamples": spec.resamples, "seed": spec.seed}
    notes["method"] = "percentile (inverted CDF)"
    if log.clusters is None:
        notes["unit"] = "items, with replacement, same draw for every candidate (paired)"
        return notes
    notes["unit"] = (f"clusters of column '{log.clusters.column}' (every item of a drawn cluster), with "
                     "replacement, same draw for every candidate (paired)")  # fmt: skip
    notes |= {"cluster": log.clusters.column, "clusters": log.clusters.count}
    return notes


def _quality_note(spec: CostQualitySpec, log: EvalLog) -> str:
    """What quality means: the share correct, the mean graded score, or the share passing --pass-at."""
    if spec.pass_at is not None:
        return f"share of items whose '{spec.correct}' is at least {spec.pass_at:g} (--pass-at)"
    if log.graded:
        return (
            f"mean of the graded score '{spec.correct}' per item; cost_per_quality is the expected cost per "
            "unit of score, not a cost-of-pass (give --pass-at X to count a score ≥ X as a pass)"
        )
    return f"share of items with '{spec.correct}' true (1)"


def _evaluation(spec: CostQualitySpec, log: EvalLog) -> str:
    """How the cascades' quality and cost were measured: in-sample, or cross-fitted."""
    if spec.folds is None:
        return ("in-sample: thresholds set and scored on the same items, so the quality is optimistic; "
                "give --folds K to cross-fit them")  # fmt: skip
    by = f"whole clusters of '{log.clusters.column}'" if log.clusters else "items"
    return (
        f"cross-fitted over {spec.folds} folds of {by} (seed {spec.seed}): each fold escalates on the "
        "thresholds at the same quantile levels of the other folds' confidence; the threshold shown is "
        "the one over all items; quality_in_sample and cost_in_sample give the in-sample figures"
    )
