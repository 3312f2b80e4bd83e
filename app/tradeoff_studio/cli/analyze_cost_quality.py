"""``analyze PROJECT cost-quality``: systems, hull mixtures and cascades from an evaluation log.

::

    analyze PROJECT cost-quality --table T --item COL --system COL --correct COL
            (--cost COL | --input-tokens COL --output-tokens COL --price-table T)
            [--latency COL] [--confidence COL] [--human-cost X] [--systems A,B,...]
            [--target-quality Q ...] [--budget C ...]
            [--missing refuse|common|incorrect] [--missing-cost X]
            [--resamples N] [--thresholds N] [--objectives quality:max,cost:min] [--name A] [--json]
"""

from __future__ import annotations

import argparse
import math
from typing import Any

from ..core import analysis_workflows as flows
from ..core.analyses.cost_quality.missing import describe_missing
from ..core.analyses.store import AnalysisRecord
from .analysis_common import add_common, names, objectives_option, print_analysis, run_analysis
from .bounds import COST, QUALITY, RESAMPLES, STEPS
from .console import print_json


def add_cost_quality(kinds: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``cost-quality`` kind on ``analyze``'s subparsers."""
    command = kinds.add_parser(
        "cost-quality", help="cost against quality: systems, hull mixtures, cascades, cost-of-pass"
    )
    add_common(command)
    for flag, text in (("--item", "item (question, task) column"), ("--system", "system (model) column"),
                       ("--correct", "correct flag (boolean, 0/1) or score in [0, 1]")):  # fmt: skip
        command.add_argument(flag, required=True, metavar="COL", help=text)
    command.add_argument("--cost", metavar="COL", help="cost per item: dollars, latency, tokens, any column")
    command.add_argument("--input-tokens", metavar="COL", help="input token counts (with --price-table)")
    command.add_argument("--output-tokens", metavar="COL", help="output token counts (with --price-table)")
    command.add_argument(
        "--price-table", metavar="T", help="table with system, input_price, output_price (per 1M tokens)"
    )
    command.add_argument("--latency", metavar="COL", help="latency column (p50/p95 per candidate)")
    command.add_argument("--confidence", metavar="COL", help="confidence column (enables cascades)")
    command.add_argument("--human-cost", type=COST, metavar="X", help="a human expert's cost per item")
    command.add_argument("--systems", action="append", metavar="A,B", help="only these systems")
    command.add_argument("--resamples", type=RESAMPLES, default=500, metavar="N", help="bootstrap resamples")
    command.add_argument("--thresholds", type=STEPS, default=20, metavar="N", help="cascade quantile steps")
    command.add_argument(
        "--target-quality",
        type=QUALITY,
        action="append",
        default=[],
        metavar="Q",
        help="add the cheapest hull mixture reaching this quality (repeatable)",
    )
    command.add_argument("--budget", type=COST, action="append", default=[], metavar="C",
                         help="add the best hull mixture costing at most C an item (repeatable)")  # fmt: skip
    command.add_argument(
        "--missing", choices=("refuse", "common", "incorrect"), default="refuse",
        help="items a system did not answer: refuse (default), keep only the items every system answered "
        "(common), or score them as wrong (incorrect)",
    )  # fmt: skip
    command.add_argument("--missing-cost", type=float, metavar="X",
                         help="with --missing incorrect: an unanswered item's cost (default 0)")  # fmt: skip
    command.set_defaults(handler=analyze_cost_quality)


def analyze_cost_quality(args: argparse.Namespace) -> None:
    """``analyze PROJECT cost-quality --table T --item C --system C --correct C --cost C ...``."""
    from ..core.analyses.cost_quality import CostQualitySpec

    options = objectives_option(args)
    if args.systems:
        options["systems"] = tuple(names(args.systems))
    spec = CostQualitySpec(
        table=args.table, item=args.item, system=args.system, correct=args.correct, cost=args.cost,
        input_tokens=args.input_tokens, output_tokens=args.output_tokens, price_table=args.price_table,
        latency=args.latency, confidence=args.confidence, human_cost=args.human_cost,
        resamples=args.resamples, thresholds=args.thresholds, target_qualities=tuple(args.target_quality),
        budgets=tuple(args.budget), missing=args.missing, missing_cost=args.missing_cost, **options,
    )  # fmt: skip
    record = run_analysis(args, flows.analyze_cost_quality, spec)
    if args.json:
        print_json(record.to_dict() | {"notes": record.spec["notes"]})
        return
    print_analysis(record, False)
    _print_summary(record)


def _print_summary(record: AnalysisRecord) -> None:
    """The cost axis, the frontier cost-of-pass and the best single system, from the notes."""
    notes = record.spec["notes"]
    axis = notes["cost_axis"]
    print(f"Cost axis: {axis.get('column') or axis.get('formula')} ({axis['unit']}).")
    frontier, best = notes["frontier_cost_of_pass"], notes["best_single_system"]
    name = str(frontier.get("name", "frontier cost-of-pass"))
    print(f"{name[0].upper()}{name[1:]} (per item): {frontier['value']:.6g} = {frontier['formula']}.")
    if "value_over_solved_items" in frontier and frontier["unsolved_items"]:
        solved = frontier["value_over_solved_items"]
        rest = f"over the solved items alone: {solved:.6g}" if math.isfinite(solved) else "no item is solved"
        print(f"  {frontier['unsolved_items']:,} item(s) no system solves; {rest}.")
    headline = notes.get("headline")
    if headline:
        print(headline["text"])
    else:  # stored before the headline rule
        print(f"Best single system: {best['system']} at cost-of-pass {best['cost_of_pass']:.6g}.")
    for line in _honesty_lines(notes):
        print(line)
    missing = describe_missing(notes["missing"]) if notes.get("missing") else None
    if missing:
        print(missing)
    if notes.get("human_cost") is not None:
        print(f"Human-expert cost per item: {notes['human_cost']:.6g}.")
    for reason in notes["targets_out_of_reach"]:
        print(f"Target out of reach: {reason}.")


def _honesty_lines(notes: dict[str, Any]) -> list[str]:
    """What the intervals are over, suspected nesting, what the fronts mean, how cascades were scored."""
    lines = []
    if notes.get("ci"):
        lines.append(f"Intervals: {notes['ci']}.")
    if notes.get("nesting"):
        lines.append(f"Note: {notes['nesting']['text']}.")
    if notes.get("fronts"):
        lines.append("on_front: the Pareto front of single systems and cascades (never a random mixture); "
                     "on_hull: the mixture hull (its vertices and the mixtures on its edges).")  # fmt: skip
    cascades = notes.get("cascades")
    if isinstance(cascades, dict) and cascades.get("evaluation") and cascades.get("pairs"):
        lines.append(f"Cascades: {cascades['evaluation']}.")
    return lines
