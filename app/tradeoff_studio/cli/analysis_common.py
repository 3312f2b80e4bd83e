"""What every ``analyze`` kind's command shares: options generated from the kinds' descriptors
(:mod:`..core.analyses.kinds`), the spec built by the kind, the stored-analysis line."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from ..core import analysis_workflows as flows
from ..core.analyses.candidates import parse_objectives
from ..core.analyses.kinds import COMMON_PARAMETERS, AnalysisKind, Parameter, names
from ..core.analyses.store import AnalysisRecord
from ..core.project import Project
from . import bounds
from .commands import opened_project
from .console import print_json, run_job

Action = Callable[..., AnalysisRecord]  # flows.analyze(project, spec, *, name, progress, cancel, where)
Handler = Callable[[argparse.Namespace], None]
__all__ = ["add_common", "add_kind", "analysis_job", "names", "print_analysis", "run_analysis", "spec_from"]


def add_kind(
    kinds: argparse._SubParsersAction[argparse.ArgumentParser], kind: AnalysisKind, handler: Handler
) -> argparse.ArgumentParser:
    """``analyze PROJECT <kind>``: the common options, then one option per parameter of ``kind``."""
    command = kinds.add_parser(kind.name, help=kind.help)
    add_common(command)
    for parameter in kind.parameters:
        add_parameter(command, parameter)
    command.set_defaults(handler=handler, analysis_kind=kind.name)
    return command


def add_common(command: argparse.ArgumentParser) -> None:
    """``--table``, ``--objectives``, ``--name``, ``--json`` and ``--where``: what every kind takes."""
    table, objectives, name, where = COMMON_PARAMETERS
    for parameter in (table, objectives, name):
        add_parameter(command, parameter)
    command.add_argument("--json", action="store_true", help="machine-readable output")
    add_parameter(command, where)


def add_parameter(command: argparse.ArgumentParser, parameter: Parameter) -> None:
    """One descriptor parameter as an argparse option (an exclusive group for ``choice_flags``)."""
    if parameter.choice_flags:
        group = command.add_mutually_exclusive_group(required=parameter.required)
        for value, (flag, text) in zip(parameter.choices, parameter.choice_flags, strict=True):
            group.add_argument(flag, dest=parameter.name, action="store_const", const=value, help=_help(text))
        return
    options: dict[str, Any] = {"dest": parameter.name, "help": _help(parameter.help)}
    if parameter.type == "bool":
        command.add_argument(parameter.flag, action="store_true", **options)
        return
    if parameter.required:
        options["required"] = True
    if parameter.repeat:
        options["action"] = "append"
    if parameter.many:
        options |= {"nargs": "+", "action": "extend"}
    if parameter.default is not None:
        options["default"] = list(parameter.default) if parameter.repeat else parameter.default
    if parameter.choices:
        options["choices"] = parameter.choices
    if parameter.metavar:
        options["metavar"] = parameter.metavar
    kind = _argument_type(parameter)
    if kind is not None:
        options["type"] = kind
    command.add_argument(parameter.flag, **options)


def _help(text: str | None) -> str | None:
    """A descriptor's plain help text as argparse reads it (``%`` doubled: no format specifiers)."""
    return text.replace("%", "%%") if text else text


def _argument_type(parameter: Parameter) -> Callable[[str], Any] | None:
    """The argparse ``type`` of a number parameter: range-checked when it has bounds."""
    bounded = parameter.low is not None and parameter.high is not None
    if parameter.type == "int":
        if bounded:
            return bounds.bounded_int(int(parameter.low), int(parameter.high))  # type: ignore[arg-type]
        return int
    if parameter.type == "float":
        if bounded:
            return bounds.bounded_float(
                parameter.low, parameter.high,  # type: ignore[arg-type]
                low_open=parameter.low_open, high_open=parameter.high_open,
            )  # fmt: skip
        return float
    return None


def spec_from(args: argparse.Namespace, kind: AnalysisKind) -> Any:
    """The spec of ``kind`` from the parsed options (checked by the kind before the project opens)."""
    values = {p.name: getattr(args, p.name) for p in (*COMMON_PARAMETERS, *kind.parameters)}
    return kind.build(values)


def print_analysis(record: AnalysisRecord, as_json: bool, *, indicators: bool = True) -> None:
    """The stored analysis in one line, or its record as JSON; then its indicators unless a kind prints
    them after its own table (``indicators=False``, then :func:`print_indicators`)."""
    dropped = (record.spec.get("notes") or {}).get("dropped")
    if as_json:
        print_json(record.to_dict() | ({"dropped": dropped} if dropped else {}))
        return
    print(
        f"Stored analysis {record.name!r} ({record.kind}): {record.rows:,} candidates, "
        f"{record.spec['front']:,} on the Pareto front of {', '.join(record.spec['objectives'])}."
    )
    if dropped:
        from ..core.analyses.generic import dropped_text

        print(dropped_text(dropped))
    where = record.spec["inputs"].get("where")
    if where:
        print(
            f"Rows: {where['rows']:,} of {where['total']:,} in table {where['table']!r} "
            f"(--where {where['expression']})."
        )
    if indicators:
        print_indicators(record)


def print_indicators(record: AnalysisRecord) -> None:
    """Knee, ideal, nadir, hypervolume, normalisation and notes of a stored analysis, in words."""
    if record.spec.get("indicators"):
        from ..core.pareto.summary import indicator_lines

        for line in indicator_lines(record.spec["indicators"]):
            print(line)


def objectives_option(args: argparse.Namespace) -> dict[str, Any]:
    """``{"objectives": (...)}`` when ``--objectives`` was given, else nothing (the kind's default)."""
    return {"objectives": tuple(parse_objectives(args.objectives))} if args.objectives else {}


def analysis_job(
    project: Project, args: argparse.Namespace, spec: Any, action: Action = flows.analyze
) -> AnalysisRecord:
    """Run ``action`` on ``project`` as a job: progress on stderr, Ctrl-C cancels, ``--name`` applies."""
    return run_job(
        lambda progress, cancel: action(
            project, spec, name=args.name, progress=progress, cancel=cancel, where=args.where
        )
    )


def run_analysis(args: argparse.Namespace, spec: Any, action: Action = flows.analyze) -> AnalysisRecord:
    """Open the project (``--recovery-key-file`` and the like apply) and run :func:`analysis_job`."""
    with opened_project(args) as project:
        return analysis_job(project, args, spec, action)
