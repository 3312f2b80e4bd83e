"""One model's candidates: the policies of every kind, their metrics and their intervals.

:func:`make_plan` reads the objectives once: the per-group search maximises the first
objective that is linear in the confusion counts (accuracy, balanced accuracy, TPR, or
expected cost minimised; accuracy otherwise) under the first disparity objective
(``dp_difference``, ``dp_ratio``, ``eopp_difference`` or ``eodds_difference``;
``dp_difference`` otherwise). The randomized policies equalise the selection rate, or the
TPR for ``eopp_difference``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ...jobs import CancelToken, Progress
from .bootstrap import Intervals, bootstrap, protected_iv
from .cells import Cells, Curves, Float, Int, curves, quantile_positions
from .metrics import ratio
from .policies import (
    PolicySet,
    capacity_policies,
    distinct,
    global_policies,
    selected_rows,
    within_capacity,
)
from .randomized import randomized_policies
from .search import Constraint, Window, window_search
from .spec import FairnessSpec, active_policies, capacity_rows
from .validate import TableFacts

UTILITIES = {"accuracy": "max", "balanced_accuracy": "max", "tpr": "max", "expected_cost": "min"}
CONSTRAINTS = {"dp_difference": "min", "dp_ratio": "max", "eopp_difference": "min", "eodds_difference": "min"}
GRID_POSITIONS = 4000
GRID_CELLS = 1_000_000


@dataclass(frozen=True)
class Plan:
    """What every model's run needs, read from the spec and the table facts once."""

    utility: str
    constraint: str
    randomized_rate: str
    capacity: int | None
    policies: tuple[str, ...]
    objectives: list[tuple[str, bool]]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ModelRun:
    """A model's cells, candidate policies, model-level metrics, metrics and intervals."""

    cells: Cells
    policies: PolicySet
    iv_edges: Int
    constants: dict[str, float]
    metrics: dict[str, Float]
    intervals: Intervals | None
    dropped: int
    merged: int = 0


def make_plan(spec: FairnessSpec, facts: TableFacts) -> Plan:
    """Choose the search's utility and constraint and the randomized rate from the objectives."""
    objectives = [(o.metric, o.direction == "max") for o in spec.objectives]
    utility = next((m for m, up in objectives if UTILITIES.get(m) == ("max" if up else "min")), None)
    constraint = next((m for m, up in objectives if CONSTRAINTS.get(m) == ("max" if up else "min")), None)
    notes = []
    if utility is None:
        notes.append("No objective is linear in the counts; per-group policies maximise accuracy.")
    if constraint is None:
        notes.append("No disparity objective; per-group policies bound dp_difference.")
    constraint = constraint or "dp_difference"
    rate = "tpr" if constraint == "eopp_difference" else "selection_rate"
    if constraint == "eodds_difference" and "randomized" in spec.policies:
        notes.append(
            "Randomized policies equalise selection rates (randomized equalized odds is not computed)."
        )
    capacity = capacity_rows(spec, facts.rows)
    return Plan(utility or "accuracy", constraint, rate, capacity, active_policies(spec), objectives, notes)


def utility_curve(name: str, found: Curves, cost_ratio: float) -> Float:
    """Each group's additive share of the utility at every position: ``(G, P)``."""
    total = float(found.pos.sum() + found.neg.sum())
    pos, neg = found.pos[:, None], found.neg[:, None]
    if name == "accuracy":
        return (found.tp + neg - found.fp) / total
    if name == "balanced_accuracy":
        return (found.tp / found.pos.sum() + (neg - found.fp) / found.neg.sum()) / 2
    if name == "tpr":
        return found.tp / found.pos.sum()
    return -(cost_ratio * found.fp + pos - found.tp) / total


def rate_curve(name: str, found: Curves) -> Float:
    """A per-group rate at every position (falls as the position rises): ``(G, P)``."""
    if name == "selection_rate":
        return ratio(found.tp + found.fp, (found.pos + found.neg)[:, None])
    if name == "tpr":
        return ratio(found.tp, found.pos[:, None])
    return ratio(found.fp, found.neg[:, None])


def search_grid(cells: Cells) -> Int:
    """Positions for the per-group searches: quantiles of each group's weight, all when few.

    About ``GRID_POSITIONS`` in all, fewer with many groups (groups × positions ≤ ``GRID_CELLS``).
    """
    mass = cells.weight.sum(axis=2)
    groups = len(mass)
    per_group = max(8, min(GRID_POSITIONS, GRID_CELLS // groups) // groups)
    return np.unique(np.concatenate([quantile_positions(row, per_group) for row in mass]))


def _levels(constraint: Constraint, best: Int, count: int) -> Float:
    """Constraint levels from exact parity to the unconstrained optimum's disparity."""
    groups = np.arange(len(best))
    values = [rate[groups, best] for rate in constraint.rates]
    if constraint.window == "ratio":
        low = float(values[0].min() / values[0].max()) if values[0].max() > 0 else 1.0
        return np.linspace(low, 1.0, count)
    return np.linspace(0.0, max(float(v.max() - v.min()) for v in values), count)


def group_policies(cells: Cells, found: Curves, plan: Plan, spec: FairnessSpec) -> PolicySet:
    """Deterministic per-group thresholds by the window search on the search grid."""
    grid = search_grid(cells)
    utility = utility_curve(plan.utility, found, spec.cost_ratio)[:, grid]
    names = {"eopp_difference": ["tpr"], "eodds_difference": ["tpr", "fpr"]}.get(
        plan.constraint, ["selection_rate"]
    )
    window: Window = "ratio" if plan.constraint == "dp_ratio" else "difference"
    constraint = Constraint([rate_curve(name, found)[:, grid] for name in names], window)
    levels = _levels(constraint, np.argmax(utility, axis=1), spec.group_policies)
    first = None
    if plan.capacity is not None:
        rows = selected_rows(cells)[:, grid]
        share = rows / rows[:, :1]
        first = np.argmax(share <= plan.capacity / float(cells.count.sum()), axis=1)
    chosen = window_search(constraint, utility, levels, first=first)
    return PolicySet.deterministic("group", grid[chosen])


def build_policies(
    cells: Cells, found: Curves, plan: Plan, spec: FairnessSpec, constants: dict[str, float]
) -> PolicySet:
    """Every candidate policy of one model, capacity filter not yet applied."""
    groups = len(found.pos)
    parts = []
    if "global" in plan.policies:
        parts.append(
            global_policies(
                cells,
                found,
                limit=spec.thresholds,
                objectives=plan.objectives,
                constants=constants,
                cost_ratio=spec.cost_ratio,
            )
        )
    if "group" in plan.policies:
        parts.append(group_policies(cells, found, plan, spec))
    if "randomized" in plan.policies:
        grid = search_grid(cells)
        upper = np.inf
        if plan.capacity is not None and plan.randomized_rate == "selection_rate":
            upper = plan.capacity / float(cells.count.sum())
        rate = rate_curve(plan.randomized_rate, found)[:, grid]
        utility = utility_curve(plan.utility, found, spec.cost_ratio)[:, grid]
        parts.append(randomized_policies(rate, utility, grid, spec.randomized_policies, upper))
    if "capacity" in plan.policies and plan.capacity is not None:
        parts.append(capacity_policies(cells, plan.capacity))
    return PolicySet.concat(parts, groups)


def run_model(
    cells: Cells,
    plan: Plan,
    spec: FairnessSpec,
    *,
    progress: Progress,
    cancel: CancelToken,
    seed: Sequence[int],
) -> ModelRun:
    """Policies, metrics and (when ``spec.bootstrap``) percentile intervals of one model."""
    found = curves(cells.weight)
    iv_edges = quantile_positions(cells.weight.sum(axis=(0, 2)), spec.iv_bins + 1)
    iv = float(protected_iv(cells.weight, cells.count.astype(np.float64), iv_edges))
    constants = {"auc": cells.auc, "iv_protected": iv}
    policies = build_policies(cells, found, plan, spec, constants)
    dropped = 0
    if plan.capacity is not None:
        keep = within_capacity(policies, selected_rows(cells), plan.capacity)
        dropped = int((~keep).sum())
        policies = policies.select(keep)
    policies, merged = distinct(policies, found)
    metrics = policies.evaluate(found, spec.cost_ratio, spec.favorable == "selected")
    cancel.raise_if_cancelled()
    intervals = None
    if spec.bootstrap and len(policies):
        intervals = bootstrap(
            cells, policies, iv_edges, resamples=spec.bootstrap, confidence=spec.confidence, seed=seed,
            cost_ratio=spec.cost_ratio, favorable_selected=spec.favorable == "selected", progress=progress,
            cancel=cancel,
        )  # fmt: skip
    return ModelRun(cells, policies, iv_edges, constants, metrics, intervals, dropped, merged)
