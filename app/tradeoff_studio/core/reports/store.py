"""Saved reports, versioned: each save is a new ``_ts.reports`` row (id, version) with its model JSON.

A report keeps its id across saves; the version counts up from 1. Each save writes the model's
digest and author and an audit entry (action ``"report"``, output hash = the digest) in one
transaction. :func:`refresh_report` rebuilds a saved report from the project, keeping every text a
person edited (:func:`.model.keep_edits`), so the editor can show the data's latest state.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .. import audit
from ..errors import NotFoundError
from ..project import Project
from ..schema import CATALOG_SCHEMA
from .build import build_report
from .model import Report, keep_edits, report_from_dict
from .verify import report_digest

_SELECT = (
    f"SELECT id, version, title, decisions, digest, author, saved_at::VARCHAR FROM {CATALOG_SCHEMA}.reports"
)


@dataclass(frozen=True)
class SavedReport:
    """One saved version of a report."""

    id: str
    version: int
    title: str
    decisions: list[str]
    digest: str
    author: str
    saved_at: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "decisions": self.decisions,
            "digest": self.digest,
            "author": self.author,
            "saved_at": self.saved_at,
        }


def _saved(row: tuple[Any, ...]) -> SavedReport:
    return SavedReport(row[0], int(row[1]), row[2], json.loads(row[3]), row[4], row[5], row[6])


def save_report(project: Project, report: Report, report_id: str | None = None) -> SavedReport:
    """Save ``report`` as the next version of ``report_id`` (a new report when None), audited."""
    text = json.dumps(report.to_dict(), ensure_ascii=False, allow_nan=False)
    digest = report_digest(report)
    with project.transaction() as con:
        if report_id is None:
            report_id, version = uuid.uuid4().hex[:12], 1
        else:
            version = _latest(project, report_id).version + 1
        con.execute(
            f"INSERT INTO {CATALOG_SCHEMA}.reports VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                report_id,
                version,
                report.evaluation.title.text,
                json.dumps(report.decision_ids),
                text,
                digest,
                audit.current_user(),
                datetime.now(UTC),
            ],
        )
        audit.record(
            con,
            action="report",
            subject=report_id,
            output_sha256=digest,
            details={
                "version": version,
                "decisions": report.decision_ids,
                "title": report.evaluation.title.text,
            },
        )
    return _latest(project, report_id)


def list_reports(project: Project) -> list[SavedReport]:
    """The latest version of every saved report, oldest report first."""
    rows = project.con.execute(
        f"{_SELECT} r WHERE version = (SELECT max(version) FROM {CATALOG_SCHEMA}.reports WHERE id = r.id) "
        "ORDER BY saved_at, id"
    ).fetchall()
    return [_saved(row) for row in rows]


def report_versions(project: Project, report_id: str) -> list[SavedReport]:
    """Every version of one report, first to latest; :class:`NotFoundError` for an unknown id."""
    rows = project.con.execute(f"{_SELECT} WHERE id = ? ORDER BY version", [report_id]).fetchall()
    if not rows:
        raise NotFoundError(_unknown(project, report_id))
    return [_saved(row) for row in rows]


def _latest(project: Project, report_id: str) -> SavedReport:
    return report_versions(project, report_id)[-1]


def _unknown(project: Project, report_id: str) -> str:
    ids = ", ".join(saved.id for saved in list_reports(project)) or "(none yet)"
    return f"The project has no saved report '{report_id}'. Its reports: {ids}."


def load_report(project: Project, report_id: str, version: int | None = None) -> tuple[SavedReport, Report]:
    """A saved report (its latest version unless ``version``) and its model."""
    versions = {saved.version: saved for saved in report_versions(project, report_id)}
    chosen = max(versions) if version is None else version
    if chosen not in versions:
        raise NotFoundError(
            f"Report {report_id} has no version {version}; it has versions 1 to {max(versions)}."
        )
    row = project.con.execute(
        f"SELECT model FROM {CATALOG_SCHEMA}.reports WHERE id = ? AND version = ?", [report_id, chosen]
    ).fetchone()
    assert row is not None
    return versions[chosen], report_from_dict(json.loads(row[0]))


def refresh_report(project: Project, report_id: str) -> Report:
    """The saved report rebuilt from the project's current state, with every person-edited text kept."""
    _, saved = load_report(project, report_id)
    rebuilt = build_report(project, saved.decision_ids)
    rebuilt.evaluation.method, rebuilt.evaluation.iteration = (
        saved.evaluation.method,
        saved.evaluation.iteration,
    )
    return report_from_dict(keep_edits(rebuilt.to_dict(), saved.to_dict()))
