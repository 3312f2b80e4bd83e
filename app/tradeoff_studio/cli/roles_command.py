"""``tradeoff-studio roles PROJECT TABLE [--set COLUMN=ROLE[:VALUE]] [--clear COLUMN] [--json]``.

Without ``--set`` or ``--clear`` it lists the table's columns and their roles. All the ``--set`` and
``--clear`` of one command are one audited change: if any is refused, none is made.
"""

from __future__ import annotations

import argparse

from ..core import workflows
from ..core.data.roles import ROLES, RoleError, describe_roles
from .commands import opened_project
from .console import print_json, print_table


def add_roles(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``roles`` on the main parser's subparsers."""
    command = sub.add_parser(
        "roles",
        help="show or set the roles of a table's columns (label, weight, sensitive, score…)",
        description=f"Column roles: {describe_roles()}. A label may name its favourable value: "
        "--set approved=label:yes.",
    )
    command.add_argument("project")
    command.add_argument("table", metavar="TABLE")
    command.add_argument(
        "--set",
        dest="assignments",
        action="append",
        default=[],
        metavar="COLUMN=ROLE[:VALUE]",
        help="give a column a role (repeatable); a one-column role moves from the column that had it",
    )
    command.add_argument(
        "--clear", action="append", default=[], metavar="COLUMN", help="remove a column's role (repeatable)"
    )
    command.add_argument("--json", action="store_true", help="machine-readable output")
    command.set_defaults(handler=roles)


def parse_assignment(text: str) -> tuple[str, str, str | None]:
    """``COLUMN=ROLE[:VALUE]`` → (column, role, value). The column may itself contain '=' and the value
    ':' or '=': the split is at the '=' followed by a role's name."""
    for index in [position for position, char in enumerate(text) if char == "="]:
        column, rest = text[:index], text[index + 1 :]
        role, colon, value = rest.partition(":")
        if column and role in ROLES:
            return column, role, (value if colon else None)
    raise RoleError(f"--set expects COLUMN=ROLE[:VALUE] with a role among {describe_roles()}; got {text!r}.")


def roles(args: argparse.Namespace) -> None:
    """Apply the ``--set``/``--clear`` changes (if any), then print the table's roles."""
    parsed = [parse_assignment(text) for text in args.assignments]
    wanted = {column: (role, value) for column, role, value in parsed}
    if len(wanted) < len(parsed):
        raise RoleError("--set names a column twice. Give each column one role.")
    with opened_project(args) as project:
        change = None
        if wanted or args.clear:
            change = workflows.set_roles(project, args.table, set_=wanted, clear=list(args.clear))
        current = workflows.get_roles(project, args.table)
        defaults = workflows.roles_defaults(project, args.table)
        types = dict(project.columns(args.table))
    if args.json:
        print_json(
            {
                "table": args.table,
                "roles": [{**item.to_dict(), "type": types[item.column]} for item in current],
                "defaults": defaults,
                "changed": bool(change and change.changed),
            }
        )
        return
    if change is not None:
        print(f"Roles of {args.table!r} {'updated' if change.changed else 'unchanged'}.")
    if not current:
        print(f"No column of {args.table!r} has a role yet. Set one with --set COLUMN=ROLE.")
        return
    rows = [[item.column, types[item.column], item.role, item.value or ""] for item in current]
    print_table(["column", "type", "role", "value"], rows)
