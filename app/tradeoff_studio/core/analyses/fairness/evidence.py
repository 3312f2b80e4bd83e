"""Per-group evidence of one stored fairness candidate: n, base rate, selection rate, TPR, FPR,
precision, accuracy and threshold per group, each rate with its bootstrap interval.

The stored analysis keeps its spec, not its counts, so :func:`group_evidence` counts the table
again for the candidate's model with the analysis's own code (one DuckDB scan, the same groups,
bins and weights), reads the candidate's rule back from its per-group thresholds, and checks
that its overall accuracy and selection rate match the stored ones: a table changed since the
analysis is refused rather than described wrongly. Intervals resample the counts as the
analysis does (multinomial over group × rule cell × label; ``spec.bootstrap`` resamples at
``spec.confidence``, seeded from ``spec.seed``); with no resamples there are none.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from ...jobs import CancelToken, no_progress
from ...project import Project
from ..candidates import AnalysisError
from .aggregate import Request, aggregate
from .cells import Cells, Float, collapse, curves
from .cluster_cells import merged_tables
from .metrics import group_rates, ratio
from .policies import PolicySet
from .spec import FairnessSpec, outcome_words
from .validate import validate

RATES = ("selection_rate", "tpr", "fpr", "precision", "accuracy")
_TOLERANCE = 1e-9


def _policy(cells: Cells, rule: dict[str, Any], labels: list[str]) -> PolicySet:
    """The candidate's positions per group from its stored thresholds."""
    cut = cells.thresholds
    lo, hi, p_hi = [], [], []
    for label in labels:
        value = rule[label]
        if isinstance(value, list):
            (low, _), (high, share) = value
        else:
            low, high, share = value, value, 0.0
        lo.append(int(np.searchsorted(cut, float(low), side="left")))
        hi.append(int(np.searchsorted(cut, float(high), side="left")))
        p_hi.append(float(share))
    return PolicySet(["stored"], np.array([lo]), np.array([hi]), np.array([p_hi]))


def _cells(project: Project, spec: FairnessSpec, model: str, cancel: CancelToken) -> tuple[Cells, list[str]]:
    from .analysis import exact_mode

    facts = validate(project, spec)
    request = Request(
        spec.table, spec.label, tuple(spec.sensitive), model, spec.weights, spec.site,
        exact_mode(spec, facts, model), spec.bins, facts.source, spec.cluster,
    )  # fmt: skip
    return aggregate(project, request, facts, progress=no_progress, cancel=cancel), facts.groups.labels


def _threshold_text(cells: Cells, lo: int, hi: int, p_hi: float, word: str) -> tuple[float | None, str]:
    last = cells.bins

    def one(position: int) -> str:
        if position >= last:
            return f"nobody {word}"
        if position == 0:
            return f"everybody {word}"
        return f"score ≥ {cells.thresholds[position]:.4g}"

    if lo == hi or p_hi <= 0.0:
        return (None if lo in (0, last) else float(cells.thresholds[lo])), one(lo)
    return None, f"{one(hi)} with probability {p_hi:.2f}, else {one(lo)}"


def _rates(policy: PolicySet, weight: Float) -> dict[str, Float]:
    """Per-group rates ``(..., G)`` of ``policy`` on cells ``weight`` (shape ``(..., G, K, 2)``)."""
    found = curves(weight)
    tp, fp = policy.gather(found.tp)[..., 0, :], policy.gather(found.fp)[..., 0, :]
    rates = group_rates(tp[..., None, :], fp[..., None, :], found.pos, found.neg)
    return {name: values[..., 0, :] for name, values in rates.items()}


def _intervals(
    cells: Cells, policy: PolicySet, spec: FairnessSpec, seed: int
) -> dict[str, tuple[Float, Float]]:
    """Percentile intervals of every per-group rate (empty without resamples)."""
    if not spec.bootstrap:
        return {}
    used = np.union1d(policy.positions(), [0, cells.bins])
    count = collapse(cells.count.astype(np.float64), used)
    mean_weight = ratio(collapse(cells.weight, used), count)
    merged = policy.remap(used)
    rows = int(count.sum())
    rng = np.random.default_rng([spec.seed, seed, 1])
    if cells.clusters is not None:  # whole clusters, each with its own count table
        _, resampled = merged_tables(cells.clusters, used, count.shape[0]).resample(rng, spec.bootstrap)
    else:
        draws = rng.multinomial(rows, (count / rows).ravel(), size=spec.bootstrap)
        resampled = draws.reshape((spec.bootstrap, *count.shape)) * mean_weight
    rates = _rates(merged, resampled)
    tail = (1.0 - spec.confidence) / 2.0
    out = {}
    for name, values in rates.items():
        with np.errstate(all="ignore"):
            out[name] = (np.quantile(values, tail, axis=0), np.quantile(values, 1 - tail, axis=0))
    return out


def group_evidence(
    project: Project,
    spec_data: dict[str, Any],
    candidate: dict[str, Any],
    *,
    cancel: CancelToken | None = None,
    counted: tuple[Cells, list[str]] | None = None,
) -> dict[str, Any]:
    """The per-group table of ``candidate`` (a stored candidates row) of the analysis whose spec is
    ``spec_data``: ``{"outcome", "favorable", "resamples", "confidence", "groups": [row, …]}``.

    Raises :class:`AnalysisError` when the table no longer gives the stored candidate's figures.
    """
    spec = FairnessSpec.from_dict(spec_data)
    model = str(candidate["model"])
    cells, labels = counted or _cells(project, spec, model, cancel or CancelToken())  # counted: --dataset
    rule = candidate["thresholds"]
    policy = _policy(cells, json.loads(rule) if isinstance(rule, str) else rule, labels)
    _check_unchanged(cells, policy, spec, candidate)
    point = _rates(policy, cells.weight)
    bounds = _intervals(cells, policy, spec, list(spec.scores).index(model))
    weight, rows = cells.weight.sum(axis=1), cells.count.sum(axis=(1, 2))
    word = spec.selected_means.strip()
    groups = []
    for g, label in enumerate(labels):
        threshold, text = _threshold_text(
            cells, int(policy.lo[0, g]), int(policy.hi[0, g]), float(policy.p_hi[0, g]), word
        )
        row: dict[str, Any] = {"group": label, "n": int(rows[g]), "weight": float(weight[g].sum())}
        row["base_rate"] = float(weight[g, 1] / weight[g].sum()) if weight[g].sum() > 0 else None
        for name in RATES:
            row[name] = float(point[name][g])
            if name in bounds:
                row[f"{name}_lo"], row[f"{name}_hi"] = float(bounds[name][0][g]), float(bounds[name][1][g])
        row |= {"threshold": threshold, "rule": text, "small": bool(rows[g] < spec.min_cell_size)}
        groups.append(row)
    return {
        "candidate_id": candidate["candidate_id"],
        "outcome": outcome_words(spec),
        "favorable": spec.favorable,
        "selected_means": word,
        "resamples": spec.bootstrap,
        "confidence": spec.confidence,
        "groups": groups,
    }


def _check_unchanged(cells: Cells, policy: PolicySet, spec: FairnessSpec, candidate: dict[str, Any]) -> None:
    found = curves(cells.weight)
    metrics = policy.evaluate(found, spec.cost_ratio, spec.favorable == "selected")
    for name in ("accuracy", "selection_rate"):
        stored = candidate.get(name)
        if stored is not None and abs(float(metrics[name][0]) - float(stored)) > _TOLERANCE:
            raise AnalysisError(
                f"Table '{spec.table}' no longer gives candidate {candidate['candidate_id']}'s {name} "
                f"({float(stored):.6g} when analysed, {float(metrics[name][0]):.6g} now): the table changed "
                "since the analysis. Run the analysis again."
            )
