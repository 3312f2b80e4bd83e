"""The @k metrics of an estimator's shortlist, under the paper's or SCOPE-RL's convention.

The top k policies are the k with the highest *estimated* values (a stable sort: ties keep the
input order); every metric is computed over their *values* (true values when known):

- ``best_at_k`` = max, ``worst_at_k`` = min, ``mean_at_k`` = mean;
- ``std_at_k``: divisor 1/k (``paper``) or 1/(k-1) (``scope-rl``, numpy ``ddof=1``);
- ``sharpe_ratio_at_k`` = (best@k − J(π_b)) / std@k; ``scope-rl`` clips the numerator at 0.
  std@k = 0 leaves it undefined (NaN);
- ``cvar_at_k``: mean of the lowest ⌈α·k⌉ values of the top k (α = ``cvar_alpha``);
- ``lower_quartile_at_k``: the 25th percentile of the top-k values (linear interpolation);
- ``safety_violation_rate_at_k``: share of the top k whose value is below
  ``safety_threshold`` (``relative_safety`` × J(π_b), as SCOPE-RL's ``relative_safety_criteria``);
- ``regret_at_k`` (true values only): the best value of all candidates − best@k.

Besides the metrics, :func:`top_k_metrics` returns the value of each estimator's first pick.
A resample of whole clusters of policies (``--cluster``) may hold fewer policies than k: it is
padded with NaN values ranked last, and its metrics at that k are undefined (NaN).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

Convention = Literal["paper", "scope-rl"]
CONVENTIONS: dict[str, str] = {
    "paper": (
        "paper: SharpeRatio@k = (best@k - J(behaviour)) / std@k, std over the top k with divisor 1/k "
        "(Kiyohara et al., ICLR 2024, arXiv 2311.18207, eq. for SharpeRatio@k)"
    ),
    "scope-rl": (
        "scope-rl: SharpeRatio@k = max(best@k - J(behaviour), 0) / std@k, std with divisor 1/(k-1) "
        "(ddof = 1), as SCOPE-RL 0.2.1's code (scope_rl/ope/ops.py) computes it; its docs write 1/k"
    ),
}
BASE_METRICS = ("best_at_k", "worst_at_k", "mean_at_k", "std_at_k", "sharpe_ratio_at_k")
RISK_METRICS = ("cvar_at_k", "lower_quartile_at_k", "safety_violation_rate_at_k")
REGRET = "regret_at_k"
METRICS = (*BASE_METRICS, *RISK_METRICS, REGRET)
_ZERO_STD = 1e-12


def top_k_metrics(
    estimates: np.ndarray,
    values: np.ndarray,
    baseline: float,
    *,
    convention: Convention = "paper",
    cvar_alpha: float = 0.3,
    safety_threshold: float | None = None,
    ks: range | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The @k metrics for each k of ``ks`` (default 2..n), shape ``(..., len(ks), len(METRICS))``
    in :data:`METRICS` order, and the first pick's value, shape ``(...)``.

    ``estimates`` and ``values`` have shape ``(..., n)``; a leading axis holds resamples.
    ``safety_threshold`` defaults to ``baseline``.
    """
    order = np.argsort(-estimates, axis=-1, kind="stable")
    ranked = np.take_along_axis(values, order, axis=-1)
    n = ranked.shape[-1]
    ks = ks if ks is not None else range(2, n + 1)
    threshold = baseline if safety_threshold is None else safety_threshold
    overall = np.fmax.reduce(values, axis=-1)  # = max; a cluster resample's padding (NaN) left out
    out = np.empty((*ranked.shape[:-1], len(ks), len(METRICS)))
    for index, k in enumerate(ks):
        top = ranked[..., :k]
        out[..., index, :] = _at_k(top, (baseline, threshold), convention, cvar_alpha, overall)
    return out, ranked[..., 0]


def _at_k(
    top: np.ndarray, levels: tuple[float, float], convention: Convention, alpha: float, overall: np.ndarray
) -> np.ndarray:
    """Every metric of one k, stacked on the last axis; ``levels`` = (baseline, safety threshold)."""
    baseline, threshold = levels
    k = top.shape[-1]
    best, worst, mean = top.max(axis=-1), top.min(axis=-1), top.mean(axis=-1)
    ddof = 1 if convention == "scope-rl" else 0
    std = np.sqrt(np.sum((top - mean[..., None]) ** 2, axis=-1) / (k - ddof))
    zero = std <= _ZERO_STD * np.maximum(1.0, np.abs(mean))
    excess = best - baseline
    if convention == "scope-rl":
        excess = np.maximum(excess, 0.0)
    sharpe = np.where(zero, np.nan, excess / np.where(zero, 1.0, std))
    tail = max(1, math.ceil(alpha * k))
    cvar = np.sort(top, axis=-1)[..., :tail].mean(axis=-1)
    quartile = np.quantile(top, 0.25, axis=-1)
    unsafe = (top < threshold).mean(axis=-1)
    stacked = [best, worst, mean, np.where(zero, 0.0, std), sharpe, cvar, quartile, unsafe, overall - best]
    short = np.isnan(top).any(axis=-1)  # a cluster resample with fewer than k policies: undefined
    return np.where(short[..., None], np.nan, np.stack(stacked, axis=-1))
