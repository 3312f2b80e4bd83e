"""Minimum position size (``--min-weight X``): every weight is 0 or at least X (issue #16).

- **CVaR and CDaR: exact.** The linear program gains a binary z_i per asset and the rows
  X·z_i ≤ w_i ≤ min(u_i, 1)·z_i (:func:`.highs_model.min_weight_parts`); HiGHS's branch and bound
  solves the mixed-integer program to its optimum (relative gap 1e-10).
- **Volatility and semideviation: not guaranteed optimal.** HiGHS has no mixed-integer quadratic
  solver, so :func:`with_min_weight` fixes a support instead: solve without the minimum, then,
  while some weight lies strictly between 0 and X, take the smallest such weight and fix it at 0
  (or, for an asset whose lower bound is above 0, raise that bound to X) and solve again. Up to
  :data:`SWAP_ASSETS` assets, single assets are then taken out of or put into that support (each
  weight in it ≥ X) while that lowers the risk (at most :data:`SWAP_PASSES` passes). Every step is
  an exact QP on its support; the result meets the rule, but another support may have less
  risk. A point where the support left admits no portfolio is reported as failed.

The maximum return under the rule is always the exact mixed-integer program. Shorting (a negative
lower bound) is refused with ``--min-weight``: the rule is for long positions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..candidates import AnalysisError

ZERO = 1e-9  # a weight below this is a position of 0
SWAP_ASSETS = 60  # single-asset swaps after the greedy support up to this many assets (n QPs a pass)
SWAP_PASSES = 3
EXACT = "exact: mixed-integer program (binary per asset), HiGHS branch and bound"
HEURISTIC = (
    "not guaranteed optimal: HiGHS has no mixed-integer QP, so the weights below the minimum are fixed "
    "at 0 one at a time, smallest first, each time re-solving the QP exactly on the support left; then "
    "(up to 60 assets) single assets are swapped out of or into that support while the risk falls"
)


def method(measure: str) -> str:
    """How ``--min-weight`` is met on a frontier of ``measure``."""
    return EXACT if measure in ("cvar", "cdar") else HEURISTIC


def check_min_weight(min_weight: float | None, lower: np.ndarray, upper: np.ndarray) -> None:
    """Refuse a minimum weight outside (0, 1], above every upper bound, or with shorting allowed."""
    if min_weight is None:
        return
    if not 0.0 < min_weight <= 1.0:
        raise AnalysisError(f"--min-weight must lie in (0, 1] (e.g. 0.02 or 2%); got {min_weight:g}.")
    if (lower < 0.0).any():
        raise AnalysisError(
            "--min-weight is for long positions: drop the negative --bounds/--bound (shorting) or the "
            "minimum."
        )
    if (upper < min_weight).all():
        raise AnalysisError(
            f"--min-weight {min_weight:g} is above every asset's upper weight bound (at most "
            f"{float(upper.max()):g}): no asset can be held. Lower the minimum or raise the bounds."
        )


def with_min_weight(
    program: Any,
    solve: Callable[[Any], tuple[str, np.ndarray | None, float]],
    support: tuple[float, np.ndarray, np.ndarray],
) -> tuple[str, np.ndarray | None, float]:
    """The support heuristic (module docstring) on ``program``'s HiGHS model: (status, weights, risk)."""
    minimum, lower, upper = support
    highs, assets = program.highs, len(lower)
    highs.changeColsBounds(assets, np.arange(assets, dtype=np.int32), lower, upper)  # this point afresh
    for _ in range(assets + 1):
        status, weights, risk = solve(program)
        if weights is None:
            return f"{status} on the support left by --min-weight {minimum:g}", None, risk
        small = np.flatnonzero((weights > ZERO) & (weights < minimum - ZERO))
        if small.size == 0:
            if assets <= SWAP_ASSETS:
                return _swaps(program, solve, support, (status, weights, risk))
            return status, weights, risk
        asset = int(small[np.argmin(weights[small])])
        if lower[asset] > 0.0:
            highs.changeColBounds(asset, float(minimum), float(upper[asset]))
        else:
            highs.changeColBounds(asset, 0.0, 0.0)
    return f"no support meeting --min-weight {minimum:g} found", None, float("nan")


def _swaps(
    program: Any,
    solve: Callable[[Any], tuple[str, np.ndarray | None, float]],
    support: tuple[float, np.ndarray, np.ndarray],
    found: tuple[str, np.ndarray, float],
) -> tuple[str, np.ndarray | None, float]:
    """Take one asset out of the support or put one in (each weight in it ≥ X, an exact QP on it) while
    that lowers the risk, asset by asset in order, for at most :data:`SWAP_PASSES` passes."""
    minimum, lower, upper = support
    best = found
    held = best[1] > ZERO
    for _ in range(SWAP_PASSES):
        improved = False
        for asset in range(len(lower)):
            trial = held.copy()
            trial[asset] = not trial[asset]
            if not trial.any() or (lower[asset] > 0.0 and not trial[asset]) or upper[asset] < minimum:
                continue
            low = np.where(trial, np.maximum(lower, minimum), 0.0)
            program.highs.changeColsBounds(len(lower), np.arange(len(lower), dtype=np.int32), low,
                                           np.where(trial, upper, 0.0))  # fmt: skip
            status, weights, risk = solve(program)
            if weights is not None and risk < best[2] - 1e-12 * max(best[2], 1e-300):
                best, held, improved = (status, weights, risk), trial, True
        if not improved:
            break
    return best
