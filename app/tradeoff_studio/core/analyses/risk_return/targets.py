"""Target portfolios under group bounds, turnover or gross limits (issue #16, "real constraints").

Without those constraints the targets come from the critical line (:mod:`.portfolios`). With them,
the constrained mean–variance frontier is HiGHS's quadratic program (:mod:`.measure_frontier`):

- ``--target-return r``: the minimum-variance portfolio earning at least ``r`` under every
  constraint — exact, one QP. ``r`` above the highest return the constraints allow, or below
  the constrained minimum-variance portfolio's return, is infeasible with the reason;
- ``--target-volatility v``: the highest return whose constrained minimum volatility is at most
  ``v``. That volatility rises with the return along the efficient frontier (it is convex), so the
  return is found by bisection on it, each step one QP, until the bracket is below 1e-12 of the
  return range; the portfolio kept is the bracket's feasible end (volatility ≤ ``v``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..candidates import AnalysisError
from .estimates import Estimates
from .frontier import CriticalLine
from .measure_frontier import AbsoluteLimit, GroupBound, max_return, mean_variance_solver
from .portfolios import Portfolio, target_portfolios

_Solve = Callable[[float | None], tuple[str, np.ndarray | None, float]]
_STEPS = 80


def all_targets(
    line: CriticalLine,
    returns: np.ndarray,
    estimates: Estimates,
    *,
    bounds: tuple[np.ndarray, np.ndarray],
    constraints: tuple[tuple[GroupBound, ...], tuple[AbsoluteLimit, ...]],
    asked: tuple[tuple[float, ...], tuple[float, ...]],
    min_weight: float | None = None,
) -> tuple[list[Portfolio], list[dict[str, Any]]]:
    """The target portfolios: on the critical line, or under the group bounds, limits and minimum weight."""
    if not (any(constraints) or min_weight) or not any(asked):
        return target_portfolios(line, estimates.cov, *asked)
    return constrained_targets(returns, estimates.mean, estimates.cov, bounds=bounds, constraints=constraints,
                               targets=asked, min_weight=min_weight)  # fmt: skip


def constrained_targets(
    returns: np.ndarray,
    mean: np.ndarray,
    cov: np.ndarray,
    *,
    bounds: tuple[np.ndarray, np.ndarray],
    constraints: tuple[tuple[GroupBound, ...], tuple[AbsoluteLimit, ...]],
    targets: tuple[tuple[float, ...], tuple[float, ...]],
    min_weight: float | None = None,
) -> tuple[list[Portfolio], list[dict[str, Any]]]:
    """Portfolios at the target returns and volatilities (``targets``) under the constraints, and the
    reason for each target that has none (with ``min_weight``, :mod:`.min_weight`'s support heuristic)."""
    solve = mean_variance_solver(returns, mean, cov, lower=bounds[0], upper=bounds[1], groups=constraints[0],
                                 limits=constraints[1], min_weight=min_weight)  # fmt: skip
    status, lowest, low_volatility = solve(None)
    if lowest is None:
        raise AnalysisError(f"HiGHS found no minimum-variance portfolio under the constraints ({status}).")
    top = max_return(mean, bounds[0], bounds[1], *constraints, min_weight=min_weight)
    low = float(mean @ lowest)
    found: list[Portfolio] = []
    infeasible: list[dict[str, Any]] = []
    for target in targets[0]:
        reason = _return_reason(target, low, top)
        weights = None if reason else solve(target)[1]
        if weights is None:
            infeasible.append({"target": "return", "value": target, "reason": reason or _failed(target)})
            continue
        label = f"return {target:.2%}"
        found.append(Portfolio(f"target-return-{target:.4%}", "target return", label, target, weights))
    for budget in targets[1]:
        if budget < low_volatility * (1.0 - 1e-12):
            reason = _volatility_reason(budget, low_volatility)
            infeasible.append({"target": "volatility", "value": budget, "reason": reason})
            continue
        weights = _at_volatility(solve, budget, (low, top))
        label, name = f"volatility at most {budget:.2%}", f"target-volatility-{budget:.4%}"
        found.append(Portfolio(name, "target volatility", label, budget, weights))
    return found, infeasible


def _at_volatility(solve: _Solve, budget: float, returns: tuple[float, float]) -> np.ndarray:
    """The weights of the highest return whose constrained minimum volatility is ≤ ``budget``."""
    low, high = returns
    _, best, volatility = solve(high)
    if best is not None and volatility <= budget:
        return best
    _, kept, _ = solve(low)
    assert kept is not None  # the minimum-variance portfolio's return is always reachable
    width = high - low
    for _ in range(_STEPS):
        if high - low <= 1e-12 * max(width, 1e-300):
            break
        middle = 0.5 * (low + high)
        _, weights, volatility = solve(middle)
        if weights is not None and volatility <= budget:
            low, kept = middle, weights
        else:
            high = middle
    return kept


def _return_reason(target: float, low: float, top: float) -> str | None:
    if target > top * (1.0 + 1e-12) + 1e-15:
        return (
            "No portfolio within the weight bounds, group bounds and limits reaches a return of "
            f"{target:.2%}: the highest they allow is {top:.2%}."
        )
    if target < low * (1.0 - 1e-12) - 1e-15:
        return (
            f"A return of {target:.2%} is below the constrained minimum-variance portfolio's {low:.2%}: a "
            "portfolio earning it is not efficient. Ask for a return of at least that."
        )
    return None


def _volatility_reason(budget: float, lowest: float) -> str:
    return (
        f"No portfolio within the weight bounds, group bounds and limits has a volatility below {lowest:.2%} "
        f"(the constrained minimum-variance portfolio's); {budget:.2%} cannot be met."
    )


def _failed(target: float) -> str:
    return f"HiGHS did not solve the mean–variance program at a return of {target:.2%}."
