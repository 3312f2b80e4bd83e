"""One function per user action (house rule 2). The CLI and the desktop app both call these.

Each takes an open :class:`~tradeoff_studio.core.project.Project` (the caller owns opening and
closing it), does its work atomically, and returns plain records with ``to_dict()``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from .analysis_workflows import (
    analyze,
    analyze_fairness,
    analyze_generic,
    decide,
    evaluate_decision,
    export_candidates,
    get_candidates,
    list_analyses,
    list_decisions,
)
from .audit import AuditEntry, entries
from .data import roles as column_roles
from .data.importer import DatasetRecord, import_files, list_datasets
from .data.options import ReadOptions
from .data.roles import ColumnRole, RolesChange
from .decisions import store as decision_store
from .decisions.store import DecisionRecord
from .encryption import decrypt_project, encrypt_project, save_copy
from .export import ExportRecord
from .inference import registry, runner
from .jobs import CancelToken, Progress, no_progress
from .project import Project, create_project, open_project
from .schema import CATALOG_SCHEMA

__all__ = [
    "ProjectInfo",
    "add_model",
    "analysis_defaults",
    "analyze",
    "analyze_fairness",
    "analyze_generic",
    "audit_trail",
    "create_project",
    "decide",
    "decrypt",
    "encrypt",
    "evaluate_decision",
    "export_candidates",
    "export_table",
    "get_candidates",
    "get_roles",
    "import_data",
    "inspect_model",
    "list_analyses",
    "list_decisions",
    "list_models",
    "open_project",
    "project_info",
    "replace_roles",
    "roles_defaults",
    "save_as",
    "score",
    "set_roles",
    "withdraw_decision",
]


def import_data(
    project: Project,
    paths: list[Path],
    *,
    table: str | None = None,
    options: ReadOptions | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    replace: bool = False,
) -> list[DatasetRecord]:
    """Import files or folders into tables (one per file, or all into ``table``); ``replace`` swaps
    out a table of the same name in the same transaction."""
    return import_files(
        project,
        paths,
        table=table,
        options=options,
        progress=progress,
        cancel=cancel,
        replace_existing=replace,
    )


def remove_table(project: Project, name: str) -> dict[str, Any]:
    """Remove an imported table with its provenance and score-column records (audited)."""
    from .data.tables import remove_table as remove

    return remove(project, name)


def export_table(project: Project, table: str, path: Path, *, raw: bool = False) -> ExportRecord:
    """Write a table to ``.csv``, ``.parquet`` or ``.xlsx``: spreadsheet formulas neutralised unless
    ``raw``, DECIMAL exact, BLOB as hex text in CSV/XLSX, written atomically; audited."""
    from .export import export_table as write

    return write(project, table, path, raw=raw)


def add_model(project: Project, path: Path, *, name: str | None = None) -> registry.ModelRecord:
    """Validate an ONNX file and copy it into the project."""
    return registry.add_model(project, path, name=name)


def list_models(project: Project) -> list[registry.ModelRecord]:
    """The project's models, by name."""
    return registry.list_models(project)


def inspect_model(project: Project, name: str) -> registry.ModelRecord:
    """One model with its manifest."""
    return registry.get_model(project, name)


def remove_model(project: Project, name: str) -> registry.RemovedModel:
    """Remove a model; the score columns it made stay, with their provenance (see registry)."""
    return registry.remove_model(project, name)


def model_digests(project: Project, name: str) -> tuple[str, str]:
    """A model's recorded SHA-256 and that of its stored bytes now (equal unless tampered with)."""
    return registry.stored_digest(project, name)


def model_warnings(record: registry.ModelRecord) -> list[str]:
    """What scoring with this model will need to be told (--map, --model-output, --class-label)."""
    from .inference.scorable import scoring_warnings

    return scoring_warnings(record.manifest, record.name)


def score(
    project: Project,
    *,
    model: str,
    table: str,
    output_column: str | None = None,
    provider: str = "auto",
    mapping_overrides: dict[str, str] | None = None,
    model_output: str | None = None,
    class_index: int | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    class_label: str | None = None,
) -> runner.ScoreRecord:
    """Score every row of ``table`` with ``model`` into a new column."""
    return runner.score_table(
        project,
        model=model,
        table=table,
        output_column=output_column,
        provider=provider,
        mapping_overrides=mapping_overrides,
        output_name=model_output,
        class_index=class_index,
        progress=progress,
        cancel=cancel,
        class_label=class_label,
    )


def encrypt(
    project: Project, *, progress: Progress = no_progress, cancel: CancelToken | None = None
) -> bytes:
    """Encrypt the project's file with a new key (kept in the keyring when there is one).

    The project is closed afterwards; reopen it to go on working. Cancelled, nothing changes.
    """
    return encrypt_project(project, progress=progress, cancel=cancel)


def decrypt(project: Project, *, progress: Progress = no_progress, cancel: CancelToken | None = None) -> None:
    """Write the project's file back unencrypted and forget its key. The project is closed.

    Cancelled, nothing changes and the project stays open.
    """
    decrypt_project(project, progress=progress, cancel=cancel)


def save_as(
    project: Project, target: Path, *, progress: Progress = no_progress, cancel: CancelToken | None = None
) -> Path:
    """Write a copy of the project to ``target`` (encrypted with the same key if the project is);
    returns the copy's path. The project is unchanged; an existing ``target`` is refused."""
    return save_copy(project, target, progress=progress, cancel=cancel)


def get_roles(project: Project, table: str) -> list[ColumnRole]:
    """The roles set on a table's columns (label, weight, sensitive…), in column order."""
    return column_roles.get_roles(project, table)


def set_roles(
    project: Project, table: str, *, set_: dict[str, tuple[str, str | None]], clear: list[str]
) -> RolesChange:
    """Clear the ``clear`` columns' roles and give each ``set_`` column (role, value): one audited change.

    A one-column role given to a new column moves there; anything refused changes nothing.
    """
    return column_roles.change_roles(project, table, set_=set_, clear=clear)


def replace_roles(project: Project, table: str, wanted: list[ColumnRole]) -> RolesChange:
    """Make ``wanted`` the table's whole set of roles (the data view's undo and redo); audited."""
    return column_roles.apply_roles(project, table, wanted)


def roles_defaults(project: Project, table: str) -> dict[str, Any]:
    """Role → column(s) set on ``table`` (and ``favourable``): defaults for analysis forms and the CLI."""
    return column_roles.roles_defaults(project, table)


def analysis_defaults(project: Project, kind: str, table: str) -> dict[str, Any]:
    """Parameter values of analysis ``kind`` that ``table``'s column roles give (label, sensitive
    attributes, scores, weight, item, system, cost…): what a setup form pre-fills, or the CLI uses for
    options left out."""
    from .analyses.kinds import kind as analysis_kind
    from .data.role_defaults import parameter_defaults

    return parameter_defaults(analysis_kind(kind), column_roles.roles_defaults(project, table))


def withdraw_decision(project: Project, decision_id: str, reason: str) -> DecisionRecord:
    """Withdraw a current decision, saying why; audited. Superseded or withdrawn ones are refused."""
    return decision_store.withdraw_decision(project, decision_id, reason)


def audit_trail(project: Project) -> list[AuditEntry]:
    """Every audited action, oldest first."""
    return entries(project.con)


@dataclass(frozen=True)
class ProjectInfo:
    """What a project holds: tables with provenance, models with hashes, score columns."""

    path: str
    project_id: str
    schema_version: int
    app_version: str
    tables: list[dict[str, Any]]
    models: list[dict[str, Any]]
    score_columns: list[dict[str, Any]]
    analyses: list[dict[str, Any]]
    decisions: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (what ``tradeoff-studio info --json`` prints)."""
        return {
            "path": self.path,
            "project_id": self.project_id,
            "schema_version": self.schema_version,
            "app_version": self.app_version,
            "tables": self.tables,
            "models": self.models,
            "score_columns": self.score_columns,
            "analyses": self.analyses,
            "decisions": self.decisions,
        }


def project_info(project: Project) -> ProjectInfo:
    """A summary of the project for ``info`` and the app's project panel."""
    provenance = {record.table_name: record for record in list_datasets(project)}
    scores = _score_columns(project)
    tables = []
    for name in project.tables():
        record = provenance.get(name)
        tables.append(
            {
                "name": name,
                "rows": project.row_count(name),
                "columns": [{"name": column, "type": dtype} for column, dtype in project.columns(name)],
                "provenance": record.to_dict() if record else None,
                "score_columns": [score["column"] for score in scores if score["table"] == name],
            }
        )
    return ProjectInfo(
        path=str(project.path),
        project_id=project.project_id,
        schema_version=project.schema_version,
        app_version=__version__,
        tables=tables,
        models=[model.to_dict() for model in registry.list_models(project)],
        score_columns=scores,
        analyses=[record.to_dict() for record in list_analyses(project)],
        decisions=[record.to_dict() for record in list_decisions(project)],
    )


def _score_columns(project: Project) -> list[dict[str, Any]]:
    rows = project.con.execute(
        f"SELECT table_name, column_name, model_name, model_sha256, model_output, input_mapping, provider, "
        f"row_count, seconds, created_at::VARCHAR FROM {CATALOG_SCHEMA}.score_columns "
        "ORDER BY table_name, column_name"
    ).fetchall()
    keys = (
        "table",
        "column",
        "model",
        "model_sha256",
        "output",
        "input_mapping",
        "provider",
        "rows",
        "seconds",
    )
    models = set(project.con.execute(f"SELECT name, sha256 FROM {CATALOG_SCHEMA}.models").fetchall())
    result = []
    for row in rows:
        item = dict(zip(keys, row[:9], strict=True))
        item["input_mapping"] = json.loads(item["input_mapping"])
        item["created_at"] = row[9]
        item["model_in_project"] = (item["model"], item["model_sha256"]) in models  # False once removed
        result.append(item)
    return result


# Reports (issue #13): build, export, save, load and verify ATRAF trade-off reports (loaded lazily).
if TYPE_CHECKING:
    from .reports.exporting import PdfWriter, ReportExport
    from .reports.model import Report
    from .reports.store import SavedReport
    from .reports.verify import VerifyResult


def build_report(project: Project, decision_ids: list[str]) -> Report:
    """The ATRAF report model on ``decision_ids`` (ids as ``decisions --json`` prints them)."""
    from .reports.build import build_report as build

    return build(project, decision_ids)


def export_report(
    project: Project,
    decision_ids: list[str],
    path: Path,
    *,
    format: str | None = None,
    write_pdf: PdfWriter | None = None,
) -> ReportExport:
    """Write the report on ``decision_ids`` to ``path`` (pdf through ``write_pdf``, md or json), atomically
    and audited; returns a :class:`~.reports.exporting.ReportExport`."""
    from .reports.exporting import export_report as export

    return export(project, decision_ids, path, format=format, write_pdf=write_pdf)


def save_report(project: Project, report: Report, report_id: str | None = None) -> SavedReport:
    """Save ``report`` as a new version of ``report_id`` (a new report when None); audited."""
    from .reports.store import save_report as save

    return save(project, report, report_id)


def list_reports(project: Project) -> list[SavedReport]:
    """The latest version of every saved report."""
    from .reports.store import list_reports as listed

    return listed(project)


def load_report(project: Project, report_id: str, version: int | None = None) -> tuple[SavedReport, Report]:
    """A saved report (latest version unless ``version``): (its SavedReport, its Report model)."""
    from .reports.store import load_report as load

    return load(project, report_id, version)


def refresh_report(project: Project, report_id: str) -> Report:
    """A saved report rebuilt from the project now, keeping every text a person edited."""
    from .reports.store import refresh_report as refresh

    return refresh(project, report_id)


def verify_report(project: Project, path: Path) -> VerifyResult:
    """Whether the report file at ``path`` (PDF, Markdown or JSON) still matches the project; what changed."""
    from .reports.verify import verify_file

    return verify_file(project, path)
