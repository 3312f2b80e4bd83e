"""What every ``analyze`` kind's command shares: the common flags, name lists, the stored-analysis line."""

from __future__ import annotations

import argparse

from ..core.analyses.store import AnalysisRecord
from .console import print_json


def add_common(command: argparse.ArgumentParser) -> None:
    """``--table``, ``--objectives``, ``--name`` and ``--json``, which every analysis kind takes."""
    command.add_argument("--table", required=True, metavar="T")
    command.add_argument("--objectives", metavar="METRIC:max|min,...", help="objectives, comma-separated")
    command.add_argument("--name", metavar="A", help="analysis name (default: KIND-TABLE, made unique)")
    command.add_argument("--json", action="store_true", help="machine-readable output")


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
