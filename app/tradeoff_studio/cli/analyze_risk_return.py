"""``analyze PROJECT risk-return``: the exact efficient frontier of a prices or returns table.

::

    analyze PROJECT risk-return --table T (--prices | --returns | --log-returns)
        [--long DATE,ASSET,VALUE | --date COL [--assets A,B,...]] [--covariance sample|ledoit-wolf]
        [--points 100] [--bounds LO,HI] [--bound ASSET=LO,HI ...] [--split DATE|SHARE]
        [--groups TABLE --group-bounds GROUP=LO,HI ...] [--current-weights TABLE --max-turnover X]
        [--max-gross L] [--rebalance monthly|quarterly|N [--window N] [--cost-bps B]]
        [--from DATE] [--to DATE] [--portfolios WEIGHTS_TABLE]
        [--target-return R ...] [--target-volatility V ...]
        [--risk-free R] [--cvar-level 0.95] [--periods-per-year N] [--drop-missing] [--resamples N]

Rates accept fractions or percentages (``0.08`` or ``8%``). The output says how returns were read
(simple or log) and annualised, and gives the reason for every target that cannot be met. The
options and their parsing come from the kind's descriptor (:mod:`..core.analyses.risk_return.kind`).
"""

from __future__ import annotations

import argparse
from typing import Any

from ..core.analyses.kinds import kind
from ..core.analyses.risk_return.conventions import convention_lines
from ..core.analyses.risk_return.optimised import optimised_line
from ..core.analyses.store import AnalysisRecord
from .analysis_common import print_analysis, run_analysis
from .console import print_json

_NOTES_SHOWN = ("returns", "annualisation", "frequency", "windows", "covariance", "shrinkage", "max_return",
                "min_volatility", "infeasible_targets", "given_portfolios", "named_portfolios",
               "missing_named_portfolios", "warnings", "conventions", "dropped_dates",
               "optimised", "group_bounds", "limits")  # fmt: skip


def analyze_risk_return(args: argparse.Namespace) -> None:
    """Build the spec from the flags, run the analysis as a job, print what it found."""
    record = run_analysis(args, kind("risk-return"))
    stored = record.spec["notes"]
    notes = {key: stored[key] for key in _NOTES_SHOWN} | (
        {"walk_forward": stored["walk_forward"]} if "walk_forward" in stored else {}
    )
    if args.json:
        print_json(record.to_dict() | {"notes": notes})
        return
    print_analysis(record, False)
    _print_notes(record, notes, args.project)


def _print_notes(record: AnalysisRecord, notes: dict[str, Any], project: str) -> None:
    windows = notes["windows"]
    fit = windows["fit"]
    print(f"Returns: {notes['returns']}; {notes['frequency']}.")
    print(f"Annualised {notes['annualisation']}.")
    shrunk = f" (shrinkage {notes['shrinkage']:.3f})" if notes["covariance"] != "sample" else ""
    if windows.get("from") or windows.get("to"):
        print(
            f"Window: --from {windows.get('from') or '(first date)'} "
            f"--to {windows.get('to') or '(last date)'} (the dates analysed; --split divides them)."
        )
    print(f"Fitted on {fit[0]} .. {fit[1]} ({fit[2]} periods), covariance {notes['covariance']}{shrunk}.")
    if "test" in windows:
        test = windows["test"]
        print(f"Out of sample: {test[0]} .. {test[1]} ({test[2]} periods), in the oos_* columns.")
    optimised = notes["optimised"]
    lowest, highest = optimised["min_risk"], notes["max_return"]
    print(f"Frontier: {optimised['label']} from {lowest:.2%}, return up to {highest:.2%}.")
    print(optimised_line(optimised))
    for group in notes["group_bounds"]:
        limits = f"{group['lower']:g} to {group['upper']:g}"
        print(f"Group bound: {group['group']} ({group['assets']} assets) weighs {limits} at every point.")
    for limit in notes["limits"]:
        print(f"Limit: {limit['limit']} at most {limit['value']:g} (sum of absolute weights) at every point.")
    if "walk_forward" in notes:
        _print_walk_forward(notes["walk_forward"])
    for name, gap in notes["given_portfolios"].items():
        extra = gap["excess_volatility"]
        where = f", {extra:.2%} more volatility than the frontier" if extra is not None else ""
        print(
            f"Given portfolio {name}: return {gap['return']:.2%}, volatility {gap['volatility']:.2%}{where}."
        )
    for name, figures in notes["named_portfolios"].items():
        print(
            f"Named portfolio {name}: return {figures['return']:.2%}, "
            f"volatility {figures['volatility']:.2%}, realised Sharpe {figures['sharpe']:.3f}."
        )
    for missing in notes["missing_named_portfolios"]:
        print(f"Named portfolio {missing['portfolio']} not built: {missing['reason']}")
    for target in notes["infeasible_targets"]:
        print(f"Target {target['target']} {target['value']:.2%} not met: {target['reason']}")
    for line in convention_lines(notes):
        print(line)
    for warning in notes["warnings"]:
        print(f"Warning: {warning}")
    print(f"See them with: tradeoff-studio candidates {project} {record.name} --front-only")


def _print_walk_forward(note: dict[str, Any]) -> None:
    window = note["window"] if note["window"] == "expanding" else f"{note['window']} periods"
    first, last, periods = note["out_of_sample"]
    print(
        f"Walk-forward: rebalanced {note['rebalance']} ({note['rebalances']} times), fit on {window} before, "
        f"out of sample {first} .. {last} ({periods} periods), costs {note['cost_bps']:g} bps of turnover; "
        "in the wf_* columns."
    )
