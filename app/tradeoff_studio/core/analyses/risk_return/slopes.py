"""The mean–variance frontier's exact slope dσ/dr at each frontier point (issue #16, observation 7).

Between two turning points the weights are linear in the target return r, w(r) = w_lo + t·Δ with
t = (r − r_lo)/(r_hi − r_lo), so σ²(r) is quadratic and dσ/dr = w(r)'ΣΔ / ((r_hi − r_lo)·σ(r)): the
volatility one more unit of return costs there, exactly (the frontier is smooth at turning points,
so either segment gives it). The decision card's trade-off rate between ``return`` and
``volatility`` uses it in place of a finite difference between neighbouring candidates.
"""

from __future__ import annotations

import numpy as np

from .frontier import CriticalLine


def exact_slopes(line: CriticalLine, cov: np.ndarray, returns: np.ndarray) -> list[float | None]:
    """dσ/dr at each of ``returns`` on the critical line (None where the frontier is a single point)."""
    if len(line.returns) < 2:
        return [None] * len(returns)
    ascending = line.returns[::-1]
    slopes: list[float | None] = []
    for r in returns:
        upper = int(np.clip(np.searchsorted(ascending, r, side="left"), 1, len(ascending) - 1))
        k_hi = len(ascending) - 1 - upper
        k_lo = k_hi + 1
        width = float(line.returns[k_hi] - line.returns[k_lo])
        weights = line.weights_at_returns(np.array([r]))[0]
        sigma = float(np.sqrt(max(weights @ cov @ weights, 0.0)))
        if width <= 0.0 or sigma <= 0.0:
            slopes.append(None)
            continue
        step = line.weights[k_hi] - line.weights[k_lo]
        slopes.append(max(float(weights @ cov @ step) / (width * sigma), 0.0))  # never negative above r_min
    return slopes
