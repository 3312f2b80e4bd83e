"""Walk-forward backtest: each candidate's rule re-fitted at every rebalance, held out of sample (issue #16).

``--rebalance monthly|quarterly|N`` re-fits on the first period of each month or quarter (or every
N periods); ``--window N`` fits on the N periods before the rebalance (default: all earlier ones,
an expanding window, at least one more period than there are assets). At each rebalance a
candidate's *rule* gives new weights from that window's estimates only: frontier point k of the
``--points`` evenly spaced in return, the named portfolios (min-variance, max-sharpe, …), and a
given portfolio's fixed weights. Between rebalances the holdings drift with the assets' returns;
at a rebalance the two-way turnover Σ|w_new − w_drifted| is traded and costs turnover ×
``--cost-bps``/10,000 of wealth, charged on that period's return. Target portfolios have no rule
(NaN). The mean–variance rules use the critical line with the per-asset bounds; when the analysis
optimised another measure (CVaR, CDaR, semideviation) or has group bounds or limits, frontier point
k is re-fitted by the same HiGHS program on the window (``frontier_rule``), the named portfolios
stay their mean–variance rules.

Per candidate: ``wf_return`` (annualised mean of the net returns), ``wf_volatility`` (ddof=1,
annualised), ``wf_max_drawdown`` (compounded), ``wf_turnover`` (two-way, a year) and ``wf_costs``
(the cost drag a year, a fraction of wealth).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...errors import CancelledError
from ...jobs import CancelToken
from ..candidates import AnalysisError
from .estimates import estimate
from .frontier import critical_line
from .measure_frontier import AbsoluteLimit, GroupBound, measure_frontier
from .named import named_portfolios
from .portfolios import Portfolio
from .returns import Returns

WF_METRICS = ("wf_return", "wf_volatility", "wf_max_drawdown", "wf_turnover", "wf_costs")
FrontierRule = Callable[[np.ndarray, int], np.ndarray]  # (window's returns, points) → weights (points, n)


@dataclass(frozen=True)
class Backtest:
    """How the walk-forward re-fits: when, on how many periods, at what cost."""

    rebalance: str  # "monthly", "quarterly" or a whole number of periods
    window: int | None = None  # None: expanding (every earlier period)
    cost_bps: float = 0.0


def rebalance_indices(dates: np.ndarray, rebalance: str, first: int) -> list[int]:
    """The period indices (≥ ``first``) where the portfolio is re-fitted."""
    if rebalance in ("monthly", "quarterly"):
        months = dates.astype("datetime64[M]").astype(np.int64)
        keys = months if rebalance == "monthly" else months // 3
        starts = np.flatnonzero(np.diff(keys) != 0) + 1
        return [first, *(int(i) for i in starts if i > first)]
    try:
        step = int(rebalance)
    except ValueError:
        step = 0
    if step < 1:
        raise AnalysisError(
            f"--rebalance expects monthly, quarterly or a whole number of periods; got {rebalance!r}."
        )
    return list(range(first, len(dates), step))


def walk_forward(
    data: Returns,
    portfolios: list[Portfolio],
    backtest: Backtest,
    *,
    points: int,
    bounds: tuple[np.ndarray, np.ndarray],
    risk_free: float,
    cancel: CancelToken,
    frontier_rule: FrontierRule | None = None,
    rule_name: str = "critical line",
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The :data:`WF_METRICS` columns (one value per portfolio, NaN without a rule) and the stated note.

    ``frontier_rule`` re-fits the frontier points (default: the critical line), ``rule_name`` says how.
    """
    periods, assets = data.values.shape
    first = backtest.window if backtest.window is not None else assets + 1
    if backtest.window is not None and backtest.window <= assets:
        raise AnalysisError(
            f"--window {backtest.window} needs more periods than the {assets} assets (at least {assets + 1})."
        )
    if first >= periods - 1:
        raise AnalysisError(
            f"The walk-forward needs over {first} periods before its first rebalance; there are {periods}."
        )
    starts = rebalance_indices(data.dates, backtest.rebalance, first)
    series = np.full((periods - first, len(portfolios)), np.nan)
    turnover = np.zeros(len(portfolios))
    holdings = np.zeros((len(portfolios), assets))
    for k, start in enumerate(starts):
        if cancel.cancelled:
            raise CancelledError()
        target = _rules(data, start, window=backtest.window, portfolios=portfolios, points=points,
                        bounds=bounds, risk_free=risk_free, frontier_rule=frontier_rule)  # fmt: skip
        traded = np.abs(target - holdings).sum(axis=1) if k else np.zeros(len(portfolios))
        turnover += np.nan_to_num(traded)
        holdings = target
        stop = starts[k + 1] if k + 1 < len(starts) else periods
        block, holdings = _hold(data.values[start:stop], holdings)
        block[0] -= traded * backtest.cost_bps / 1e4
        series[start - first : stop - first] = block
    return _columns(series, turnover, backtest, data.periods_per_year), _note(
        data, backtest, first, len(starts), rule_name
    )


def _rules(
    data: Returns,
    start: int,
    *,
    window: int | None,
    portfolios: list[Portfolio],
    points: int,
    bounds: tuple[np.ndarray, np.ndarray],
    risk_free: float,
    frontier_rule: FrontierRule | None = None,
) -> np.ndarray:
    """Each portfolio's weights re-fitted on the periods before ``start`` (NaN rows: no rule)."""
    fitted = data.values[(start - window if window else 0) : start]
    estimates = estimate(fitted, data.periods_per_year, "sample")
    line = critical_line(estimates.mean, estimates.cov, lower=bounds[0], upper=bounds[1])
    count = sum(p.source == "frontier" for p in portfolios)
    targets = np.linspace(line.min_variance_return, line.max_return, max(count, 1))
    if frontier_rule is not None and count:
        frontier = frontier_rule(fitted, count)
    elif len(line.returns) > 1:
        frontier = line.weights_at_returns(targets)
    else:
        frontier = np.tile(line.weights[0], (count, 1))
    named, _ = named_portfolios(line, estimates.mean, estimates.cov, bounds, risk_free=risk_free,
                                assets=data.assets)  # fmt: skip
    by_name = {p.candidate_id: p.weights for p in named}
    weights = np.full((len(portfolios), len(data.assets)), np.nan)
    point = 0
    for i, portfolio in enumerate(portfolios):
        if portfolio.source == "frontier":
            weights[i], point = frontier[min(point, len(frontier) - 1)], point + 1
        elif portfolio.source == "named" and portfolio.candidate_id in by_name:
            weights[i] = by_name[portfolio.candidate_id]
        elif portfolio.source == "given":
            weights[i] = portfolio.weights
    return weights


def _hold(returns: np.ndarray, holdings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Portfolio returns over ``returns`` (periods × assets) with drifting holdings; the drifted weights."""
    out = np.empty((len(returns), len(holdings)))
    for t, r in enumerate(returns):
        gross = holdings @ r
        out[t] = gross
        grown = holdings * (1.0 + r)
        with np.errstate(invalid="ignore", divide="ignore"):
            holdings = grown / grown.sum(axis=1, keepdims=True)
    return out, holdings


def _columns(series: np.ndarray, turnover: np.ndarray, backtest: Backtest, ppy: int) -> dict[str, np.ndarray]:
    years = len(series) / ppy
    wealth = np.cumprod(1.0 + series, axis=0)
    peak = np.maximum(np.maximum.accumulate(wealth, axis=0), 1.0)
    has_rule = ~np.isnan(series).any(axis=0)
    drawdown = np.where(
        has_rule, np.nanmax(np.where(np.isnan(wealth), 0.0, 1.0 - wealth / peak), axis=0), np.nan
    )
    return {
        "wf_return": series.mean(axis=0) * ppy,
        "wf_volatility": series.std(axis=0, ddof=1) * np.sqrt(ppy),
        "wf_max_drawdown": drawdown,
        "wf_turnover": np.where(has_rule, turnover / years, np.nan),
        "wf_costs": np.where(has_rule, turnover * backtest.cost_bps / 1e4 / years, np.nan),
    }


def _note(data: Returns, backtest: Backtest, first: int, rebalances: int, rule_name: str) -> dict[str, Any]:
    return {
        "rebalance": backtest.rebalance,
        "window": backtest.window if backtest.window is not None else "expanding",
        "cost_bps": backtest.cost_bps,
        "out_of_sample": [str(data.dates[first]), str(data.dates[-1]), len(data.dates) - first],
        "rebalances": rebalances,
        "frontier_rule": rule_name,
        "convention": "each rule re-fitted on the window before every rebalance (sample covariance; "
        f"frontier points by the {rule_name}, named portfolios by the critical line, per-asset bounds); "
        "holdings drift between rebalances; the two-way turnover "
        "sum |w_new - w_drifted| is traded at cost_bps/10,000 of wealth, charged on the rebalance period; "
        "wf_return and wf_volatility annualised from the net returns, wf_max_drawdown compounded, "
        "wf_turnover and wf_costs a year; target portfolios have no rule (NaN)",
    }


def measure_rule(
    measure: str,
    *,
    level: float,
    bounds: tuple[np.ndarray, np.ndarray],
    constraints: tuple[tuple[GroupBound, ...], tuple[AbsoluteLimit, ...]],
    periods_per_year: int,
    min_weight: float | None = None,
    cancel: CancelToken,
) -> tuple[FrontierRule, str]:
    """The rule re-fitting frontier points by the analysis's HiGHS program on a window, and its name."""

    def rule(values: np.ndarray, count: int) -> np.ndarray:
        estimates = estimate(values, periods_per_year, "sample")
        return measure_frontier(values, estimates.mean, measure, level=level, points=count, lower=bounds[0],
                                upper=bounds[1], cov=estimates.cov, groups=constraints[0],
                                limits=constraints[1], periods_per_year=periods_per_year,
                                min_weight=min_weight, cancel=cancel).weights  # fmt: skip

    extra = " with the group bounds and limits" if any(constraints) else ""
    extra += f" and --min-weight {min_weight:g}" if min_weight else ""
    return rule, f"mean–{measure} HiGHS program{extra}"
