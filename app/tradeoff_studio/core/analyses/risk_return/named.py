"""The named portfolios an analyst expects beside the frontier, each exact for the fit window's estimates.

- ``min-variance`` and ``max-return``: the two ends of the critical line;
- ``max-sharpe``: the tangency portfolio at the risk-free rate, maximising (w'μ − rf)/√(w'Σw)
  within the bounds. Along a segment of the critical line the weights are linear in a parameter
  t and the variance is quadratic, so the ratio's maximum on each segment has a closed form; the
  best over all segments is the exact optimum (the maximum-Sharpe portfolio is efficient);
- ``equal-weight`` (1/n) and ``inverse-volatility`` (∝ 1/σᵢ from the covariance's diagonal);
- ``risk-parity``: equal risk contributions wᵢ·(Σw)ᵢ, from Newton's method on Spinu's convex
  problem min ½y'Σy − Σ log(yᵢ)/n, y > 0, normalised to add up to 1.

A named portfolio the bounds do not allow (1/n above an asset's cap, say), or a tangency that does
not exist (no portfolio earns more than the risk-free rate), is listed with the reason instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .frontier import CriticalLine
from .portfolios import Portfolio

NAMED = ("min-variance", "max-sharpe", "max-return", "equal-weight", "inverse-volatility", "risk-parity")
_LABELS = {
    "min-variance": "minimum variance",
    "max-sharpe": "maximum Sharpe ratio (tangency at the risk-free rate)",
    "max-return": "maximum return",
    "equal-weight": "equal weights (1/n)",
    "inverse-volatility": "weights proportional to 1/volatility",
    "risk-parity": "equal risk contributions",
}


def named_portfolios(
    line: CriticalLine,
    mean: np.ndarray,
    cov: np.ndarray,
    bounds: tuple[np.ndarray, np.ndarray],
    *,
    risk_free: float,
    assets: list[str],
) -> tuple[list[Portfolio], list[dict[str, Any]]]:
    """The :data:`NAMED` portfolios that exist within ``bounds``, and a reason for each that does not."""
    found: dict[str, np.ndarray | str] = {
        "min-variance": line.weights[-1],
        "max-sharpe": max_sharpe(line, mean, cov, risk_free),
        "max-return": line.weights[0],
        "equal-weight": np.full(len(mean), 1.0 / len(mean)),
        "inverse-volatility": _normalised(1.0 / np.sqrt(np.diag(cov))),
        "risk-parity": risk_parity(cov),
    }
    portfolios, missing = [], []
    for name in NAMED:
        weights = found[name]
        reason = weights if isinstance(weights, str) else _outside(weights, bounds, assets)
        if reason:
            missing.append({"portfolio": name, "reason": reason})
            continue
        portfolios.append(Portfolio(name, "named", _LABELS[name], float("nan"), np.asarray(weights)))
    return portfolios, missing


def max_sharpe(line: CriticalLine, mean: np.ndarray, cov: np.ndarray, risk_free: float) -> np.ndarray | str:
    """The tangency weights on the critical line, or why there is none."""
    if line.max_return <= risk_free:
        return (
            f"No portfolio within the bounds earns more than the risk-free rate {risk_free:.2%} (the highest "
            f"return is {line.max_return:.2%}), so no portfolio has a positive Sharpe ratio to maximise."
        )
    if len(line.returns) == 1:
        return line.weights[0]
    best, best_ratio = line.weights[0], -np.inf
    for k in range(len(line.returns) - 1):
        start, step = line.weights[k + 1], line.weights[k] - line.weights[k + 1]
        for t in _segment_candidates(start, step, mean, cov, risk_free):
            weights = start + t * step
            risk = float(np.sqrt(max(weights @ cov @ weights, 0.0)))
            ratio = (float(mean @ weights) - risk_free) / risk if risk > 0 else -np.inf
            if ratio > best_ratio:
                best, best_ratio = weights, ratio
    return best


def _segment_candidates(
    start: np.ndarray, step: np.ndarray, mean: np.ndarray, cov: np.ndarray, risk_free: float
) -> list[float]:
    """The segment's ends and the stationary point of (r(t) − rf)/σ(t) when it lies inside [0, 1].

    With r(t) = r₀ + tΔ and σ²(t) = At² + 2Bt + C the derivative vanishes where
    t·(ΔB − (r₀ − rf)A) = (r₀ − rf)B − ΔC.
    """
    excess, delta = float(mean @ start) - risk_free, float(mean @ step)
    a, b, c = float(step @ cov @ step), float(start @ cov @ step), float(start @ cov @ start)
    denominator = delta * b - excess * a
    candidates = [0.0, 1.0]
    if denominator != 0.0:
        t = (excess * b - delta * c) / denominator
        if 0.0 < t < 1.0:
            candidates.append(t)
    return candidates


def risk_parity(cov: np.ndarray, tolerance: float = 1e-12) -> np.ndarray | str:
    """Long-only equal-risk-contribution weights (Newton on Spinu's convex formulation), or why not."""
    n = len(cov)
    budget = np.full(n, 1.0 / n)
    y = 1.0 / np.sqrt(np.diag(cov))
    y *= np.sqrt(1.0 / (y @ cov @ y))  # scaled so that y'Σy = 1 = sum of the budgets
    for _ in range(100):
        gradient = cov @ y - budget / y
        if np.abs(gradient * y).max() <= tolerance:
            return _normalised(y)
        step = np.linalg.solve(cov + np.diag(budget / (y * y)), gradient)
        shrink, value = 1.0, _spinu(cov, budget, y)
        while shrink > 1e-12 and (
            np.any(y - shrink * step <= 0.0)
            or _spinu(cov, budget, y - shrink * step) > value + 1e-14 * abs(value)
        ):  # stay inside y > 0 and go downhill (up to rounding)
            shrink /= 2.0
        y = y - shrink * step
    return (
        "Risk parity did not converge (a covariance that is nearly singular); use the Ledoit–Wolf covariance."
    )


def _spinu(cov: np.ndarray, budget: np.ndarray, y: np.ndarray) -> float:
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(0.5 * y @ cov @ y - budget @ np.log(y)) if np.all(y > 0) else float("inf")


def _normalised(weights: np.ndarray) -> np.ndarray:
    return weights / weights.sum()


def _outside(weights: np.ndarray, bounds: tuple[np.ndarray, np.ndarray], assets: list[str]) -> str | None:
    """Why ``weights`` break the weight bounds (naming the first asset), or None."""
    lower, upper = bounds
    slack = 1e-12
    broken = np.flatnonzero((weights < lower - slack) | (weights > upper + slack))
    if not broken.size:
        return None
    i = int(broken[0])
    return (
        f"Its weight of asset '{assets[i]}' would be {weights[i]:.4g}, outside that asset's bounds "
        f"{lower[i]:g},{upper[i]:g}."
    )
