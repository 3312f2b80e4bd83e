"""``analyze PROJECT risk-return``: the exact efficient frontier of a prices or returns table.

::

    analyze PROJECT risk-return --table T (--prices | --returns | --log-returns)
        [--long DATE,ASSET,VALUE | --date COL [--assets A,B,...]] [--covariance sample|ledoit-wolf]
        [--points 100] [--bounds LO,HI] [--bound ASSET=LO,HI ...] [--split DATE|SHARE]
        [--portfolios WEIGHTS_TABLE] [--target-return R ...] [--target-volatility V ...]
        [--risk-free R] [--cvar-level 0.95] [--periods-per-year N] [--drop-missing] [--resamples N]

Rates accept fractions or percentages (``0.08`` or ``8%``). The output says how returns were read
(simple or log) and annualised, and gives the reason for every target that cannot be met.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

from ..core import analysis_workflows as flows
from ..core.analyses.candidates import AnalysisError
from ..core.analyses.store import AnalysisRecord
from . import bounds
from .analysis_common import add_common, names, objectives_option, print_analysis, run_analysis
from .console import print_json

_NOTES_SHOWN = ("returns", "annualisation", "frequency", "windows", "covariance", "shrinkage", "max_return",
                "min_volatility", "infeasible_targets", "given_portfolios")  # fmt: skip


def add_risk_return(kinds: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``risk-return`` analysis kind."""
    command = kinds.add_parser(
        "risk-return", help="efficient frontier of asset returns (critical line algorithm)"
    )
    add_common(command)
    values = command.add_mutually_exclusive_group(required=True)
    for flag, text in (("--prices", "the values are prices"), ("--returns", "the values are simple returns"),
                       ("--log-returns", "the values are log returns")):  # fmt: skip
        values.add_argument(flag, dest="values", action="store_const", const=flag[2:], help=text)
    command.add_argument("--long", metavar="DATE,ASSET,VALUE", help="a long table's three columns")
    command.add_argument(
        "--date", metavar="COL", help="a wide table's date column (default: its only date column)"
    )
    command.add_argument(
        "--assets", metavar="A,B,...", help="a wide table's asset columns (default: all others)"
    )
    command.add_argument("--covariance", choices=("sample", "ledoit-wolf"), default="sample")
    command.add_argument(
        "--points",
        type=bounds.bounded_int(2, bounds.MAX_FRONTIER_POINTS),
        default=100,
        help="frontier points (default 100)",
    )
    command.add_argument(
        "--bounds",
        default="0,1",
        metavar="LO,HI",
        help="weight bounds of every asset (negative: --bounds=-0.2,1)",
    )
    command.add_argument(
        "--bound", action="append", default=[], metavar="ASSET=LO,HI", help="one asset's bounds"
    )
    command.add_argument("--split", metavar="DATE|SHARE", help="fit before this date (or share); test after")
    command.add_argument("--portfolios", metavar="TABLE", help="given portfolios: portfolio, asset, weight")
    command.add_argument("--target-return", action="append", default=[], metavar="R", help="annual return")
    command.add_argument(
        "--target-volatility", action="append", default=[], metavar="V", help="annual volatility"
    )
    command.add_argument(
        "--risk-free", default="0", metavar="R", help="annual risk-free rate (Sharpe, Sortino)"
    )
    command.add_argument(
        "--cvar-level", type=bounds.CONFIDENCE_LEVEL, default=0.95, help="CVaR level (default 0.95)"
    )
    command.add_argument(
        "--periods-per-year",
        type=bounds.bounded_int(1, bounds.MAX_PERIODS_PER_YEAR),
        help="default: read from the dates (daily = 252)",
    )
    command.add_argument(
        "--drop-missing", action="store_true", help="drop dates where any asset has no value"
    )
    command.add_argument(
        "--resamples", type=bounds.RESAMPLES, default=500, help="bootstrap resamples (default 500)"
    )
    command.set_defaults(handler=analyze_risk_return)


def analyze_risk_return(args: argparse.Namespace) -> None:
    """Build the spec from the flags, run the analysis as a job, print what it found."""
    spec = _spec(args)
    record = run_analysis(args, flows.analyze_risk_return, spec)
    notes = {key: record.spec["notes"][key] for key in _NOTES_SHOWN}
    if args.json:
        print_json(record.to_dict() | {"notes": notes})
        return
    print_analysis(record, False)
    _print_notes(record, notes, args.project)


def _spec(args: argparse.Namespace) -> Any:
    from ..core.analyses.risk_return.analysis import RiskReturnSpec
    from ..core.analyses.risk_return.metrics import Bootstrap
    from ..core.analyses.risk_return.returns import ReturnsSource

    lower, upper = _pair(args.bounds, "--bounds")
    source = ReturnsSource(
        args.table, args.values, long=_triple(args.long) if args.long else None, date=args.date,
        assets=tuple(names(args.assets)) if args.assets else None, drop_missing=args.drop_missing,
    )  # fmt: skip
    return RiskReturnSpec(
        source, covariance=args.covariance, points=args.points, lower=lower, upper=upper,
        asset_bounds=tuple(_asset_bound(text) for text in args.bound), split=args.split,
        weights_table=args.portfolios,
        target_returns=tuple(_rate(t, "--target-return") for t in args.target_return),
        target_volatilities=tuple(_rate(t, "--target-volatility") for t in args.target_volatility),
        risk_free=_rate(args.risk_free, "--risk-free"), cvar_level=args.cvar_level,
        periods_per_year=args.periods_per_year, bootstrap=Bootstrap(resamples=args.resamples),
        **objectives_option(args),
    )  # fmt: skip


def _rate(text: str, flag: str) -> float:
    """``0.08`` or ``8%`` → 0.08."""
    cleaned = text.strip()
    scale = 100.0 if cleaned.endswith("%") else 1.0
    try:
        value = float(cleaned.rstrip("%")) / scale
    except ValueError:
        value = float("nan")
    if not math.isfinite(value):  # float() also reads 'nan' and 'inf'
        raise AnalysisError(f"{flag} expects a number such as 0.08 or 8%, got {text!r}.")
    return value


def _pair(text: str, flag: str) -> tuple[float, float]:
    parts = text.split(",")
    if len(parts) != 2:
        raise AnalysisError(f"{flag} expects LO,HI (e.g. 0,0.25), got {text!r}.")
    return _rate(parts[0], flag), _rate(parts[1], flag)


def _asset_bound(text: str) -> tuple[str, float, float]:
    asset, sep, bounds = text.rpartition("=")
    if not sep or not asset:
        raise AnalysisError(f"--bound expects ASSET=LO,HI (e.g. gold=0,0.1), got {text!r}.")
    return (asset, *_pair(bounds, "--bound"))


def _triple(text: str) -> tuple[str, str, str]:
    columns = names(text)
    if len(columns) != 3:
        raise AnalysisError(f"--long expects DATE,ASSET,VALUE (three column names), got {text!r}.")
    return columns[0], columns[1], columns[2]


def _print_notes(record: AnalysisRecord, notes: dict[str, Any], project: str) -> None:
    windows = notes["windows"]
    fit = windows["fit"]
    print(f"Returns: {notes['returns']}; {notes['frequency']}.")
    print(f"Annualised {notes['annualisation']}.")
    shrunk = f" (shrinkage {notes['shrinkage']:.3f})" if notes["covariance"] != "sample" else ""
    print(f"Fitted on {fit[0]} .. {fit[1]} ({fit[2]} periods), covariance {notes['covariance']}{shrunk}.")
    if "test" in windows:
        test = windows["test"]
        print(f"Out of sample: {test[0]} .. {test[1]} ({test[2]} periods), in the oos_* columns.")
    print(f"Frontier: volatility from {notes['min_volatility']:.2%}, return up to {notes['max_return']:.2%}.")
    for name, gap in notes["given_portfolios"].items():
        extra = gap["excess_volatility"]
        where = f", {extra:.2%} more volatility than the frontier" if extra is not None else ""
        print(
            f"Given portfolio {name}: return {gap['return']:.2%}, volatility {gap['volatility']:.2%}{where}."
        )
    for target in notes["infeasible_targets"]:
        print(f"Target {target['target']} {target['value']:.2%} not met: {target['reason']}")
    print(f"See them with: tradeoff-studio candidates {project} {record.name} --front-only")
