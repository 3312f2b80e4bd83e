"""Efficient frontiers of CVaR, CDaR and semideviation, solved exactly by HiGHS (issue #16, obs. 5).

The mean–variance frontier is exact by the critical line (:mod:`.frontier`); these measures are
not quadratic in the weights, so each frontier point is a program over the fit window's ``T``
periods of returns ``r_t`` (per period) with weights ``w`` (``lower ≤ w ≤ upper``, ``1'w = 1``)
and the annual model return ``μ'w ≥ target``:

- ``cvar`` (Rockafellar–Uryasev): min ``α + Σu_t / ((1 − β)T)`` with ``u_t ≥ −r_t'w − α``,
  ``u ≥ 0``: a linear program whose optimum is the exact discrete CVaR of ``w`` (:mod:`.metrics`);
- ``cdar``: the drawdowns ``v_t ≥ v_(t−1) − r_t'w``, ``v ≥ 0``, ``v_0 = 0`` (cumulative,
  uncompounded returns), then the same tail average over ``v`` — a linear program;
- ``semideviation``: the annualised semideviation below the portfolio's own mean, minimised exactly
  by a short sequence of HiGHS quadratic programs in the weights (:mod:`.semideviation` says why
  not one QP with auxiliaries, and why the result is the exact optimum).

One HiGHS model is built once; the frontier first solves it without the return row (the
minimum-risk portfolio), then raises the row's lower bound target by target, so each solve
starts from the previous basis (a warm start: a few dual simplex pivots per point instead of a
fresh solve). Targets are evenly spaced in return from the minimum-risk portfolio's to the
highest achievable return, like the mean–variance frontier. A point HiGHS does not solve to
optimality is reported with its status, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ...errors import CancelledError
from ...jobs import CancelToken
from ..candidates import AnalysisError
from .highs_model import (
    INF,
    MIP_OPTIONS,
    OPTIONS,
    AbsoluteLimit,
    GroupBound,
    Parts,
    cdar_parts,
    cvar_parts,
    group_rows,
    joined,
    limit_parts,
    make_integer,
    min_weight_parts,
    new_highs,
    rows_into,
    triangular_hessian,
)
from .min_weight import with_min_weight
from .semideviation import SemiState, solve_point

RISK_MEASURES = ("cvar", "cdar", "semideviation")
SOLVER = "HiGHS dual simplex, warm-started from the previous point's basis"


@dataclass(frozen=True)
class MeasureFrontier:
    """Portfolios minimising ``measure`` at evenly spaced target returns, from its minimum-risk point up."""

    measure: str
    weights: np.ndarray  # (points, n)
    returns: np.ndarray  # (points,) annual model return μ'w
    risks: np.ndarray  # (points,) the program's optimum, in the measure's units (see MEASURE_UNITS)
    failed: list[dict[str, Any]] = field(default_factory=list)  # {"target": r, "status": text}
    solver: str = SOLVER


MEASURE_UNITS = {
    "cvar": "per period, fraction of wealth, positive = loss",
    "cdar": "fraction of wealth, drawdowns of cumulative (uncompounded) returns over the fit window",
    "semideviation": "annualised, below the portfolio's own mean on the fit window, T - 1 denominator",
}


@dataclass(frozen=True)
class _Program:
    """The HiGHS model, where its return row sits, and the scale its returns were multiplied by.

    Returns are scaled to unit standard deviation (per-period returns near 1e-2 leave the tail
    average's cost and the scenario rows far apart); the scale leaves every optimum's weights as they are.
    """

    highs: Any
    return_row: int
    assets: int
    scale: float
    quadratic: bool = False
    semi: SemiState | None = None  # semideviation: solved by a sequence of QPs
    support: tuple[float, np.ndarray, np.ndarray] | None = None  # quadratic + --min-weight: X, bounds


def measure_frontier(
    returns: np.ndarray,
    mean: np.ndarray,
    measure: str,
    *,
    level: float = 0.95,
    points: int = 100,
    lower: np.ndarray,
    upper: np.ndarray,
    max_return: float | None = None,
    cov: np.ndarray | None = None,
    groups: tuple[GroupBound, ...] = (),
    limits: tuple[AbsoluteLimit, ...] = (),
    periods_per_year: int = 252,
    min_weight: float | None = None,
    cancel: CancelToken | None = None,
) -> MeasureFrontier:
    """``points`` portfolios minimising ``measure`` on ``returns`` (T × n per period) at returns ``μ'w``.

    ``mean`` is the annual model return of each asset, ``max_return`` the highest one the constraints
    allow (None: found by a linear program). ``volatility`` (with ``cov``, annual) is the mean–variance
    quadratic program, used when ``groups`` rule out the critical line; ``periods_per_year`` annualises
    the semideviation. ``min_weight`` X makes every weight 0 or at least X (:mod:`.min_weight`: exact
    for CVaR/CDaR, a support heuristic for the quadratic measures). Raises :class:`AnalysisError`
    for an unknown measure or when no portfolio meets the bounds and group bounds.
    """
    if measure not in (*RISK_MEASURES, "volatility") or (measure == "volatility" and cov is None):
        raise AnalysisError(f"No linear frontier for '{measure}'; the measures: {', '.join(RISK_MEASURES)}.")
    returns = np.asarray(returns, dtype=np.float64)
    scale = 1.0 / max(float(returns.std()), 1e-300)
    mean = np.asarray(mean, dtype=np.float64)
    if max_return is None:
        max_return = _max_return(mean, lower, upper, groups, limits, min_weight=min_weight)
    scaled_cov, semi = _quadratic_part(returns * scale, measure, cov, scale, periods_per_year)
    program = _build(returns * scale, mean * scale, measure, level=level, lower=lower, upper=upper,
                     scale=scale, cov=scaled_cov, groups=groups, limits=limits, semi=semi,
                     min_weight=min_weight)  # fmt: skip
    status, weights, value = _solve(program)
    if weights is None:
        raise AnalysisError(f"HiGHS found no minimum-{measure} portfolio within the bounds ({status}).")
    start = float(mean @ weights)
    if max_return - start <= 1e-12 * max(abs(max_return), 1.0):
        return MeasureFrontier(measure, weights[None, :], np.array([start]), np.array([value]))
    targets = np.linspace(start, max_return, points)[1:]
    return _trace(program, measure, mean, (weights, value), targets=targets, cancel=cancel)


def _trace(
    program: _Program,
    measure: str,
    mean: np.ndarray,
    first: tuple[np.ndarray, float],
    *,
    targets: np.ndarray,
    cancel: CancelToken | None,
) -> MeasureFrontier:
    """The frontier from its minimum-risk point ``first`` (weights, risk) up through ``targets``."""
    found_w, found_r, risks, failed = [first[0]], [float(mean @ first[0])], [first[1]], []
    for target in targets:
        if cancel is not None and cancel.cancelled:
            raise CancelledError()
        program.highs.changeRowBounds(program.return_row, float(target) * program.scale, INF)
        status, weights, value = _solve(program)
        if weights is None:
            failed.append({"target": float(target), "status": status})
            continue
        found_w.append(weights)
        found_r.append(float(mean @ weights))
        risks.append(value)
    return MeasureFrontier(measure, np.array(found_w), np.array(found_r), np.array(risks), failed)


def _quadratic_part(
    scaled: np.ndarray, measure: str, cov: np.ndarray | None, scale: float, periods_per_year: int
) -> tuple[np.ndarray | None, SemiState | None]:
    """The scaled covariance of a quadratic program (None: linear) and semideviation's state."""
    if measure == "volatility":
        return np.asarray(cov, dtype=np.float64) * scale * scale, None
    if measure != "semideviation":
        return None, None
    semi = _semi_state(scaled, periods_per_year)  # its first step counts every period (each step re-sets it)
    return semi.hessian(np.ones(len(scaled), dtype=bool)) / 2.0, semi


def _solve(program: _Program) -> tuple[str, np.ndarray | None, float]:
    """The point's (status, weights, risk): by the support heuristic, semideviation's steps or one run."""
    if program.support is not None:
        return with_min_weight(replace(program, support=None), _solve, program.support)
    if program.semi is not None:
        status, weights, root = solve_point(program.semi, lambda hessian: _quadratic(program, hessian))
        return status, weights, root / program.scale
    return _run(program)


def _run(program: _Program) -> tuple[str, np.ndarray | None, float]:
    """Run HiGHS from its current basis (afresh if that fails): (status, weights, objective)."""
    import highspy

    highs = program.highs
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        highs.clearSolver()  # the warm start failed: solve this point afresh
        highs.run()
    status = highs.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        return highs.modelStatusToString(status), None, float("nan")
    values = np.asarray(highs.getSolution().col_value[: program.assets], dtype=np.float64)
    value = float(highs.getInfo().objective_function_value)
    if program.quadratic:  # ½·w'(2Σs²)w = s²·w'Σw: the volatility is its root over s
        return "optimal", values, float(np.sqrt(max(value, 0.0))) / program.scale
    return "optimal", values, value / program.scale


def _quadratic(program: _Program, hessian: np.ndarray) -> tuple[str, np.ndarray | None]:
    """Solve ``program`` with ``hessian`` on its weights (warm from the last basis): (status, weights)."""
    program.highs.passHessian(triangular_hessian(hessian, program.highs.getNumCol()))
    status, weights, _ = _run(program)
    return status, weights


def _semi_state(returns: np.ndarray, periods_per_year: int) -> SemiState:
    """The centred returns and P/(T − 1) of the semideviation (:mod:`.semideviation`)."""
    return SemiState(returns - returns.mean(axis=0), periods_per_year / max(len(returns) - 1, 1))


def _max_return(
    mean: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    groups: tuple[GroupBound, ...],
    limits: tuple[AbsoluteLimit, ...] = (),
    *,
    min_weight: float | None = None,
) -> float:
    """The highest μ'w within the bounds, group bounds and absolute limits (a linear program; with a
    minimum weight a mixed-integer one)."""
    import highspy

    n = len(mean)
    parts = limit_parts(limits, n, n)
    if min_weight:
        parts = joined(parts, min_weight_parts(upper, min_weight, n + len(parts[2])))
    extra_lower, extra_upper, extra_cost, rows = parts
    lp = highspy.HighsLp()
    lp.num_col_ = n + len(extra_cost)
    lp.col_cost_ = np.concatenate([-mean, extra_cost])
    lp.col_lower_ = np.concatenate([np.asarray(lower, dtype=np.float64), extra_lower])
    lp.col_upper_ = np.concatenate([np.asarray(upper, dtype=np.float64), extra_upper])
    rows_into(lp, [(np.arange(n), np.ones(n), 1.0, 1.0), *group_rows(groups), *rows])
    if min_weight:
        make_integer(lp, lp.num_col_ - n)
    highs = new_highs()
    for option, value in OPTIONS + MIP_OPTIONS:
        highs.setOptionValue(option, value)
    highs.passModel(lp)
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        status = highs.modelStatusToString(highs.getModelStatus())
        raise AnalysisError(_infeasible(groups, limits, status, min_weight))
    return float(mean @ np.asarray(highs.getSolution().col_value[:n], dtype=np.float64))


def _infeasible(
    groups: tuple[GroupBound, ...], limits: tuple[AbsoluteLimit, ...], status: str, min_weight: float | None
) -> str:
    named = (
        [f"the group bounds {', '.join(f'{g.name}={g.lower:g},{g.upper:g}' for g in groups)}"]
        if groups
        else []
    )
    named += [f"the {limit.name} limit {limit.limit:g}" for limit in limits]
    named += [f"--min-weight {min_weight:g} (each weight 0 or at least that)"] if min_weight else []
    return (
        f"No fully invested portfolio meets the weight bounds together with {' and '.join(named)} "
        f"(HiGHS: {status}). Widen a range or raise a limit."
    )


def _build(
    returns: np.ndarray,
    mean: np.ndarray,
    measure: str,
    *,
    level: float,
    lower: np.ndarray,
    upper: np.ndarray,
    scale: float,
    cov: np.ndarray | None = None,
    groups: tuple[GroupBound, ...] = (),
    limits: tuple[AbsoluteLimit, ...] = (),
    semi: SemiState | None = None,
    min_weight: float | None = None,
) -> _Program:
    """The HiGHS model of ``measure``: columns w, then the measure's own; rows budget, return, scenarios.

    ``cov`` (scaled) makes it a quadratic program in the weights (mean–variance, or semideviation's steps).
    """
    import highspy

    assets = returns.shape[1]
    integer = bool(min_weight) and measure in ("cvar", "cdar")  # exact by branch and bound
    extra_lower, extra_upper, extra_cost, rows = _parts(
        returns, measure, level, limits, min_weight=float(min_weight or 0.0) if integer else 0.0, upper=upper
    )
    lp = highspy.HighsLp()
    lp.num_col_ = assets + len(extra_cost)
    lp.col_cost_ = np.concatenate([np.zeros(assets), extra_cost])
    lp.col_lower_ = np.concatenate([np.asarray(lower, dtype=np.float64), extra_lower])
    lp.col_upper_ = np.concatenate([np.asarray(upper, dtype=np.float64), extra_upper])
    head = [(np.arange(assets), np.ones(assets), 1.0, 1.0), (np.arange(assets), mean, -INF, INF)]
    rows_into(lp, head + rows + group_rows(groups))
    if integer:
        make_integer(lp, lp.num_col_ - assets)
    highs = new_highs()
    for option, value in OPTIONS + (MIP_OPTIONS if integer else ()):
        highs.setOptionValue(option, value)
    if cov is None:
        highs.passModel(lp)
    else:
        model = highspy.HighsModel()
        model.lp_ = lp
        model.hessian_ = triangular_hessian(2.0 * cov, lp.num_col_)
        highs.passModel(model)
    support = (float(min_weight), lower, upper) if min_weight and not integer else None
    return _Program(highs, 1, assets, scale, cov is not None, semi, support)


def _parts(
    returns: np.ndarray,
    measure: str,
    level: float,
    limits: tuple[AbsoluteLimit, ...],
    *,
    min_weight: float,
    upper: np.ndarray,
) -> Parts:
    """The columns and rows beyond the weights: the measure's, the limits', the binaries of a minimum."""
    assets = returns.shape[1]
    parts: Parts = (np.zeros(0), np.zeros(0), np.zeros(0), [])
    if measure in ("cvar", "cdar"):
        parts = cvar_parts(returns, level) if measure == "cvar" else cdar_parts(returns, level)
    parts = joined(parts, limit_parts(limits, assets, assets + len(parts[2])))
    if min_weight:
        parts = joined(parts, min_weight_parts(upper, min_weight, assets + len(parts[2])))
    return parts


def mean_variance_solver(
    returns: np.ndarray,
    mean: np.ndarray,
    cov: np.ndarray,
    *,
    lower: np.ndarray,
    upper: np.ndarray,
    groups: tuple[GroupBound, ...] = (),
    limits: tuple[AbsoluteLimit, ...] = (),
    min_weight: float | None = None,
) -> Callable[[float | None], tuple[str, np.ndarray | None, float]]:
    """A solver of the constrained mean–variance QP: ``solve(r)`` gives (status, weights, volatility)
    of the minimum-variance portfolio earning at least ``r`` (None: any return), warm-started."""
    scale = 1.0 / max(float(np.asarray(returns).std()), 1e-300)
    program = _build(np.asarray(returns) * scale, np.asarray(mean) * scale, "volatility", level=0.95,
                     lower=lower, upper=upper, scale=scale, cov=np.asarray(cov) * scale * scale,
                     groups=groups, limits=limits, min_weight=min_weight)  # fmt: skip

    def solve(target: float | None) -> tuple[str, np.ndarray | None, float]:
        floor = -INF if target is None else float(target) * scale
        program.highs.changeRowBounds(program.return_row, floor, INF)
        return _solve(program)

    return solve


def max_return(
    mean: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    groups: tuple[GroupBound, ...] = (),
    limits: tuple[AbsoluteLimit, ...] = (),
    *,
    min_weight: float | None = None,
) -> float:
    """The highest ``μ'w`` the bounds, group bounds, limits and minimum weight allow (HiGHS)."""
    return _max_return(
        np.asarray(mean, dtype=np.float64), lower, upper, groups, limits, min_weight=min_weight
    )
