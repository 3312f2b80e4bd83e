"""The conventions behind every risk–return figure, stated with the analysis (issue #16, observation 9).

A figure a risk committee reads is only as good as what it is known to mean: simple or log
returns, periods per year, the standard deviation's ddof, the risk-free rate and the Sortino
threshold it implies, CVaR's level, horizon and units, the covariance estimator and whether a
figure is the model's or realised on a return series, and how the out-of-sample figures rebalance.
:func:`conventions` gives them as data (stored in the notes, printed, in the JSON);
:func:`convention_lines` as the sentences the command line prints.
"""

from __future__ import annotations

from typing import Any

VALUES_NOTE = {
    "prices": "simple returns computed from prices: p_t / p_(t-1) - 1",
    "returns": "simple returns, as given",
    "log-returns": "simple returns converted from the given log returns: exp(r) - 1",
}


def conventions(
    *,
    values: str,
    frequency: str,
    periods_per_year: int,
    risk_free: float,
    cvar_level: float,
    covariance: str,
    shrinkage: float,
    split: bool,
    dropped_dates: int,
) -> dict[str, Any]:
    """The conventions of one analysis as JSON-ready data."""
    period = frequency.split(" ", 1)[0].split(",", 1)[0]  # "daily", "weekly", …, or "252" when given
    if period.isdigit():
        period = f"1/{periods_per_year} of a year"
    return {
        "return_type": VALUES_NOTE[values],
        "periods_per_year": periods_per_year,
        "frequency": frequency,
        "annualisation": "arithmetic: mean x periods per year; std x sqrt(periods per year)",
        "ddof": 1,
        "risk_free": {
            "annual": risk_free,
            "per_period": risk_free / periods_per_year,
            "sharpe": "(annual return - risk_free) / annual volatility",
            "sortino_threshold": "risk_free / periods_per_year per period (the downside is below it)",
        },
        "cvar": {
            "level": cvar_level,
            "horizon": f"one period ({period})",
            "units": "fraction of wealth, positive = loss, per period, not annualised",
            "tail": f"mean loss over the worst {1.0 - cvar_level:.1%} of periods",
        },
        "covariance": {"estimator": covariance, "shrinkage": shrinkage},
        "figures": _figures(covariance, shrinkage, split),
        "rebalancing": "the weights are held fixed by rebalancing every period: a period's return is w'r_t; "
        "no trading costs",
        "missing_dates": f"a date absent from the table is spanned as one period; --drop-missing removed "
        f"{dropped_dates:,} date(s)",
    }


def _figures(covariance: str, shrinkage: float, split: bool) -> dict[str, str]:
    """Which figures are the model's and which are realised on a return series."""
    model_vol = (
        f"model: sqrt(w'Sigma w) with the Ledoit-Wolf covariance (shrinkage {shrinkage:.3f}), not the "
        "sample standard deviation"
        if covariance == "ledoit-wolf"
        else "model: sqrt(w'Sigma w) with the sample covariance (equal to the realised std, ddof=1)"
    )
    return {
        "return": "model: w'mu, the fit window's annualised mean returns",
        "volatility": model_vol,
        "sharpe, sortino, cvar, max_drawdown": "realised on the fit window's portfolio return series",
        "cdar, semideviation": "realised on the fit window's portfolio return series: cdar is the CVaR "
        "(at the CVaR level) of the drawdowns of cumulative, uncompounded returns from their running peak "
        "(from 0), a fraction of wealth; semideviation is sqrt(sum(min(r - mean r, 0)^2) / (T - 1)), "
        "annualised",
        "oos_*": "realised on the test window" if split else "none (no --split)",
    }


def convention_lines(notes: dict[str, Any]) -> list[str]:
    """The conventions as printed lines (from an analysis's stored notes)."""
    stated = notes["conventions"]
    rf, cvar = stated["risk_free"], stated["cvar"]
    figures = stated["figures"]
    return [
        f"Conventions: {stated['return_type']}; {stated['periods_per_year']} periods a year; "
        f"std with ddof={stated['ddof']}; covariance {stated['covariance']['estimator']}.",
        f"  return is {figures['return']}; volatility is {figures['volatility']}; sharpe, sortino, cvar and "
        f"max_drawdown are {figures['sharpe, sortino, cvar, max_drawdown']}.",
        f"  cdar and semideviation are {figures.get('cdar, semideviation', 'not stated (older analysis)')}.",
        f"  Risk-free rate {rf['annual']:.2%} a year ({rf['per_period']:.4%} per period, the Sortino "
        "threshold).",
        f"  CVaR at {cvar['level']:.0%}: {cvar['tail']}, horizon {cvar['horizon']}, {cvar['units']}.",
        f"  Out of sample: {figures['oos_*']}; {stated['rebalancing']}.",
        f"  Missing dates: {stated['missing_dates']}.",
    ]
