"""The headline of a cost–quality analysis: the best single system, and by which rule.

- With a budget (the first ``--budget``): the best quality among the single systems costing at
  most the budget per item (ties: the cheaper).
- Else with a target quality (the first ``--target-quality``): the cheapest single system
  reaching it (ties: the better).
- Else: the lowest cost-of-pass (expected cost per unit of quality for graded scores without
  ``--pass-at``), or the human expert when a human cost is given and is lower.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .evaluate import Samples
from .reading import EvalLog
from .spec import GRADED_METRIC, CostQualitySpec, ratio_metric


def ratio_label(spec: CostQualitySpec, graded: bool) -> str:
    """How the cost ratio is called in words: cost-of-pass, or expected cost per unit of quality."""
    return (
        "expected cost per unit of quality" if ratio_metric(spec, graded) == GRADED_METRIC else "cost-of-pass"
    )


def headline(spec: CostQualitySpec, log: EvalLog, point: Samples) -> dict[str, Any]:
    """``{"system", "rule", "text"}`` (``system`` is None when no system meets the budget or target)."""
    systems = len(log.systems)
    quality, cost = point.quality[0, :systems], point.cost[0, :systems]
    ratio = point.cost_of_pass[0, :systems]
    label = ratio_label(spec, log.graded)
    if spec.budgets:
        budget = spec.budgets[0]
        rule = f"highest quality among single systems costing at most {budget:g} per item"
        fits = np.flatnonzero(cost <= budget)
        pick = min(fits, key=lambda i: (-quality[i], cost[i], i)) if len(fits) else None
        missing = f"no single system costs at most {budget:g} per item (the cheapest: {cost.min():.4g})"
    elif spec.target_qualities:
        target = spec.target_qualities[0]
        rule = f"cheapest single system reaching quality {target:g}"
        fits = np.flatnonzero(quality >= target)
        pick = min(fits, key=lambda i: (cost[i], -quality[i], i)) if len(fits) else None
        missing = f"no single system reaches quality {target:g} (the best: {quality.max():.4g})"
    else:
        rule, pick, missing = f"lowest {label}", int(np.argmin(ratio)), ""
        if spec.human_cost is not None and spec.human_cost < ratio[pick]:
            text = f"Best single system: the human expert, by {rule} ({spec.human_cost:.6g} per item)."
            return {"system": "human expert", "rule": rule, "text": text}
    if pick is None:
        return {"system": None, "rule": rule, "text": f"Best single system by {rule}: none; {missing}."}
    name = log.systems[int(pick)]
    text = (f"Best single system: {name}, by {rule}: quality {quality[pick]:.4g}, cost {cost[pick]:.4g}, "
            f"{label} {ratio[pick]:.4g}.")  # fmt: skip
    return {"system": name, "rule": rule, "text": text}
