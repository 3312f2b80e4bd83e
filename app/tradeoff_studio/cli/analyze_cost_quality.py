"""``analyze PROJECT cost-quality``: systems, hull mixtures and cascades from an evaluation log.

::

    analyze PROJECT cost-quality (--table T | --dataset GLOB [--engine duckdb|ray] [--ray-address A]
            [--hash-files]) --item COL --system COL --correct COL
            (--cost COL | --input-tokens COL --output-tokens COL --price-table T)
            [--latency COL] [--confidence COL] [--human-cost X] [--systems A,B,...]
            [--target-quality Q ...] [--budget C ...]
            [--missing refuse|common|incorrect] [--missing-cost X]
            [--cluster COL] [--pass-at X] [--folds K] [--where EXPR]
            [--resamples N] [--thresholds N] [--objectives quality:max,cost:min] [--name A] [--json]

The options come from the kind's descriptor (:mod:`..core.analyses.cost_quality.kind`); this
module prints what the run found.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

from ..core.analyses.cost_quality.missing import describe_missing
from ..core.analyses.kinds import kind
from ..core.analyses.store import AnalysisRecord
from .analysis_common import print_analysis, run_analysis
from .analyze_dataset import dataset_lines, run_cost_quality_dataset, wants_dataset
from .console import print_json


def analyze_cost_quality(args: argparse.Namespace) -> None:
    """``analyze PROJECT cost-quality (--table T | --dataset GLOB) --item C --system C --correct C ...``."""
    if wants_dataset(args):  # issue #21: an evaluation log in Parquet files, on DuckDB or Ray
        record = run_cost_quality_dataset(args)
    else:
        record = run_analysis(args, kind("cost-quality"))
    if args.json:
        print_json(record.to_dict() | {"notes": record.spec["notes"]})
        return
    print_analysis(record, False)
    _print_summary(record)
    for line in dataset_lines(record):
        print(line)


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
