"""``tradeoff-studio check PROJECT [--json]``: an integrity check; exit 0 when sound, 1 with the problems."""

from __future__ import annotations

import argparse

from ..core import keys
from ..core.integrity import check_project
from .console import print_json, run_job

EXIT_PROBLEMS = 1


def add_check(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``check`` on the main parser's subparsers."""
    command = sub.add_parser(
        "check", help="integrity check: database readable, catalog valid, model hashes, analysis inputs"
    )
    command.add_argument("project")
    command.add_argument("--json", action="store_true", help="machine-readable output")
    command.set_defaults(handler=check)


def check(args: argparse.Namespace) -> int:
    """Check the project; one line per problem (or JSON); the exit status says whether it is sound."""
    key_file = getattr(args, "recovery_key_file", None)
    key = keys.read_recovery_file(key_file) if key_file else None
    report = run_job(lambda _progress, cancel: check_project(args.project, key=key, cancel=cancel))
    if args.json:
        print_json(report.to_dict())
    elif report.sound:
        looked_at = ", ".join(f"{count} {what.replace('_', ' ')}" for what, count in report.checked.items())
        print(f"{report.path}: sound ({looked_at} checked).")
    else:
        for problem in report.problems:
            print(f"{report.path}: {problem}")
    return 0 if report.sound else EXIT_PROBLEMS
