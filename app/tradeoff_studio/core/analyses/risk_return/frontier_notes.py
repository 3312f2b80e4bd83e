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
from .slopes import exact_slopes, on_critical_line, resampled_slope_intervals

if TYPE_CHECKING:
    from .analysis import RiskReturnSpec


def frontier_notes(
    spec: RiskReturnSpec,
    frontier: Frontier,
    traced: MeasureFrontier | None,
    points: list[Portfolio],
    *,
    others: tuple[np.ndarray, list[Portfolio]],
    cov: np.ndarray,
    constraints: tuple[tuple[GroupBound, ...], tuple[AbsoluteLimit, ...]],
    horizon: str,
    refit: tuple[Returns, tuple[np.ndarray, np.ndarray], CancelToken],
) -> dict[str, Any]:
    """``limits``, ``group_bounds``, ``optimised`` and, for the critical line, ``exact_slopes`` with
    their resampled intervals at the frontier ``points`` and at those of the ``others`` (the mean and
    the named and target portfolios) that lie on it (``refit``: the fit window, the bounds and the
    cancel token); else the traced frontier's ``max_return``."""
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
        mean, candidates = others
        extra = on_critical_line(frontier.line, mean, candidates)
        ids = [p.candidate_id for p in points] + [p.candidate_id for p, _ in extra]
        returns = np.concatenate([frontier.returns, [r for _, r in extra]])
        risks = [float(np.sqrt(max(p.weights @ cov @ p.weights, 0.0))) for p, _ in extra]
        slopes = exact_slopes(frontier.line, cov, returns)
        notes["exact_slopes"] = dict(zip(ids, slopes, strict=True))
        notes |= _slope_intervals(spec, ids, np.concatenate([frontier.volatilities, risks]), refit)
    return notes


def _slope_intervals(
    spec: RiskReturnSpec,
    ids: list[str],
    volatilities: np.ndarray,
    refit: tuple[Returns, tuple[np.ndarray, np.ndarray], CancelToken],
) -> dict[str, Any]:
    """``exact_slopes_ci`` (each point's interval from resampled frontiers) and ``slope_intervals``."""
    fit, bounds, cancel = refit
    intervals, note = resampled_slope_intervals(
        fit.values, volatilities, periods_per_year=fit.periods_per_year,
        covariance=spec.covariance, bounds=bounds, bootstrap=spec.bootstrap, cancel=cancel,
    )  # fmt: skip
    bands = {k: None if b is None else list(b) for k, b in zip(ids, intervals, strict=True)}
    return {"exact_slopes_ci": bands, "slope_intervals": note}
