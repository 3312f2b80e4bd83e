"""Handlers of the CLI commands: parse arguments into workflow calls, print the results."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..core import keys, workflows
from ..core.data.options import ReadOptions
from ..core.errors import StudioError
from ..core.project import Project, ProjectKeyRequiredError
from .console import print_json, print_table, run_job


@contextmanager
def opened_project(args: argparse.Namespace) -> Iterator[Project]:
    """Open the project named by ``args.project`` for the length of a command.

    An encrypted project opens with ``--recovery-key-file``, else with the keyring's key, else
    (on a terminal) with a recovery key typed at a hidden prompt that says why it is needed.
    """
    key_file = getattr(args, "recovery_key_file", None)
    key = keys.read_recovery_file(key_file) if key_file else None
    try:
        project = workflows.open_project(args.project, key=key)
    except ProjectKeyRequiredError as error:
        if key is not None or not sys.stdin.isatty():
            raise
        project = workflows.open_project(args.project, key=ask_recovery_key(str(error)))
    try:
        yield project
    finally:
        project.close()


def ask_recovery_key(reason: str) -> bytes:
    """Prompt for a recovery key on the terminal without echoing it."""
    print(reason, file=sys.stderr)
    return keys.parse_recovery_text(getpass.getpass("Recovery key: "))


def _announce_key(key: bytes) -> None:
    """After creating or encrypting: where the key lives, and the recovery key when nowhere else."""
    if keys.keyring_available():
        print(
            f"Its key is in this machine's keyring ({keys.keyring_name()}). "
            "Export a recovery key with 'tradeoff-studio recovery-key'."
        )
        return
    print(
        "This machine has no secure keyring, so the key is kept nowhere. Store this recovery key safely; "
        "you will need it every time you open the project (--recovery-key-file FILE):",
        file=sys.stderr,
    )
    print(keys.recovery_text(key))


def _pairs(values: list[str], flag: str, *, split_last: bool) -> dict[str, str]:
    """``KEY=VALUE`` arguments as a dict; names may contain '=' on the side given by ``split_last``."""
    pairs = {}
    for value in values:
        key, sep, rest = value.rpartition("=") if split_last else value.partition("=")
        if not sep or not key or not rest:
            raise StudioError(f"{flag} expects NAME=VALUE, got {value!r}.")
        pairs[key] = rest
    return pairs


def new(args: argparse.Namespace) -> None:
    """``new PROJECT [--encrypted]``."""
    project = workflows.create_project(args.project, encrypted=args.encrypted)
    try:
        print(f"Created {project.path}{' (encrypted)' if project.encrypted else ''}")
        if project.key is not None:
            _announce_key(project.key)
    finally:
        project.close()


def encrypt(args: argparse.Namespace) -> None:
    """``encrypt PROJECT``."""
    with opened_project(args) as project:
        path = project.path
        key = workflows.encrypt(project)
    print(f"Encrypted {path}.")
    _announce_key(key)


def decrypt(args: argparse.Namespace) -> None:
    """``decrypt PROJECT``."""
    with opened_project(args) as project:
        path = project.path
        workflows.decrypt(project)
    print(f"Decrypted {path}: it is no longer protected by a key.")


def recovery_key(args: argparse.Namespace) -> None:
    """``recovery-key PROJECT``: print the key in a form to write down and keep."""
    with opened_project(args) as project:
        if project.key is None:
            raise StudioError(f"{project.path} is not encrypted, so it has no recovery key.")
        print(
            "Anyone with this recovery key can read the project. Store it safely, apart from the file.",
            file=sys.stderr,
        )
        print(keys.recovery_text(project.key))


def import_(args: argparse.Namespace) -> None:
    """``import PROJECT FILE_OR_FOLDER...``."""
    delimiter = "\t" if args.delimiter in {"tab", "\\t"} else args.delimiter
    options = ReadOptions(
        delimiter=delimiter,
        header=args.header,
        encoding=args.encoding,
        sheet=args.sheet,
        types=_pairs(args.types, "--types", split_last=True),
        rename=_pairs(args.rename, "--rename", split_last=False),
        columns=_names(args.columns) if args.columns else None,
        na=list(getattr(args, "na", None) or []),
        parse_numbers=_names(getattr(args, "parse_numbers", None) or []),
        date_format=getattr(args, "date_format", None),
    )
    paths = [Path(path) for path in args.paths]
    replace = bool(getattr(args, "replace", False))
    with opened_project(args) as project:
        records = run_job(
            lambda progress, cancel: workflows.import_data(
                project,
                paths,
                table=args.table,
                options=options,
                progress=progress,
                cancel=cancel,
                replace=replace,
            )
        )
    for record in records:
        files = len(record.sources)
        print(
            f"Imported {record.row_count:,} rows × {len(record.columns)} columns into table "
            f"{record.table_name!r} from {files} file{'s' if files != 1 else ''}."
        )
        for item in record.reader_options.get("blank_header") or []:
            where = f"column {item['position']} has no name in the header"
            print(f"  {where}: named {item['name']!r} ({item['reason']})")
        for column, unit in (record.reader_options.get("units") or {}).items():
            print(
                f"  column {column!r} read as numbers"
                + (f" (unit {unit!r} kept in provenance)" if unit else "")
            )
        if record.reader_options.get("optuna"):
            from ..core.data.optuna import optuna_note

            print(f"  {optuna_note(record.reader_options['optuna'])}")
        renamed = record.reader_options.get("renamed") or []
        for item in renamed:
            why = "--rename" if item["reason"] == "--rename" else "its name clashes with another column"
            print(f"  column {item['column']!r} is named {item['name']!r} in the table ({why})")


def _names(values: list[str]) -> list[str]:
    """Repeated and comma-separated names (``--columns a,b --columns c``), in order."""
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def export(args: argparse.Namespace) -> None:
    """``export PROJECT TABLE --out FILE.csv|.parquet|.xlsx [--raw]``."""
    with opened_project(args) as project:
        record = workflows.export_table(project, args.table, args.out, raw=args.raw)
    if record.warning:
        print(f"Warning: {record.warning}", file=sys.stderr)
    if args.json:
        print_json(record.to_dict() | {"notes": record.notes()})
        return
    print(
        f"Wrote {record.rows:,} rows of {record.subject!r} to {record.path} (sha256 {record.sha256[:12]}…)."
    )
    for note in record.notes():
        print(f"Note: {note}")


def withdraw_command(args: argparse.Namespace) -> None:
    """``decisions withdraw PROJECT ID --reason TEXT`` (parsed by the ``decisions`` command as
    ``project="withdraw"``, ``withdraw=[PROJECT, ID]``)."""
    if args.project != "withdraw" or len(args.withdraw) != 2 or args.reason is None:
        raise StudioError(
            "To withdraw a decision: decisions withdraw PROJECT ID --reason TEXT. "
            "To list decisions: decisions PROJECT [--analysis A]."
        )
    args.project, decision_id = args.withdraw
    with opened_project(args) as project:
        record = workflows.withdraw_decision(project, decision_id, args.reason)
    if args.json:
        print_json(record.to_dict())
        return
    print(
        f"Withdrew decision {record.id} on {record.analysis!r} (candidate {record.candidate_id}): "
        f"{record.status_reason}"
    )


def models_add(args: argparse.Namespace) -> None:
    """``models add PROJECT MODEL.onnx``: refused when the model cannot score; warns what score will need."""
    with opened_project(args) as project:
        record = workflows.add_model(project, Path(args.model), name=args.name)
    inputs = len(record.manifest.inputs)
    print(f"Added model {record.name!r} ({inputs} inputs, sha256 {record.sha256[:12]}…)")
    for warning in workflows.model_warnings(record):
        print(f"warning: {warning}", file=sys.stderr)


def models_remove(args: argparse.Namespace) -> None:
    """``models remove PROJECT NAME``: the score columns it made stay, with their provenance."""
    with opened_project(args) as project:
        removed = workflows.remove_model(project, args.name)
    record = removed.record
    print(f"Removed model {record.name!r} (sha256 {record.sha256[:12]}…).")
    if removed.kept_score_columns:
        columns = ", ".join(f"{table}.{column}" for table, column in removed.kept_score_columns)
        print(
            f"Kept the score columns it made: {columns}. Their provenance still names model "
            f"{record.name!r} and its sha256 {record.sha256}; add the same file again to score anew."
        )


def models_list(args: argparse.Namespace) -> None:
    """``models list PROJECT``."""
    with opened_project(args) as project:
        records = workflows.list_models(project)
    if args.json:
        print_json([record.to_dict() for record in records])
        return
    rows = [
        [
            record.name,
            len(record.manifest.inputs),
            record.manifest.producer_name,
            record.sha256[:12],
            record.added_at,
        ]
        for record in records
    ]
    print_table(["name", "inputs", "producer", "sha256", "added"], rows)


def models_inspect(args: argparse.Namespace) -> None:
    """``models inspect PROJECT NAME``."""
    with opened_project(args) as project:
        record = workflows.inspect_model(project, args.name)
        recorded, actual = workflows.model_digests(project, record.name)
    warnings = workflows.model_warnings(record)
    if recorded != actual:
        warnings.insert(
            0, f"the stored bytes do NOT match: their sha256 is {actual}; scoring will refuse them"
        )
    if args.json:
        print_json({**record.to_dict(), "bytes_verified": recorded == actual, "warnings": warnings})
        return
    manifest = record.manifest
    verified = "verified" if recorded == actual else "MISMATCH"
    print(f"{record.name}  sha256 {record.sha256} ({verified})  {record.size_bytes:,} bytes")
    print(f"producer {manifest.producer_name} {manifest.producer_version}; opsets {manifest.opsets}")
    print_table(
        ["", "name", "type", "shape"],
        [["input", spec.name, spec.onnx_type, spec.shape] for spec in manifest.inputs]
        + [["output", spec.name, spec.onnx_type, spec.shape] for spec in manifest.outputs],
    )
    for warning in warnings:
        print(f"warning: {warning}")


def score(args: argparse.Namespace) -> None:
    """``score PROJECT --model NAME --table TABLE``."""
    mapping = _pairs(args.map, "--map", split_last=False)
    with opened_project(args) as project:
        record = run_job(
            lambda progress, cancel: workflows.score(
                project,
                model=args.model,
                table=args.table,
                output_column=args.output,
                provider=args.provider,
                mapping_overrides=mapping or None,
                model_output=args.model_output,
                class_index=args.class_index,
                progress=progress,
                cancel=cancel,
                class_label=args.class_label,
            )
        )
    if args.json:
        print_json(record.to_dict())
        return
    print(
        f"Scored {record.row_count:,} rows of {record.table_name!r} with {record.model_name!r} into column "
        f"{record.column_name!r} on {record.provider} in {record.seconds:.2f} s."
    )


def info(args: argparse.Namespace) -> None:
    """``info PROJECT``."""
    with opened_project(args) as project:
        summary = workflows.project_info(project)
    if args.json:
        print_json(summary.to_dict())
        return
    print(f"{summary.path}  (project {summary.project_id}, schema {summary.schema_version})")
    print("\nTables")
    print_table(
        ["name", "rows", "columns", "source"],
        [
            [table["name"], f"{table['rows']:,}", len(table["columns"]), _source_text(table["provenance"])]
            for table in summary.tables
        ],
    )
    print("\nModels")
    print_table(
        ["name", "sha256", "bytes"], [[m["name"], m["sha256"][:12], m["size_bytes"]] for m in summary.models]
    )
    print("\nScore columns")
    print_table(
        ["table", "column", "model", "provider", "rows"],
        [[s["table"], s["column"], _model_text(s), s["provider"], s["rows"]] for s in summary.score_columns],
    )
    print("\nAnalyses")
    print_table(
        ["name", "kind", "candidates", "on front", "rows (--where)"],
        [[a["name"], a["kind"], f"{a['rows']:,}", a["front"], _where_text(a)] for a in summary.analyses],
    )
    print("\nDecisions")
    print_table(
        ["id", "analysis", "candidate", "author", "when", "status"],
        [
            [d.get("id"), d.get("analysis"), d.get("candidate_id"), d.get("author"), d.get("decided_at"),
             _status_text(d)]
            for d in summary.decisions
        ],
    )  # fmt: skip


def _where_text(analysis: dict[str, Any]) -> str:
    where = (analysis.get("inputs") or {}).get("where")
    if not where:
        return "all"
    return f"{where['rows']:,} of {where['total']:,} where {where['expression']}"


def _status_text(decision: dict[str, object]) -> str:
    status = str(decision.get("status") or "current")
    if status == "superseded":
        return f"superseded by {decision.get('superseded_by')}"
    if status == "withdrawn":
        return f"withdrawn: {decision.get('status_reason')}"
    return status


def _model_text(score: dict[str, object]) -> str:
    """A score column's model, marked when that model has since been removed from the project."""
    return f"{score['model']}" + ("" if score.get("model_in_project", True) else " (removed)")


def _source_text(provenance: dict[str, object] | None) -> str:
    if not provenance:
        return "(created in the project)"
    sources = provenance["sources"]
    assert isinstance(sources, list)
    first = Path(str(sources[0]["path"])).name
    return first if len(sources) == 1 else f"{first} + {len(sources) - 1} more"


def audit(args: argparse.Namespace) -> None:
    """``audit PROJECT``."""
    with opened_project(args) as project:
        trail = workflows.audit_trail(project)
    if args.json:
        print_json([asdict(entry) for entry in trail])
        return
    print_table(
        ["#", "when", "who", "action", "subject", "input sha256"],
        [[e.seq, e.logged_at, e.username, e.action, e.subject, (e.input_sha256 or "")[:12]] for e in trail],
    )
