"""Local (per-site) against global (pooled) disparity of chosen candidates.

A candidate's policy is applied within each site: the site's own groups give its local
disparities. Pooled figures come from all sites together; a disparity can be small pooled and
large in every site, or the reverse (Simpson's paradox), which is why both are shown. The
site cells are sparse, so each candidate costs one pass over the non-empty cells.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .cells import Float, SiteCells, sum_by
from .metrics import evaluate
from .policies import PolicySet
from .runs import ModelRun

if TYPE_CHECKING:
    import pandas as pd

SITE_METRICS = (
    "selection_rate",
    "accuracy",
    "dp_difference",
    "dp_ratio",
    "eopp_difference",
    "eodds_difference",
)


def site_confusion(cells: SiteCells, policies: PolicySet, groups: int) -> tuple[Float, Float, Float, Float]:
    """Expected selected positives and negatives ``(S, C, G)`` and totals ``(S, G)`` per site."""
    index = (cells.site * groups + cells.group) * 2 + cells.label
    size = cells.sites * groups * 2
    totals = sum_by(index, cells.weight, size).reshape(cells.sites, groups, 2)
    tp = np.zeros((cells.sites, len(policies), groups))
    fp = np.zeros_like(tp)
    for c in range(len(policies)):
        lo, hi, p_hi = policies.lo[c, cells.group], policies.hi[c, cells.group], policies.p_hi[c, cells.group]
        chosen = (cells.bin >= lo) * (1.0 - p_hi) + (cells.bin >= hi) * p_hi
        selected = sum_by(index, cells.weight * chosen, size).reshape(cells.sites, groups, 2)
        tp[:, c], fp[:, c] = selected[..., 1], selected[..., 0]
    return tp, fp, totals[..., 1], totals[..., 0]


def site_frame(
    runs: dict[str, ModelRun],
    chosen: dict[str, list[tuple[str, int]]],
    sites: list[Any],
    cost_ratio: float,
    favorable_selected: bool = True,
) -> pd.DataFrame:
    """One row per (candidate, site) with ``scope`` "local", plus one "pooled" row per candidate.

    ``chosen`` maps a model to ``(candidate_id, policy index)`` pairs; ``weight`` is the site's
    total weight (rows when unweighted).
    """
    import pandas as pd

    parts = []
    names = ["(missing)" if site is None else str(site) for site in sites]
    for model, pairs in chosen.items():
        run = runs[model]
        if not pairs or run.cells.sites is None:
            continue
        ids = [candidate for candidate, _ in pairs]
        index = np.array([i for _, i in pairs], dtype=np.int64)
        tp, fp, pos, neg = site_confusion(
            run.cells.sites, run.policies.select(index), run.cells.weight.shape[0]
        )
        local = evaluate(tp, fp, pos, neg, cost_ratio, favorable_selected=favorable_selected)
        frame = pd.DataFrame({"candidate_id": np.repeat(ids, len(sites)), "model": model,
                              "site": np.tile(names, len(ids)), "scope": "local",
                              "weight": np.tile((pos + neg).sum(axis=1), len(ids))})  # fmt: skip
        for name in SITE_METRICS:
            frame[name] = local[name].T.ravel()
        pooled = pd.DataFrame({"candidate_id": ids, "model": model, "site": None, "scope": "pooled",
                               "weight": float(run.cells.weight.sum())})  # fmt: skip
        for name in SITE_METRICS:
            pooled[name] = run.metrics[name][index]
        parts += [frame, pooled]
    if not parts:
        return pd.DataFrame(columns=["candidate_id", "model", "site", "scope", "weight", *SITE_METRICS])
    return pd.concat(parts, ignore_index=True)
