"""Estimator-selection figures (when true values exist) and the plausibility check of the values.

Per estimator, over the ranked policies (the behaviour policy left out):

- ``nmse``: mean squared error of the estimates, divided by the squared range of the true
  values (max − min), so estimators compare across tasks whatever the reward's scale;
- ``mse``: the plain mean squared error;
- ``rank_correlation``: Spearman's ρ between estimates and true values (average ranks for ties;
  undefined, None, when either side is constant);
- ``regret_at_1``: best true value − the true value of the estimator's first pick.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .inputs import OpeInputs


def _ranks(values: np.ndarray) -> np.ndarray:
    """Average ranks (1-based) of ``values``, ties sharing the mean of their positions."""
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(1, len(values) + 1, dtype=np.float64)
    for value in np.unique(values):
        tied = values == value
        if tied.sum() > 1:
            ranks[tied] = ranks[tied].mean()
    return ranks


def spearman(a: np.ndarray, b: np.ndarray) -> float | None:
    """Spearman's rank correlation of two equal-length vectors, None when either is constant."""
    ra, rb = _ranks(a) - (len(a) + 1) / 2.0, _ranks(b) - (len(b) + 1) / 2.0
    denominator = float(np.sqrt(np.sum(ra**2) * np.sum(rb**2)))
    return float(np.sum(ra * rb) / denominator) if denominator > 0 else None


def estimator_selection(inputs: OpeInputs) -> dict[str, dict[str, Any]]:
    """nMSE, MSE, rank correlation and Regret@1 of every estimator (module docstring)."""
    truth = inputs.true_values
    assert truth is not None
    spread = float(truth.max() - truth.min())
    out = {}
    for estimator, estimates in inputs.estimates.items():
        mse = float(np.mean((estimates - truth) ** 2))
        first = int(np.argsort(-estimates, kind="stable")[0])
        out[estimator] = {
            "mse": mse,
            "nmse": mse / spread**2 if spread > 0 else None,
            "rank_correlation": spearman(estimates, truth),
            "regret_at_1": float(truth.max() - truth[first]),
        }
    return out


def implausible(inputs: OpeInputs, table: str) -> list[dict[str, Any]]:
    """Every estimate (and true value) outside the value range, as ``{policy, estimator, value}``."""
    if inputs.value_range is None:
        return []
    low, high = inputs.value_range
    found: list[dict[str, Any]] = []

    def flag(policy: str, estimator: str, value: float) -> None:
        found.append({"table": table, "policy": policy, "estimator": estimator, "value": float(value)})

    for estimator, estimates in inputs.estimates.items():
        for policy, value in zip(inputs.policies, estimates, strict=True):
            if not low <= value <= high:
                flag(policy, estimator, value)
        baseline = inputs.baselines[estimator]
        if inputs.true_values is None and not low <= baseline <= high:
            flag(inputs.behaviour_policy, estimator, baseline)
    if inputs.true_values is not None:
        for policy, value in zip(inputs.policies, inputs.true_values, strict=True):
            if not low <= value <= high:
                flag(policy, "true value", value)
    return found
