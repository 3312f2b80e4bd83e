"""``tables remove PROJECT NAME`` and the ``import`` options of issue #18 (``--na``, ``--parse-numbers``,
``--replace``).

::

    tables remove PROJECT NAME [--json]
    import PROJECT FILE... [--na TEXT ...] [--parse-numbers COL|all ...] [--date-format FMT] [--replace]
"""

from __future__ import annotations

import argparse

from ..core import workflows
from .commands import opened_project
from .console import print_json


def add_import_options(command: argparse.ArgumentParser) -> None:
    """The options that let real tables import as shipped."""
    command.add_argument(
        "--na", action="append", default=[], metavar="TEXT",
        help="a CSV text that means 'missing', e.g. --na n/a --na - (repeatable; empty fields always are)",
    )  # fmt: skip
    command.add_argument(
        "--parse-numbers", action="append", default=[], metavar="COL|all",
        help="read text such as $14.47, 67.50%% or 1,234 as numbers in COL (or every such column: all); "
        "the unit is kept in the table's provenance",
    )  # fmt: skip
    command.add_argument(
        "--date-format", metavar="FMT",
        help="how a CSV's dates are written, e.g. %%d/%%m/%%Y (default: ISO, or the format detected; "
        "an ambiguous one such as 01/04/2010 is refused until you pass this)",
    )  # fmt: skip
    command.add_argument(
        "--replace", action="store_true", help="replace a table of the same name (in one transaction)"
    )


def add_tables(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``tables remove``."""
    tables = sub.add_parser("tables", help="manage the project's imported tables")
    actions = tables.add_subparsers(dest="action", required=True, metavar="ACTION")
    remove = actions.add_parser(
        "remove", help="remove a table with its provenance (analyses keep their own candidates)"
    )
    remove.add_argument("project")
    remove.add_argument("name", metavar="NAME")
    remove.add_argument("--json", action="store_true", help="machine-readable output")
    remove.set_defaults(handler=tables_remove)


def tables_remove(args: argparse.Namespace) -> None:
    """``tables remove PROJECT NAME``."""
    with opened_project(args) as project:
        result = workflows.remove_table(project, args.name)
    if args.json:
        print_json(result)
        return
    scores = f" and {result['score_columns']} score-column record(s)" if result["score_columns"] else ""
    print(f"Removed table {result['table']!r} ({result['rows']:,} rows){scores}.")
    print("Analyses made from it keep their own candidates.")
