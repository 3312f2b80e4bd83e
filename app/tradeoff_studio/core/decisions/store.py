"""Stored decisions: one ``_ts.decisions`` row each, written with its audit entry.

The ``preferences`` JSON holds the method (``"manual"`` for a candidate picked by id), weights,
reference point and constraints, plus an ``evidence`` snapshot (the chosen candidate's row,
binding constraints, trade-off rates, sensitivity and risks as shown when deciding), so a
report can cite exactly what the analyst saw. The audit entry (action ``"decision"``) carries
the analysis's candidates hash as input and the hash of the stored preferences JSON as output.

Every decision has a status: ``current`` when recorded; ``superseded`` once a later decision on
the same analysis replaces it (``decide … --supersedes ID``); ``withdrawn`` when the analyst
takes it back with a reason. Only a current decision can be superseded or withdrawn; each
change is audited (``"supersede-decision"`` beside the new ``"decision"``, ``"withdraw-decision"``).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb

from .. import audit
from ..analyses.store import AnalysisRecord
from ..errors import NotFoundError
from ..project import Project
from ..schema import CATALOG_SCHEMA
from .evidence import Evidence
from .preferences import DecisionError, Preferences

_SELECT = (
    f"SELECT id, analysis, candidate_id, preferences, rationale, author, decided_at::VARCHAR, "
    f"coalesce(status, 'current'), supersedes, superseded_by, status_reason, status_changed_at::VARCHAR "
    f"FROM {CATALOG_SCHEMA}.decisions"
)
STATUSES = ("current", "superseded", "withdrawn")


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
    status: str = "current"
    supersedes: str | None = None  # the decision this one replaced
    superseded_by: str | None = None  # the decision that replaced this one
    status_reason: str | None = None  # why it was withdrawn
    status_changed_at: str | None = None

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
            "status": self.status,
            "supersedes": self.supersedes,
            "superseded_by": self.superseded_by,
            "status_reason": self.status_reason,
            "status_changed_at": self.status_changed_at,
        }

    def status_text(self) -> str:
        """``current``, ``superseded by ID`` or ``withdrawn: REASON``."""
        if self.status == "superseded":
            return f"superseded by {self.superseded_by}"
        if self.status == "withdrawn":
            return f"withdrawn: {self.status_reason}"
        return self.status


def store_decision(
    project: Project,
    analysis: AnalysisRecord,
    prefs: Preferences,
    evidence: Evidence,
    rationale: str,
    *,
    supersedes: str | None = None,
) -> DecisionRecord:
    """Record the decision and its audit entry in one transaction; returns the stored record.

    With ``supersedes``, that current decision on the same analysis becomes ``superseded`` by
    this one in the same transaction (any other is refused, and nothing is written).
    """
    if not rationale.strip():
        raise DecisionError("Give a rationale: say in a sentence why this candidate (--rationale TEXT).")
    stored = prefs.to_dict() | {"method": evidence.recommendation.method, "evidence": evidence.to_dict()}
    text = json.dumps(stored, ensure_ascii=False)
    decision_id = uuid.uuid4().hex[:12]
    details = {"decision": decision_id, "candidate_id": evidence.candidate_id, "method": stored["method"],
               "constraints": [str(c) for c in prefs.constraints]}  # fmt: skip
    with project.transaction() as con:
        if supersedes is not None:
            old = _check_supersedable(project, supersedes, analysis.name)
            details["supersedes"] = supersedes
        con.execute(
            f"INSERT INTO {CATALOG_SCHEMA}.decisions (id, analysis, candidate_id, preferences, rationale, "
            "author, decided_at, status, supersedes) VALUES (?, ?, ?, ?, ?, ?, ?, 'current', ?)",
            [decision_id, analysis.name, evidence.candidate_id, text, rationale.strip(), audit.current_user(),
             datetime.now(UTC), supersedes],
        )  # fmt: skip
        if supersedes is not None:
            _mark_superseded(con, old, decision_id)
        audit.record(
            con,
            action="decision",
            subject=f"{analysis.name}:{evidence.candidate_id}",
            details=details,
            input_sha256=analysis.sha256,
            output_sha256=hashlib.sha256(text.encode()).hexdigest(),
        )  # fmt: skip
    return _one(project, decision_id)


def _mark_superseded(con: duckdb.DuckDBPyConnection, old: DecisionRecord, new_id: str) -> None:
    """Inside the deciding transaction: ``old`` is superseded by ``new_id``, audited."""
    con.execute(
        f"UPDATE {CATALOG_SCHEMA}.decisions SET status = 'superseded', superseded_by = ?, "
        "status_changed_at = ? WHERE id = ?",
        [new_id, datetime.now(UTC), old.id],
    )
    audit.record(con, action="supersede-decision", subject=f"{old.analysis}:{old.candidate_id}",
                 details={"decision": old.id, "superseded_by": new_id})  # fmt: skip


def get_decision(project: Project, decision_id: str) -> DecisionRecord:
    """One decision by id, or :class:`NotFoundError` listing the project's decisions."""
    row = project.con.execute(f"{_SELECT} WHERE id = ?", [decision_id]).fetchone()
    if row is None:
        ids = [record.id for record in list_decisions(project)]
        listed = ", ".join(ids[-20:]) or "(none yet)"
        raise NotFoundError(f"The project has no decision '{decision_id}'. Its decisions: {listed}.")
    return _record(row)


def _check_supersedable(project: Project, decision_id: str, analysis: str) -> DecisionRecord:
    """The current decision ``decision_id`` on ``analysis``, or a refusal saying why not."""
    old = get_decision(project, decision_id)
    if old.analysis != analysis:
        raise DecisionError(
            f"Decision {decision_id} is on analysis '{old.analysis}', not '{analysis}': a decision can only "
            "supersede one on the same analysis. Withdraw it instead "
            f"(decisions withdraw PROJECT {decision_id} --reason TEXT)."
        )
    _require_current(old, "superseded")
    return old


def _require_current(record: DecisionRecord, verb: str) -> None:
    if record.status == "withdrawn":
        raise DecisionError(
            f"Decision {record.id} was withdrawn ({record.status_reason}); "
            f"a withdrawn decision cannot be {verb}."
        )
    if record.status == "superseded":
        raise DecisionError(
            f"Decision {record.id} is already superseded by {record.superseded_by}; it cannot be {verb}. "
            f"Refer to the current decision {record.superseded_by} instead."
        )


def withdraw_decision(project: Project, decision_id: str, reason: str) -> DecisionRecord:
    """Mark current decision ``decision_id`` withdrawn with ``reason``, audited; returns the record."""
    if not reason.strip():
        raise DecisionError("Give a reason: say in a sentence why the decision is withdrawn (--reason TEXT).")
    with project.transaction() as con:
        record = get_decision(project, decision_id)
        _require_current(record, "withdrawn")
        con.execute(
            f"UPDATE {CATALOG_SCHEMA}.decisions SET status = 'withdrawn', status_reason = ?, "
            "status_changed_at = ? WHERE id = ?",
            [reason.strip(), datetime.now(UTC), decision_id],
        )
        audit.record(
            con,
            action="withdraw-decision",
            subject=f"{record.analysis}:{record.candidate_id}",
            details={"decision": decision_id, "reason": reason.strip()},
        )
    return _one(project, decision_id)


def _one(project: Project, decision_id: str) -> DecisionRecord:
    row = project.con.execute(f"{_SELECT} WHERE id = ?", [decision_id]).fetchone()
    assert row is not None, decision_id
    return _record(row)


def _record(row: tuple[Any, ...]) -> DecisionRecord:
    return DecisionRecord(row[0], row[1], row[2], json.loads(row[3]), *row[4:12])


def list_decisions(project: Project, analysis: str | None = None) -> list[DecisionRecord]:
    """Recorded decisions, oldest first; only those on ``analysis`` when it is given."""
    if analysis is None:
        rows = project.con.execute(f"{_SELECT} ORDER BY decided_at, id").fetchall()
    else:
        rows = project.con.execute(
            f"{_SELECT} WHERE analysis = ? ORDER BY decided_at, id", [analysis]
        ).fetchall()
    return [_record(row) for row in rows]
