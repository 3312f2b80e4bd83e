"""``tradeoff-studio``: the command-line grammar. Handlers live in :mod:`.commands`.

Every user error exits non-zero with its message and no traceback; Ctrl-C cancels the
running job cleanly (exit 130) and leaves the project as it was.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from .. import __version__
from ..core.crash import crash_report_note
from ..core.errors import CancelledError, StudioError
from ..core.project import damaged_file_error, is_damage
from ..core.scratch import sweep_stale_scratch
from . import analysis_commands, bounds, commands
from .check_command import add_check
from .console import one_line, safe_output
from .navigate_command import add_navigate
from .ope_estimate_command import add_ope_estimate
from .report_commands import add_report_commands
from .roles_command import add_roles
from .tables_command import add_import_options, add_tables

EXIT_USER_ERROR = 1
EXIT_CANCELLED = 130
EXIT_INTERNAL_ERROR = 70  # EX_SOFTWARE


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser."""
    parser = argparse.ArgumentParser(
        prog="tradeoff-studio",
        description="Choose an operating point among competing objectives and defend it.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    new = sub.add_parser("new", help="create an empty project file (.tsproj)")
    new.add_argument("project")
    new.add_argument(
        "--encrypted", action="store_true", help="encrypt it with a new key (kept in the keyring)"
    )
    new.set_defaults(handler=commands.new)

    _add_import(sub)
    _add_models(sub)
    _add_score(sub)
    _add_export(sub)
    analysis_commands.add_analysis_commands(sub)
    _add_project_command(
        sub, "info", commands.info, "what a project holds: tables, provenance, models, scores"
    )
    _add_project_command(sub, "audit", commands.audit, "the project's audit trail")
    add_check(sub)
    add_tables(sub)
    add_navigate(sub)
    add_ope_estimate(sub)
    add_roles(sub)
    add_report_commands(sub)
    _add_project_command(sub, "encrypt", commands.encrypt, "encrypt a project with a new key")
    _add_project_command(sub, "decrypt", commands.decrypt, "write a project back unencrypted")
    _add_project_command(
        sub, "recovery-key", commands.recovery_key, "print an encrypted project's recovery key"
    )
    for command in sub.choices.values():
        if "project" in {action.dest for action in command._actions}:
            _add_key_option(command)
        for nested in _subcommands(command):  # e.g. `analyze PROJECT generic …`
            _add_key_option(nested, default=argparse.SUPPRESS)
    return parser


def _subcommands(command: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    actions = [action for action in command._actions if isinstance(action, argparse._SubParsersAction)]
    return [parser for action in actions for parser in action.choices.values()]


def _add_key_option(command: argparse.ArgumentParser, default: object = None) -> None:
    """Every command that opens a project takes a recovery key file, for machines without a keyring.

    Nested commands get ``default=SUPPRESS`` so they do not overwrite the option given before them.
    """
    if not any(action.dest == "recovery_key_file" for action in command._actions):
        command.add_argument(
            "--recovery-key-file",
            type=Path,
            default=default,
            metavar="FILE",
            help="open an encrypted project with this recovery key",
        )


def _add_project_command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    handler: Callable[[argparse.Namespace], None],
    help_text: str,
) -> None:
    command = sub.add_parser(name, help=help_text)
    command.add_argument("project")
    if name in {"info", "audit"}:
        command.add_argument("--json", action="store_true", help="machine-readable output")
    command.set_defaults(handler=handler)


def _add_import(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = sub.add_parser("import", help="import CSV/TSV, Parquet, JSON/NDJSON or XLSX files or folders")
    command.add_argument("project")
    command.add_argument("paths", nargs="+", metavar="FILE_OR_FOLDER")
    command.add_argument("--table", help="import every file into this one table (default: one per file)")
    command.add_argument("--delimiter", help="CSV delimiter (default: sniffed); 'tab' for TSV")
    header = command.add_mutually_exclusive_group()
    header.add_argument(
        "--header", dest="header", action="store_true", default=None, help="first row is a header"
    )
    header.add_argument("--no-header", dest="header", action="store_false", help="first row is data")
    command.add_argument("--encoding", help="utf-8 (default), utf-16 or latin-1")
    command.add_argument("--sheet", help="XLSX sheet (default: the first)")
    command.add_argument(
        "--types",
        action="append",
        default=[],
        metavar="COLUMN=TYPE",
        help="force a column's type, e.g. zip=VARCHAR",
    )
    command.add_argument(
        "--rename",
        action="append",
        default=[],
        metavar="OLD=NEW",
        help="give a column another name in the table (repeatable)",
    )
    command.add_argument(
        "--columns", action="append", metavar="A,B,...", help="keep only these columns, in this order"
    )
    add_import_options(command)
    command.set_defaults(handler=commands.import_)


def _add_models(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    models = sub.add_parser("models", help="add, list, inspect and remove ONNX models")
    actions = models.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="validate an ONNX model and copy it into the project")
    add.add_argument("project")
    add.add_argument("model", metavar="MODEL.onnx")
    add.add_argument("--name", help="name in the project (default: the file name without .onnx)")
    add.set_defaults(handler=commands.models_add)
    listing = actions.add_parser("list", help="models in the project")
    listing.add_argument("project")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=commands.models_list)
    inspect = actions.add_parser("inspect", help="a model's inputs, outputs, opsets and hash")
    inspect.add_argument("project")
    inspect.add_argument("name")
    inspect.add_argument("--json", action="store_true")
    inspect.set_defaults(handler=commands.models_inspect)
    remove = actions.add_parser(
        "remove", help="remove a model (the score columns it made stay, with their provenance)"
    )
    remove.add_argument("project")
    remove.add_argument("name")
    remove.set_defaults(handler=commands.models_remove)
    for action in (add, listing, inspect, remove):
        _add_key_option(action)


def _add_score(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = sub.add_parser("score", help="score a table with a model into a new column")
    command.add_argument("project")
    command.add_argument("--model", required=True)
    command.add_argument("--table", required=True)
    command.add_argument("--output", help="name of the new score column (default: score_<model>)")
    command.add_argument("--provider", choices=["auto", "cuda", "cpu"], default="auto")
    command.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="INPUT=COLUMN",
        help="feed a model input from a column; an [N, k] input from k columns: INPUT=COL1,COL2,...",
    )
    command.add_argument(
        "--model-output", help="which model output to store (default: positive-class probability)"
    )
    command.add_argument(
        "--class-index",
        type=bounds.bounded_int(0, bounds.MAX_CLASS_INDEX),
        help="column of a [N, k] output (or ZipMap class) to store",
    )
    command.add_argument(
        "--class-label", metavar="LABEL", help="class of a ZipMap output to store, by its label"
    )
    command.add_argument("--json", action="store_true")
    command.set_defaults(handler=commands.score)


def _add_export(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = sub.add_parser("export", help="write a table to a .csv, .parquet or .xlsx file")
    command.add_argument("project")
    command.add_argument("table", metavar="TABLE")
    command.add_argument(
        "--out", required=True, type=Path, metavar="FILE", help="FILE.csv, .parquet or .xlsx"
    )
    command.add_argument(
        "--raw",
        action="store_true",
        help="write text cells as stored (by default, cells that start with = + - @ get a leading ')",
    )
    command.add_argument("--json", action="store_true", help="machine-readable output")
    command.set_defaults(handler=commands.export)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``tradeoff-studio``; returns the exit status.

    User errors exit 1, Ctrl-C 130, and anything unexpected 70 with one line naming a crash
    report (see :mod:`..core.crash`). Text from data is printed escaped (:func:`safe_output`).
    """
    # Ctrl-C cancels the running job, even when started from a shell that ignores SIGINT for
    # background commands (Python would otherwise keep the inherited "ignore").
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with safe_output():
        try:
            sweep_stale_scratch()
            args = build_parser().parse_args(argv)
            return _run(args)
        except KeyboardInterrupt:
            print(f"tradeoff-studio: {CancelledError()}", file=sys.stderr)
            return EXIT_CANCELLED
        except Exception as error:  # before any command ran (parser, scratch sweep): no traceback either
            return _internal_error(error, "start-up")


def _run(args: argparse.Namespace) -> int:
    try:
        status = args.handler(args)
    except CancelledError as error:
        print(f"tradeoff-studio: {error}", file=sys.stderr)
        return EXIT_CANCELLED
    except StudioError as error:
        print(f"tradeoff-studio: error: {one_line(str(error))}", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:  # the last line of defence: a bug, not the user's doing
        return _unexpected(error, args)
    return status if isinstance(status, int) else 0


def command_name(args: argparse.Namespace) -> str:
    """The command and its sub-command (``analyze fairness``, ``models add``); never argument values."""
    parts = [getattr(args, field, None) for field in ("command", "kind", "action")]
    return " ".join(str(part) for part in parts if part)


def _unexpected(error: Exception, args: argparse.Namespace) -> int:
    """A damaged project file found mid-command is the user's to fix (exit 1); anything else is a bug."""
    project = getattr(args, "project", None)
    if isinstance(error, duckdb.Error) and is_damage(error) and project:
        print(f"tradeoff-studio: error: {damaged_file_error(Path(project))}", file=sys.stderr)
        return EXIT_USER_ERROR
    return _internal_error(error, command_name(args))


def _internal_error(error: Exception, command: str) -> int:
    summary = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
    where = crash_report_note(error, command)
    print(f"tradeoff-studio: internal error: {one_line(summary.rstrip(': '))}; {where}", file=sys.stderr)
    return EXIT_INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
