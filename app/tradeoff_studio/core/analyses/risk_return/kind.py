"""The ``risk-return`` kind's descriptor (:mod:`..kinds`): the exact efficient frontier of asset returns.

Rates accept fractions or percentages (``0.08`` or ``8%``); bounds are ``LO,HI``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..candidates import AnalysisError
from ..kinds import (
    MAX_FRONTIER_POINTS,
    MAX_PERIODS_PER_YEAR,
    MAX_RESAMPLES,
    AnalysisKind,
    Parameter,
    column,
    names,
    objectives_value,
)
from .analysis import DEFAULT_OBJECTIVES, RiskReturnSpec, analyze_risk_return
from .backtest import Backtest, rebalance_indices
from .metrics import Bootstrap
from .returns import ReturnsSource

PARAMETERS = (
    Parameter(
        "values",
        "--prices",
        "choice",
        required=True,
        choices=("prices", "returns", "log-returns"),
        roles=("price", "return"),
        choice_flags=(
            ("--prices", "the values are prices"),
            ("--returns", "the values are simple returns"),
            ("--log-returns", "the values are log returns"),
        ),
    ),
    Parameter(
        "long",
        "--long",
        "columns",
        "a long table's three columns",
        metavar="DATE,ASSET,VALUE",
        roles=("date", "asset", "price", "return"),
    ),
    column("date", "--date", "a wide table's date column (default: its only date column)", "date"),
    Parameter(
        "assets",
        "--assets",
        "columns",
        "a wide table's asset columns (default: all others)",
        metavar="A,B,...",
        roles=("asset", "price", "return"),
    ),
    Parameter("covariance", "--covariance", "choice", default="sample", choices=("sample", "ledoit-wolf")),
    Parameter(
        "points",
        "--points",
        "int",
        "frontier points (default 100)",
        default=100,
        low=2,
        high=MAX_FRONTIER_POINTS,
    ),
    Parameter(
        "bounds",
        "--bounds",
        "text",
        "weight bounds of every asset (negative: --bounds=-0.2,1)",
        default="0,1",
        metavar="LO,HI",
    ),
    Parameter(
        "bound", "--bound", "text", "one asset's bounds", repeat=True, default=(), metavar="ASSET=LO,HI"
    ),
    Parameter(
        "groups", "--groups", "table", "asset groups: a table with columns asset, group", metavar="TABLE"
    ),
    Parameter(
        "group_bounds",
        "--group-bounds",
        "text",
        "a group's total weight (with --groups)",
        repeat=True,
        default=(),
        metavar="GROUP=LO,HI",
    ),
    Parameter(
        "current_weights",
        "--current-weights",
        "table",
        "the portfolio held now: asset, weight (for --max-turnover)",
        metavar="TABLE",
    ),
    Parameter("max_turnover", "--max-turnover", "text", "cap on sum |w - current| (two-way)", metavar="X"),
    Parameter(
        "max_gross", "--max-gross", "text", "cap on sum |w| (gross exposure; 1.6 = 130/30)", metavar="L"
    ),
    Parameter(
        "min_weight", "--min-weight", "text", "each weight 0 or at least X (minimum position)", metavar="X"
    ),
    Parameter(
        "rebalance",
        "--rebalance",
        "text",
        "walk-forward: re-fit monthly, quarterly or every N periods",
        metavar="monthly|quarterly|N",
    ),
    Parameter("window", "--window", "int", "walk-forward fit window in periods (default: expanding)", low=2),
    Parameter(
        "cost_bps", "--cost-bps", "float", "walk-forward trading cost, bps of turnover", default=0.0, low=0.0
    ),
    Parameter(
        "split", "--split", "text", "fit before this date (or share); test after", metavar="DATE|SHARE"
    ),
    Parameter("start", "--from", "text", "analyse the dates from this one on (fit and test)", metavar="DATE"),
    Parameter("end", "--to", "text", "analyse the dates up to this one (fit and test)", metavar="DATE"),
    Parameter(
        "portfolios", "--portfolios", "table", "given portfolios: portfolio, asset, weight", metavar="TABLE"
    ),
    Parameter(
        "target_return", "--target-return", "text", "annual return", repeat=True, default=(), metavar="R"
    ),
    Parameter(
        "target_volatility",
        "--target-volatility",
        "text",
        "annual volatility",
        repeat=True,
        default=(),
        metavar="V",
    ),
    Parameter(
        "risk_free",
        "--risk-free",
        "text",
        "annual risk-free rate (Sharpe, Sortino)",
        default="0",
        metavar="R",
    ),
    Parameter(
        "cvar_level",
        "--cvar-level",
        "float",
        "CVaR level (default 0.95)",
        default=0.95,
        low=0.5,
        high=1.0,
        high_open=True,
    ),
    Parameter(
        "periods_per_year",
        "--periods-per-year",
        "int",
        "default: read from the dates (daily = 252)",
        low=1,
        high=MAX_PERIODS_PER_YEAR,
    ),
    Parameter(
        "drop_missing", "--drop-missing", "bool", "drop dates where any asset has no value", default=False
    ),
    Parameter(
        "resamples",
        "--resamples",
        "int",
        "bootstrap resamples (default 500)",
        default=500,
        low=10,
        high=MAX_RESAMPLES,
    ),
)


def build(values: Mapping[str, Any]) -> RiskReturnSpec:
    """The spec from the source, bounds, split, targets and metric settings."""
    lower, upper = _pair(values.get("bounds", "0,1"), "--bounds")
    source = ReturnsSource(
        values["table"],
        values["values"],
        long=_triple(values["long"]) if values.get("long") else None,
        date=values.get("date"),
        assets=tuple(names(values["assets"])) if values.get("assets") else None,
        drop_missing=bool(values.get("drop_missing")),
        start=values.get("start"),
        end=values.get("end"),
    )
    return RiskReturnSpec(
        source,
        covariance=values.get("covariance", "sample"),
        points=values.get("points", 100),
        lower=lower,
        upper=upper,
        asset_bounds=tuple(_asset_bound(text) for text in values.get("bound") or []),
        groups_table=values.get("groups"),
        current_weights_table=values.get("current_weights"),
        backtest=_backtest(values),
        max_turnover=_optional(values.get("max_turnover"), "--max-turnover"),
        max_gross=_optional(values.get("max_gross"), "--max-gross"),
        min_weight=None if values.get("min_weight") is None else rate(values["min_weight"], "--min-weight"),
        group_bounds=tuple(_asset_bound(text, "--group-bounds") for text in values.get("group_bounds") or []),
        split=values.get("split"),
        weights_table=values.get("portfolios"),
        target_returns=tuple(rate(t, "--target-return") for t in values.get("target_return") or []),
        target_volatilities=tuple(
            rate(t, "--target-volatility") for t in values.get("target_volatility") or []
        ),
        risk_free=rate(values.get("risk_free", "0"), "--risk-free"),
        cvar_level=values.get("cvar_level", 0.95),
        periods_per_year=values.get("periods_per_year"),
        bootstrap=Bootstrap(resamples=values.get("resamples", 500)),
        **objectives_value(values),
    )


def rate(text: str, flag: str, *, fraction: bool = True) -> float:
    """``0.08`` or ``8%`` → 0.08; a bare number beyond ±1 is refused (``12`` is not 12%)."""
    cleaned = str(text).strip()
    percent = cleaned.endswith("%")
    try:
        value = float(cleaned.rstrip("%")) / (100.0 if percent else 1.0)
    except ValueError:
        value = float("nan")
    if not math.isfinite(value):  # float() also reads 'nan' and 'inf'
        raise AnalysisError(f"{flag} expects a number such as 0.08 or 8%, got {text!r}.")
    if fraction and not percent and abs(value) > 1.0:
        raise AnalysisError(
            f"{flag} {cleaned} would mean {value:.0%}: did you mean {cleaned}%? Rates are fractions "
            f"(0.12) or percentages (12%); write {value * 100:g}% if you mean {value:.0%}."
        )
    return value


def _backtest(values: Mapping[str, Any]) -> Backtest | None:
    """The walk-forward settings, or None without ``--rebalance`` (``--window``/``--cost-bps`` need it)."""
    if not values.get("rebalance"):
        if values.get("window") is not None or values.get("cost_bps"):
            raise AnalysisError(
                "--window and --cost-bps set up the walk-forward: add --rebalance monthly|quarterly|N."
            )
        return None
    rebalance_indices(np.array([], dtype="datetime64[D]"), values["rebalance"], 0)  # checks the text
    return Backtest(values["rebalance"], values.get("window"), float(values.get("cost_bps") or 0.0))


def _optional(text: str | None, flag: str) -> float | None:
    """A limit such as ``0.3`` or ``30%`` (not capped at 1), or None when not given."""
    return None if text is None else rate(text, flag, fraction=False)


def _pair(text: str, flag: str) -> tuple[float, float]:
    parts = text.split(",")
    if len(parts) != 2:
        raise AnalysisError(f"{flag} expects LO,HI (e.g. 0,0.25), got {text!r}.")
    return rate(parts[0], flag, fraction=False), rate(parts[1], flag, fraction=False)


def _asset_bound(text: str, flag: str = "--bound") -> tuple[str, float, float]:
    asset, sep, bounds = text.rpartition("=")
    if not sep or not asset:
        name = "ASSET" if flag == "--bound" else "GROUP"
        raise AnalysisError(f"{flag} expects {name}=LO,HI (e.g. gold=0,0.1), got {text!r}.")
    return (asset, *_pair(bounds, flag))


def _triple(text: str) -> tuple[str, str, str]:
    columns = names(text)
    if len(columns) != 3:
        raise AnalysisError(f"--long expects DATE,ASSET,VALUE (three column names), got {text!r}.")
    return columns[0], columns[1], columns[2]


def _demo() -> RiskReturnSpec:
    return RiskReturnSpec(
        ReturnsSource("asset_returns", "returns"),
        split="2024-01-01",
        weights_table="model_portfolios",
        target_volatilities=(0.10,),
    )


KIND = AnalysisKind(
    name="risk-return",
    title="Risk–return frontier",
    help="efficient frontier of asset returns (critical line algorithm)",
    spec_type=RiskReturnSpec,
    run=analyze_risk_return,
    build=build,
    parameters=PARAMETERS,
    default_objectives=DEFAULT_OBJECTIVES,
    table_of=lambda spec: spec.source.table,
    demo=_demo,
)
