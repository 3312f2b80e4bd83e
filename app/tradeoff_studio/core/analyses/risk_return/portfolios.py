"""The portfolios a risk–return analysis compares: frontier points, targets and given weight tables.

A *target* is a return or a volatility the analyst asks for. A target return above the highest
achievable return, below the minimum-variance portfolio's return (such a portfolio is not
efficient: the minimum-variance portfolio earns more with less risk), or a target volatility
below the minimum-variance portfolio's is infeasible; each is reported with its reason instead
of leaving a silent gap. A volatility budget above the maximum-return portfolio's volatility
does not bind, and gives that portfolio.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ...jobs import CancelToken
from ...project import Project
from ...sql import ident
from ..candidates import AnalysisError
from ..inputs import require_column, table_columns
from .frontier import CriticalLine, Frontier
from .measure_frontier import MeasureFrontier
from .returns import read_frame

WEIGHT_COLUMNS = ("portfolio", "asset", "weight")
_SUM_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Portfolio:
    """One candidate portfolio: an id, where it comes from, the target it meets, and its weights."""

    candidate_id: str
    source: str  # "frontier", "target return", "target volatility" or "given"
    label: str
    target: float  # the target return (frontier points, return targets), the volatility budget, or NaN
    weights: np.ndarray


def frontier_portfolios(frontier: Frontier | MeasureFrontier, measure: str = "volatility") -> list[Portfolio]:
    """One portfolio per frontier point, ids ``frontier-001`` … from the minimum-risk point upwards.

    ``measure`` is the risk the frontier minimises; a measure other than volatility is named in the label.
    """
    width = max(3, len(str(len(frontier.returns))))
    named = "" if measure == "volatility" else f" (minimum {measure})"
    return [
        Portfolio(
            f"frontier-{i + 1:0{width}d}",
            "frontier",
            f"frontier point {i + 1} of {len(frontier.returns)}{named}",
            float(ret),
            weights,
        )
        for i, (ret, weights) in enumerate(zip(frontier.returns, frontier.weights, strict=True))
    ]


def target_portfolios(
    line: CriticalLine, cov: np.ndarray, returns: tuple[float, ...], volatilities: tuple[float, ...]
) -> tuple[list[Portfolio], list[dict[str, Any]]]:
    """Efficient portfolios at the asked targets, and a reason for each target that has none."""
    found: list[Portfolio] = []
    infeasible: list[dict[str, Any]] = []
    for target in returns:
        reason = _return_reason(line, target)
        if reason:
            infeasible.append({"target": "return", "value": target, "reason": reason})
            continue
        weights = line.weights_at_returns(np.array([target]))[0]
        found.append(
            Portfolio(f"target-return-{target:.4%}", "target return", f"return {target:.2%}", target, weights)
        )
    for budget in volatilities:
        if budget < line.min_volatility * (1.0 - 1e-12):
            infeasible.append(
                {
                    "target": "volatility",
                    "value": budget,
                    "reason": (
                        "No portfolio within the weight bounds has a volatility below "
                        f"{line.min_volatility:.2%} (the minimum-variance portfolio's); "
                        f"{budget:.2%} cannot be met."
                    ),
                }
            )
            continue
        reached = line.return_at_volatility(cov, budget)
        weights = line.weights_at_returns(np.array([reached]))[0]
        found.append(
            Portfolio(
                f"target-volatility-{budget:.4%}",
                "target volatility",
                f"volatility at most {budget:.2%}",
                budget,
                weights,
            )
        )
    return found, infeasible


def _return_reason(line: CriticalLine, target: float) -> str | None:
    if target > line.max_return * (1.0 + 1e-12) + 1e-15:
        return (
            f"No portfolio within the weight bounds reaches a return of {target:.2%}: the highest achievable "
            f"is {line.max_return:.2%} (the most weight the bounds allow in the highest-return assets)."
        )
    if target < line.min_variance_return * (1.0 - 1e-12) - 1e-15:
        return (
            f"A return of {target:.2%} is below the minimum-variance portfolio's "
            f"{line.min_variance_return:.2%}: a portfolio earning it is not efficient (the "
            "minimum-variance portfolio earns more with less risk). Ask for a return of at least that."
        )
    return None


def given_portfolios(project: Project, table: str, assets: list[str], cancel: CancelToken) -> list[Portfolio]:
    """Portfolios from a long weights table (``portfolio, asset, weight``); absent assets weigh 0."""
    columns = table_columns(project, table)
    for column in WEIGHT_COLUMNS:
        require_column(table, column, columns)
    require_column(table, "weight", columns, numeric=True, reason="Portfolio weights are numbers")
    kinds = zip(WEIGHT_COLUMNS, ("VARCHAR", "VARCHAR", "DOUBLE"), strict=True)
    select = ", ".join(f"CAST({ident(column)} AS {kind}) AS {ident(column)}" for column, kind in kinds)
    frame = read_frame(project, cancel, f"SELECT {select} FROM {ident(table)}")
    if frame.isna().to_numpy().any():
        row = int(np.flatnonzero(frame.isna().any(axis=1).to_numpy())[0]) + 1
        raise AnalysisError(f"Row {row} of weights table '{table}' has an empty portfolio, asset or weight.")
    unknown = sorted(set(frame["asset"]) - set(assets))
    if unknown:
        raise AnalysisError(
            f"Weights table '{table}' names asset(s) the returns do not have: {', '.join(unknown[:5])}. "
            f"The assets are: {', '.join(assets[:20])}{' …' if len(assets) > 20 else ''}."
        )
    position = {asset: i for i, asset in enumerate(assets)}
    portfolios = []
    for name, rows in frame.groupby("portfolio", sort=True):
        repeated = rows["asset"][rows["asset"].duplicated()]
        if not repeated.empty:
            raise AnalysisError(f"Portfolio {name!r} in '{table}' lists asset {repeated.iloc[0]!r} twice.")
        weights = np.zeros(len(assets))
        weights[[position[a] for a in rows["asset"]]] = rows["weight"].to_numpy()
        if abs(weights.sum() - 1.0) > _SUM_TOLERANCE:
            raise AnalysisError(
                f"The weights of portfolio {name!r} in '{table}' add up to {weights.sum():.6g}; they must "
                "add up to 1 (a fully invested portfolio)."
            )
        portfolios.append(Portfolio(f"given:{name}", "given", str(name), float("nan"), weights))
    return portfolios


def efficiency_gaps(
    given: list[Portfolio], line: CriticalLine, mean: np.ndarray, cov: np.ndarray
) -> dict[str, dict[str, float | None]]:
    """For each given portfolio: the frontier's volatility at its return, and how much more it carries."""
    gaps: dict[str, dict[str, float | None]] = {}
    for portfolio in given:
        ret = float(mean @ portfolio.weights)
        vol = float(np.sqrt(portfolio.weights @ cov @ portfolio.weights))
        frontier_vol = None
        if line.min_variance_return <= ret <= line.max_return:
            efficient = line.weights_at_returns(np.array([ret]))[0]
            frontier_vol = float(np.sqrt(efficient @ cov @ efficient))
        gaps[portfolio.label] = {
            "return": ret,
            "volatility": vol,
            "frontier_volatility_at_same_return": frontier_vol,
            "excess_volatility": None if frontier_vol is None else vol - frontier_vol,
        }
    return gaps
