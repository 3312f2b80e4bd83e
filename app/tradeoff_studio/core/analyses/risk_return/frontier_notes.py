"""What a risk–return analysis notes about its frontier: constraints, the measure optimised, slopes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ...jobs import CancelToken
from .frontier import Frontier
from .measure_frontier import AbsoluteLimit, GroupBound, MeasureFrontier
from .min_weight import method as min_weight_method
from .optimised import optimised_note
from .portfolios import Portfolio
from .returns import Returns
from .slopes import exact_slopes, resampled_slope_intervals

if TYPE_CHECKING:
    from .analysis import RiskReturnSpec


def frontier_notes(
    spec: RiskReturnSpec,
    frontier: Frontier,
    traced: MeasureFrontier | None,
    points: list[Portfolio],
    *,
    cov: np.ndarray,
    constraints: tuple[tuple[GroupBound, ...], tuple[AbsoluteLimit, ...]],
    horizon: str,
    refit: tuple[Returns, tuple[np.ndarray, np.ndarray], CancelToken],
) -> dict[str, Any]:
    """``limits``, ``group_bounds``, ``optimised`` and, for the critical line, ``exact_slopes`` with
    their resampled intervals (``refit``: the fit window, the bounds and the cancel token); else the
    traced frontier's ``max_return``."""
    groups, limits = constraints
    notes: dict[str, Any] = {
        "limits": [{"limit": limit.name, "value": limit.limit} for limit in limits],
        "group_bounds": [
            {"group": g.name, "assets": len(g.members), "lower": g.lower, "upper": g.upper} for g in groups
        ],
        "optimised": optimised_note(
            spec.objectives,
            level=spec.cvar_level,
            frontier=traced,
            horizon=horizon,
            min_volatility=frontier.line.min_volatility,
        ),
    }
    if spec.min_weight and traced is not None:
        method = min_weight_method(traced.measure)
        notes["optimised"]["min_weight"] = {"value": spec.min_weight, "method": method}
    if traced is not None:
        notes["max_return"] = float(traced.returns[-1])
    else:  # the decision card's return/volatility trade-off rate at a frontier point: the exact slope
        slopes = exact_slopes(frontier.line, cov, frontier.returns)
        notes["exact_slopes"] = {p.candidate_id: s for p, s in zip(points, slopes, strict=True)}
        notes |= _slope_intervals(spec, frontier, points, refit)
    return notes


def _slope_intervals(
    spec: RiskReturnSpec,
    frontier: Frontier,
    points: list[Portfolio],
    refit: tuple[Returns, tuple[np.ndarray, np.ndarray], CancelToken],
) -> dict[str, Any]:
    """``exact_slopes_ci`` (each point's interval from resampled frontiers) and ``slope_intervals``."""
    fit, bounds, cancel = refit
    intervals, note = resampled_slope_intervals(
        fit.values, frontier.volatilities, periods_per_year=fit.periods_per_year,
        covariance=spec.covariance, bounds=bounds, bootstrap=spec.bootstrap, cancel=cancel,
    )  # fmt: skip
    bands = {p.candidate_id: None if b is None else list(b) for p, b in zip(points, intervals, strict=True)}
    return {"exact_slopes_ci": bands, "slope_intervals": note}
