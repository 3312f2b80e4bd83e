"""Cross-fitted cascades (``--folds K``): thresholds set on some items, scored on the others.

In-sample, a cascade's thresholds are quantiles of the first system's confidence over the same
items it is then scored on. Cross-fitted, the items are split into ``K`` folds (at random with
the analysis's seed; with ``--cluster``, whole clusters go to one fold, so nested items never
sit on both sides); for each fold the thresholds are the same quantile levels of the
confidence over the *other* folds, and the fold's items escalate when their confidence is
below them. Each candidate's quality and cost are then those of the held-out decisions; the
in-sample figures stay beside them (``quality_in_sample``, ``cost_in_sample``).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..candidates import AnalysisError
from .clusters import Clusters
from .routing import Cascade

MAX_FOLDS = 20


def fold_of_item(items: int, folds: int, seed: int, clusters: Clusters | None) -> np.ndarray:
    """Each item's fold, ``0 … folds-1``: items (or whole clusters) dealt out in a seeded random order."""
    units = items if clusters is None else clusters.count
    if not 2 <= folds <= min(MAX_FOLDS, units):
        what = "items" if clusters is None else f"clusters of '{clusters.column}'"
        raise AnalysisError(
            f"--folds must lie between 2 and {min(MAX_FOLDS, units)} (at most {MAX_FOLDS}, and no more than "
            f"the {units:,} {what}); got {folds}."
        )
    order = np.random.default_rng(seed).permutation(units)
    fold_of_unit = np.empty(units, dtype=np.intp)
    fold_of_unit[order] = np.arange(units) % folds
    return fold_of_unit if clusters is None else fold_of_unit[clusters.of_item]


def cross_fit(sweep: Cascade, confidence: np.ndarray, folds: np.ndarray) -> Cascade:
    """``sweep`` with held-out escalation masks (levels × items): each fold's items against the
    thresholds of the other folds' confidence at the same quantile levels."""
    masks = np.zeros((len(sweep.levels), len(confidence)), dtype=bool)
    for fold in np.unique(folds):
        held = folds == fold
        thresholds = np.quantile(confidence[~held], sweep.levels, method="inverted_cdf")
        masks[:, held] = confidence[held][None, :] < thresholds[:, None]
    return replace(sweep, masks=masks)
