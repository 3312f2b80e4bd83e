"""What every ``analyze`` kind's command shares: the common flags, name lists, the stored-analysis line."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from ..core.analyses.candidates import parse_objectives
from ..core.analyses.store import AnalysisRecord
from ..core.project import Project
from .commands import opened_project
from .console import print_json, run_job

Action = Callable[..., AnalysisRecord]  # flows.analyze_*(project, spec, *, name, progress, cancel)


def add_common(command: argparse.ArgumentParser) -> None:
    """``--table``, ``--objectives``, ``--name``, ``--json`` and ``--where``: what every kind takes."""
    command.add_argument("--table", required=True, metavar="T")
    command.add_argument("--objectives", metavar="METRIC:max|min,...", help="objectives, comma-separated")
    command.add_argument("--name", metavar="A", help="analysis name (default: KIND-TABLE, made unique)")
    command.add_argument("--json", action="store_true", help="machine-readable output")
    command.add_argument(
        "--where",
        metavar="EXPR",
        help="analyse only the rows where this SQL condition holds, e.g. \"split = 'test'\"",
    )


def names(values: list[str] | str) -> list[str]:
    """Repeated and comma-separated names (``--x a,b --x c``, or one ``a,b`` string), in order."""
    items = [values] if isinstance(values, str) else values
    return [name.strip() for value in items for name in value.split(",") if name.strip()]


def print_analysis(record: AnalysisRecord, as_json: bool) -> None:
    """The stored analysis in one line, or its record as JSON."""
    if as_json:
        print_json(record.to_dict())
        return
    print(
        f"Stored analysis {record.name!r} ({record.kind}): {record.rows:,} candidates, "
        f"{record.spec['front']:,} on the Pareto front of {', '.join(record.spec['objectives'])}."
    )
    where = record.spec["inputs"].get("where")
    if where:
        print(
            f"Rows: {where['rows']:,} of {where['total']:,} in table {where['table']!r} "
            f"(--where {where['expression']})."
        )
    if record.spec.get("indicators"):
        from ..core.pareto.summary import indicator_lines

        for line in indicator_lines(record.spec["indicators"]):
            print(line)


def objectives_option(args: argparse.Namespace) -> dict[str, Any]:
    """``{"objectives": (...)}`` when ``--objectives`` was given, else nothing (the kind's default)."""
    return {"objectives": tuple(parse_objectives(args.objectives))} if args.objectives else {}


def analysis_job(project: Project, args: argparse.Namespace, action: Action, spec: Any) -> AnalysisRecord:
    """Run ``action`` on ``project`` as a job: progress on stderr, Ctrl-C cancels, ``--name`` applies."""
    return run_job(
        lambda progress, cancel: action(
            project, spec, name=args.name, progress=progress, cancel=cancel, where=args.where
        )
    )


def run_analysis(args: argparse.Namespace, action: Action, spec: Any) -> AnalysisRecord:
    """Open the project (``--recovery-key-file`` and the like apply) and run :func:`analysis_job`."""
    with opened_project(args) as project:
        return analysis_job(project, args, action, spec)
