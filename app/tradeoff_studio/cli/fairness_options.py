"""The settings of ``analyze PROJECT fairness`` beyond its columns, read into spec fields.

``--policies``, ``--favorable``, ``--selected-means``, ``--costs fp=X,fn=Y``, ``--resamples N``,
``--weight COL``, ``--capacity ROWS|SHARE`` and ``--bins COL=EDGES|COL=qN``. Everything is checked
here or by the spec when it is made, before the project is opened.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..core.analyses.candidates import AnalysisError
from ..core.decisions.preferences import parse_assignments
from .analysis_common import names
from .bounds import MAX_RESAMPLES, bounded_int


def add_fairness_settings(fairness: argparse.ArgumentParser) -> None:
    """The fairness analysis's settings: policies, outcome, costs, resamples, weights, capacity, bins."""
    fairness.add_argument(
        "--policies", default="global", metavar="global[,group,randomized,capacity]",
        help="threshold rules to explore (default global: one threshold for everyone; the others read "
        "the protected attribute at decision time)",
    )  # fmt: skip
    fairness.add_argument(
        "--favorable", choices=("selected", "unselected"), default="selected",
        help="the outcome people want (default selected); rates, dp and dp_ratio use it",
    )  # fmt: skip
    fairness.add_argument(
        "--selected-means", default="selected", metavar="WORD",
        help='what a selected row (score >= threshold) is, in words, e.g. "flagged" or "denied"',
    )  # fmt: skip
    fairness.add_argument(
        "--costs", metavar="fp=X,fn=Y", help="costs of errors for expected_cost (default 1 each)"
    )
    fairness.add_argument(
        "--resamples",
        type=bounded_int(0, MAX_RESAMPLES),
        metavar="N",
        help="bootstrap resamples (default 200; 0 = none)",
    )
    fairness.add_argument("--weight", metavar="COL", help="sample-weight column (non-negative)")
    fairness.add_argument(
        "--capacity", metavar="X", help="at most X rows selected (an integer >= 1) or a share in (0, 1]"
    )
    fairness.add_argument(
        "--bins", action="append", default=[], metavar="COL=EDGES|COL=qN",
        help="bin a numeric sensitive column: age=25,45,65 or age=q4",
    )  # fmt: skip


def fairness_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The spec fields the fairness flags set, checked before any work."""
    settings: dict[str, Any] = {
        "policies": tuple(names(args.policies)),
        "favorable": args.favorable,
        "selected_means": args.selected_means,
        "weights": args.weight,
        "sensitive_bins": _bins(args.bins),
    }
    if args.resamples is not None:
        settings["bootstrap"] = args.resamples
    if args.costs:
        costs = parse_assignments(args.costs, "--costs")
        unknown = sorted(set(costs) - {"fp", "fn"})
        if unknown or any(value <= 0 for value in costs.values()):
            raise AnalysisError(
                f"--costs expects fp=X,fn=Y with positive costs (e.g. fp=1,fn=5); got {args.costs!r}."
            )
        fp, fn = costs.get("fp", 1.0), costs.get("fn", 1.0)
        settings |= {"cost_ratio": fp / fn, "false_negative_cost": fn}
    if args.capacity is not None:
        settings |= _capacity(args.capacity)
    return settings


def _capacity(text: str) -> dict[str, Any]:
    raw = text.strip()
    if raw.isdigit() and int(raw) >= 1:
        return {"capacity_top_k": int(raw)}
    try:
        share = float(raw)
    except ValueError:
        share = float("nan")
    if not 0.0 < share <= 1.0:
        raise AnalysisError(
            f"--capacity expects a number of rows (an integer >= 1) or a share in (0, 1], e.g. 500 or 0.2; "
            f"got {text!r}."
        )
    return {"capacity_rate": share}


def _bins(values: list[str]) -> dict[str, str]:
    bins = {}
    for value in values:
        column, sep, edges = value.partition("=")
        if not sep or not column.strip() or not edges.strip():
            raise AnalysisError(
                f"--bins expects COL=EDGES or COL=qN (e.g. age=25,45,65 or age=q4); got {value!r}."
            )
        bins[column.strip()] = edges.strip()
    return bins
