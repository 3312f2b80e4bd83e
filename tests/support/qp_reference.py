"""A tightly solved long-only mean–variance reference, Clarabel used directly (dev only).

The frontier tests and ``tests/benchmarks/bench_risk_return.py`` compare every frontier point
with this reference: ``min_variance_weights`` solves

    min w'Σw  s.t.  1'w = 1,  mean'w = target,  lower ≤ w ≤ upper

with Clarabel's interior-point method at gap and feasibility tolerances of ``tol`` (1e-10 by
default). The problem is rescaled before the solve, which leaves the minimiser unchanged: the
means by their largest magnitude, and Σ by the unconstrained minimum variance ``1 / 1'Σ⁻¹1``
(the equal-weight variance if Σ is singular), a lower bound on the optimum, so the optimal
objective is at least about one and Clarabel's gap test (absolute below 1) acts as a relative
one. (Scaled by the mean variance, diversified optima came out 1e-8 off in volatility.) A daily
covariance is thus solved as tightly as an annual one. When Clarabel stops short of ``Solved``
(it can stall at MaxIterations), SciPy's SLSQP polishes from where it stopped; unless that
converges to a feasible point, ``QPReferenceError`` is raised. Infinite bounds are dropped from the cone.
"""

from __future__ import annotations

import clarabel
import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, sparse

Bound = float | ArrayLike


class QPReferenceError(RuntimeError):
    """The reference problem is infeasible or the solver did not reach ``Solved``."""


def _bounds(lower: Bound, upper: Bound, n: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Broadcast the bounds to ``(n,)`` and check that the budget ``1'w = 1`` is reachable."""
    lo = np.broadcast_to(np.asarray(lower, dtype=np.float64), (n,)).copy()
    hi = np.broadcast_to(np.asarray(upper, dtype=np.float64), (n,)).copy()
    if np.any(lo > hi) or lo.sum() > 1.0 + 1e-12 or hi.sum() < 1.0 - 1e-12:
        raise QPReferenceError("the bounds admit no weights that sum to 1")
    return lo, hi


def _variance_scale(cov: NDArray[np.float64]) -> float:
    """``1 / 1'Σ⁻¹1`` (the unconstrained minimum variance), or the equal-weight variance if that fails."""
    n = len(cov)
    try:
        scale = 1.0 / float(np.sum(np.linalg.solve(cov, np.ones(n))))
    except np.linalg.LinAlgError:
        scale = 0.0
    if not np.isfinite(scale) or scale <= 0.0:
        scale = float(cov.sum()) / (n * n)
    return scale if scale > 0.0 else 1.0


def _solve(
    cov: NDArray[np.float64],
    equalities: NDArray[np.float64],
    rhs: NDArray[np.float64],
    *,
    lower: NDArray[np.float64],
    upper: NDArray[np.float64],
    tol: float,
) -> NDArray[np.float64]:
    """``min w'Σw`` s.t. ``equalities @ w = rhs`` and the bounds, with Clarabel; raise unless Solved."""
    n = len(cov)
    scale = _variance_scale(cov)
    objective = sparse.triu(sparse.csc_matrix(2.0 * cov / scale), format="csc")
    has_upper, has_lower = np.isfinite(upper), np.isfinite(lower)
    identity = sparse.identity(n, format="csc")
    constraints = sparse.vstack(
        [sparse.csc_matrix(equalities), identity[has_upper], -identity[has_lower]], format="csc"
    )
    bounds = np.concatenate([rhs, upper[has_upper], -lower[has_lower]])
    cones = [clarabel.ZeroConeT(len(rhs)), clarabel.NonnegativeConeT(int(has_upper.sum() + has_lower.sum()))]
    settings = clarabel.DefaultSettings()
    settings.verbose = False
    settings.max_iter = 500
    for name in ("tol_gap_abs", "tol_gap_rel", "tol_feas", "tol_infeas_abs", "tol_infeas_rel", "tol_ktratio"):
        setattr(settings, name, tol)
    solution = clarabel.DefaultSolver(objective, np.zeros(n), constraints, bounds, cones, settings).solve()
    if solution.status == clarabel.SolverStatus.Solved:
        return np.asarray(solution.x, dtype=np.float64)
    # Clarabel can stall short of 1e-10 (seen: MaxIterations on a long-only 5-asset frontier);
    # a second, independent solver then starts from where it stopped.
    start, status = np.asarray(solution.x), str(solution.status)
    return _polish(cov / scale, equalities, rhs, lower=lower, upper=upper, start=start, status=status)


def _polish(
    cov: NDArray[np.float64],
    equalities: NDArray[np.float64],
    rhs: NDArray[np.float64],
    *,
    lower: NDArray[np.float64],
    upper: NDArray[np.float64],
    start: NDArray[np.float64],
    status: str,
) -> NDArray[np.float64]:
    """The same QP with SciPy's SLSQP from ``start``; raise unless it converges to a feasible point."""
    found = optimize.minimize(
        lambda w: w @ cov @ w,
        np.clip(start, lower, upper),
        jac=lambda w: 2.0 * cov @ w,
        method="SLSQP",
        bounds=list(zip(lower, upper, strict=True)),
        constraints=[{"type": "eq", "fun": lambda w: equalities @ w - rhs, "jac": lambda _w: equalities}],
        options={"ftol": 1e-16, "maxiter": 1000},
    )
    weights = np.asarray(found.x, dtype=np.float64)
    feasible = np.abs(equalities @ weights - rhs).max() <= 1e-9 and bool(
        ((weights >= lower - 1e-9) & (weights <= upper + 1e-9)).all()
    )
    if not (found.success and feasible):
        raise QPReferenceError(f"Clarabel stopped with status {status}; SLSQP: {found.message}")
    return weights


def min_variance_weights(
    mean: ArrayLike,
    cov: ArrayLike,
    target_return: float,
    lower: Bound = 0.0,
    upper: Bound = 1.0,
    *,
    tol: float = 1e-10,
) -> NDArray[np.float64]:
    """Weights of least variance with ``mean @ w == target_return``, summing to 1, within the bounds."""
    mu = np.asarray(mean, dtype=np.float64)
    sigma = np.asarray(cov, dtype=np.float64)
    lo, hi = _bounds(lower, upper, len(mu))
    mu_scale = float(np.max(np.abs(mu))) or 1.0
    equalities = np.vstack([np.ones_like(mu), mu / mu_scale])
    return _solve(sigma, equalities, np.array([1.0, target_return / mu_scale]), lower=lo, upper=hi, tol=tol)


def min_variance_portfolio(
    cov: ArrayLike, lower: Bound = 0.0, upper: Bound = 1.0, *, tol: float = 1e-10
) -> NDArray[np.float64]:
    """Weights of least variance summing to 1 within the bounds (no return target)."""
    sigma = np.asarray(cov, dtype=np.float64)
    lo, hi = _bounds(lower, upper, len(sigma))
    return _solve(sigma, np.ones((1, len(sigma))), np.array([1.0]), lower=lo, upper=hi, tol=tol)


def max_return(mean: ArrayLike, lower: Bound = 0.0, upper: Bound = 1.0) -> float:
    """Largest ``mean @ w`` over weights summing to 1 within finite bounds (greedy fill, the LP's optimum).

    Start every weight at its lower bound, then spend the rest of the budget on the assets in
    decreasing order of mean, each up to its upper bound.
    """
    mu = np.asarray(mean, dtype=np.float64)
    lo, hi = _bounds(lower, upper, len(mu))
    if not np.all(np.isfinite(lo)):
        raise QPReferenceError("max_return needs finite lower bounds")
    weights = lo.copy()
    budget = 1.0 - lo.sum()
    for index in np.argsort(-mu, kind="stable"):
        step = min(budget, hi[index] - lo[index])
        weights[index] += step
        budget -= step
        if budget <= 0.0:
            break
    return float(mu @ weights)
