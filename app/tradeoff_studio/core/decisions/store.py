"""Stored decisions: one ``_ts.decisions`` row each, written with its audit entry.

The ``preferences`` JSON holds the method (``"manual"`` for a candidate picked by id), weights,
reference point and constraints, plus an ``evidence`` snapshot (the chosen candidate's row,
binding constraints, trade-off rates, sensitivity and risks as shown when deciding), so a
report can cite exactly what the analyst saw. The audit entry (action ``"decision"``) carries
the analysis's candidates hash as input and the hash of the stored preferences JSON as output.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .. import audit
from ..analyses.store import AnalysisRecord
from ..project import Project
from ..schema import CATALOG_SCHEMA
from .evidence import Evidence
from .preferences import DecisionError, Preferences

_SELECT = (
    f"SELECT id, analysis, candidate_id, preferences, rationale, author, decided_at::VARCHAR "
    f"FROM {CATALOG_SCHEMA}.decisions"
)


@dataclass(frozen=True)
class DecisionRecord:
    """One recorded decision."""

    id: str
    analysis: str
    candidate_id: str
    preferences: dict[str, Any]
    rationale: str
    author: str
    decided_at: str

    @property
    def evidence(self) -> dict[str, Any]:
        """The evidence snapshot stored with the decision."""
        return dict(self.preferences["evidence"])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "analysis": self.analysis,
            "candidate_id": self.candidate_id,
            "preferences": {key: value for key, value in self.preferences.items() if key != "evidence"},
            "evidence": self.evidence,
            "rationale": self.rationale,
            "author": self.author,
            "decided_at": self.decided_at,
        }


def store_decision(
    project: Project, analysis: AnalysisRecord, prefs: Preferences, evidence: Evidence, rationale: str
) -> DecisionRecord:
    """Record the decision and its audit entry in one transaction; returns the stored record."""
    if not rationale.strip():
        raise DecisionError("Give a rationale: say in a sentence why this candidate (--rationale TEXT).")
    stored = prefs.to_dict() | {"method": evidence.recommendation.method, "evidence": evidence.to_dict()}
    text = json.dumps(stored, ensure_ascii=False)
    decision_id = uuid.uuid4().hex[:12]
    details = {"decision": decision_id, "candidate_id": evidence.candidate_id, "method": stored["method"],
               "constraints": [str(c) for c in prefs.constraints]}  # fmt: skip
    with project.transaction() as con:
        con.execute(
            f"INSERT INTO {CATALOG_SCHEMA}.decisions VALUES (?, ?, ?, ?, ?, ?, ?)",
            [decision_id, analysis.name, evidence.candidate_id, text, rationale.strip(), audit.current_user(),
             datetime.now(UTC)],
        )  # fmt: skip
        audit.record(
            con,
            action="decision",
            subject=f"{analysis.name}:{evidence.candidate_id}",
            details=details,
            input_sha256=analysis.sha256,
            output_sha256=hashlib.sha256(text.encode()).hexdigest(),
        )  # fmt: skip
    return _one(project, decision_id)


def _one(project: Project, decision_id: str) -> DecisionRecord:
    row = project.con.execute(f"{_SELECT} WHERE id = ?", [decision_id]).fetchone()
    assert row is not None, decision_id
    return _record(row)


def _record(row: tuple[Any, ...]) -> DecisionRecord:
    return DecisionRecord(row[0], row[1], row[2], json.loads(row[3]), row[4], row[5], row[6])


def list_decisions(project: Project, analysis: str | None = None) -> list[DecisionRecord]:
    """Recorded decisions, oldest first; only those on ``analysis`` when it is given."""
    if analysis is None:
        rows = project.con.execute(f"{_SELECT} ORDER BY decided_at, id").fetchall()
    else:
        rows = project.con.execute(
            f"{_SELECT} WHERE analysis = ? ORDER BY decided_at, id", [analysis]
        ).fetchall()
    return [_record(row) for row in rows]
