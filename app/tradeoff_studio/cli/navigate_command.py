"""``navigate``: explore an analysis's front by reference point or NIMBUS classification.

::

    navigate PROJECT ANALYSIS --reference "agreement=70,price=2" [--weights M=W,...] [--trail NAME]
    navigate PROJECT ANALYSIS --improve price --keep agreement --worsen time=30 [--from ID] [--trail NAME]
    navigate PROJECT ANALYSIS --show [--trail NAME]

Every step is stored in an exploration trail (not a decision) and printed: the projection of the
reference point on the front, its achievement, and its nearest neighbours on the front.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..core.decisions.explorations import DEFAULT_TRAIL, explore, list_steps
from ..core.decisions.navigate import Classification
from ..core.decisions.preferences import DecisionError, parse_assignments
from .commands import opened_project
from .console import print_json


def add_navigate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``navigate``."""
    command = sub.add_parser(
        "navigate", help="explore the front by reference point or classification (stored as a trail)"
    )
    command.add_argument("project")
    command.add_argument("analysis", metavar="ANALYSIS")
    command.add_argument("--reference", metavar="M=V,...", help="aspiration level of every objective")
    command.add_argument("--improve", action="append", default=[], metavar="M[=LEVEL]",
                         help="improve this objective (to LEVEL, or as far as it goes)")  # fmt: skip
    command.add_argument("--keep", action="append", default=[], metavar="M", help="no worse than now")
    command.add_argument("--worsen", action="append", default=[], metavar="M=BOUND",
                         help="may worsen down to BOUND")  # fmt: skip
    command.add_argument("--free", action="append", default=[], metavar="M", help="may change freely")
    command.add_argument("--from", dest="start", metavar="ID", help="classify from this candidate")
    command.add_argument("--weights", metavar="M=W,...", help="weights of the objectives' shortfalls")
    command.add_argument("--trail", default=DEFAULT_TRAIL, metavar="NAME", help="exploration trail name")
    command.add_argument("--show", action="store_true", help="print the trail; take no step")
    command.add_argument("--json", action="store_true", help="machine-readable output")
    command.set_defaults(handler=navigate_command)


def _classes(args: argparse.Namespace) -> list[Classification]:
    classes = []
    for kind in ("improve", "keep", "worsen", "free"):
        for text in getattr(args, kind):
            metric, sep, _ = text.partition("=")
            if sep and kind in ("keep", "free"):
                raise DecisionError(f"--{kind} takes an objective name only, got {text!r}.")
            value = parse_assignments(text, f"--{kind}")[metric.strip()] if sep else None
            classes.append(Classification(metric.strip(), kind, value))
    return classes


def navigate_command(args: argparse.Namespace) -> None:
    """``navigate PROJECT ANALYSIS (--reference … | --improve … ) | --show``."""
    with opened_project(args) as project:
        if args.show:
            steps = list_steps(project, args.analysis, args.trail)
        else:
            reference = parse_assignments(args.reference, "--reference") if args.reference else None
            weights = parse_assignments(args.weights, "--weights") if args.weights else None
            step = explore(
                project, args.analysis, reference=reference, classification=_classes(args),
                start=args.start, weights=weights, trail=args.trail,
            )  # fmt: skip
            steps = [step]
    if args.json:
        print_json([step.to_dict() for step in steps])
        return
    if args.show and not steps:
        print(f"No steps on {args.analysis!r} in trail {args.trail!r} yet.")
    for step in steps:
        for line in step_lines(step.to_dict()):
            print(line)
    if not args.show:
        print("Stored in the exploration trail (not a decision); record a choice with decide.")


def step_lines(step: dict[str, Any]) -> list[str]:
    """A navigation step in words."""
    asked = ", ".join(f"{name}={value:g}" for name, value in step["reference"].items())
    how = (
        f"classification {'; '.join(step['classification'])} from {step['start']}"
        if step["classification"]
        else ""
    )
    values = ", ".join(f"{name} {value:.6g}" for name, value in step["values"].items())
    reached = "reaches every aspiration" if step["achievement"] <= 0 else "falls short of an aspiration"
    lines = [
        f"Step {step['step']} of trail {step['trail']!r} on {step['analysis']!r}: reference {asked}"
        + (f" ({how})" if how else ""),
        f"  Projection: candidate {step['candidate_id']} ({values}); achievement {step['achievement']:.4g} "
        f"({reached}).",
    ]
    if step["bounds"]:
        lines.append(
            "  Bounds: " + ", ".join(f"{name} no worse than {v:g}" for name, v in step["bounds"].items())
        )
    for item in step["neighbours"]:
        moves = ", ".join(f"{name} {delta:+.4g}" for name, delta in item["changes"].items())
        lines.append(f"  Neighbour {item['candidate_id']}: {moves}")
    return lines
