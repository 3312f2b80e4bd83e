"""Exploration trails: the navigation steps taken on an analysis's front (``navigate``).

A trail is a named sequence of steps on one analysis (default name ``main``). Each step is
stored with what was asked and what the front answered (:class:`.navigate.Step`), and audited
(action ``"explore"``). A trail is never a decision: it records how the analyst searched, so
the workspace and a report can show the path; ``decide`` records the choice.

Continuing a trail starts from its last projection (for a classification), unless another
candidate is given.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from .. import audit
from ..analyses import store
from ..project import Project
from ..schema import CATALOG_SCHEMA
from .navigate import Classification, Step, classify, navigate
from .preferences import DecisionError

DEFAULT_TRAIL = "main"


@dataclass(frozen=True)
class ExplorationStep:
    """One stored step of a trail."""

    analysis: str
    trail: str
    step: int
    created_at: str
    author: str
    details: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"analysis": self.analysis, "trail": self.trail, "step": self.step,
                "created_at": self.created_at, "author": self.author, **self.details}  # fmt: skip


def list_steps(project: Project, analysis: str, trail: str | None = None) -> list[ExplorationStep]:
    """The steps on ``analysis`` (of one trail when given), trail by trail, in order."""
    store.get_analysis(project, analysis)
    sql = (
        "SELECT analysis, trail, step, created_at::VARCHAR, author, details "
        f"FROM {CATALOG_SCHEMA}.explorations WHERE analysis = ? AND (? IS NULL OR trail = ?) "
        "ORDER BY trail, step"
    )
    rows = project.con.execute(sql, [analysis, trail, trail]).fetchall()
    return [ExplorationStep(r[0], r[1], int(r[2]), r[3], r[4], json.loads(r[5])) for r in rows]


def explore(
    project: Project,
    analysis: str,
    *,
    reference: dict[str, float] | None = None,
    classification: list[Classification] | None = None,
    start: str | None = None,
    weights: dict[str, float] | None = None,
    trail: str = DEFAULT_TRAIL,
) -> ExplorationStep:
    """Take one navigation step on ``analysis`` and append it to ``trail`` (audited, not a decision).

    Give a ``reference`` point, or a NIMBUS ``classification`` from ``start`` (default: the
    trail's last projection). Raises :class:`DecisionError` when neither or both are given, or
    a classification has no candidate to start from.
    """
    if (reference is None) == (not classification):
        raise DecisionError(
            "Give a reference point (--reference M=V,...) or a classification (--improve/--keep/--worsen/"
            "--free), not both and not neither."
        )
    if not trail.strip():
        raise DecisionError("A trail name cannot be empty.")
    table = store.load_analysis(project, analysis)
    steps = list_steps(project, analysis, trail)
    bounds: dict[str, float] = {}
    if classification:
        start = start or (steps[-1].details["candidate_id"] if steps else None)
        if start is None:
            raise DecisionError(
                "A classification starts from a candidate: give --from ID, or take a --reference step first."
            )
        reference, bounds = classify(table, start, classification)
    assert reference is not None
    result: Step = navigate(table, reference, bounds=bounds, weights=weights)
    result = replace(result, classification=[item.text() for item in classification or []], start=start)
    return _append(project, analysis, (trail, len(steps) + 1), result, weights or {})


def _append(
    project: Project, analysis: str, where: tuple[str, int], result: Step, weights: dict[str, float]
) -> ExplorationStep:
    """Store ``result`` as step ``where = (trail, number)``, audited, and return it as stored."""
    trail, number = where
    details = result.to_dict() | {"weights": dict(weights)}
    author, now = audit.current_user(), datetime.now(UTC)
    with project.transaction() as con:
        con.execute(
            f"INSERT INTO {CATALOG_SCHEMA}.explorations VALUES (?, ?, ?, ?, ?, ?)",
            [analysis, trail, number, now, author, json.dumps(details)],
        )
        audit.record(
            con, action="explore", subject=analysis,
            details={"trail": trail, "step": number, "candidate_id": result.candidate_id,
                     "reference": result.reference, "classification": result.classification},
        )  # fmt: skip
    return list_steps(project, analysis, trail)[-1]


def remove_last_step(project: Project, analysis: str, trail: str = DEFAULT_TRAIL) -> ExplorationStep:
    """Take back the last step of ``trail`` (the workspace's Undo), audited; return the removed step.

    A trail records a search, not a choice, so a step taken back leaves the trail; the audit log
    keeps both the step and its removal. Raises :class:`DecisionError` when the trail is empty.
    """
    steps = list_steps(project, analysis, trail)
    if not steps:
        raise DecisionError(f"Trail {trail!r} on analysis {analysis!r} has no step to take back.")
    last = steps[-1]
    with project.transaction() as con:
        con.execute(
            f"DELETE FROM {CATALOG_SCHEMA}.explorations WHERE analysis = ? AND trail = ? AND step = ?",
            [analysis, trail, last.step],
        )
        details = {"trail": trail, "step": last.step, "removed": True}
        details |= {key: last.details.get(key) for key in ("candidate_id", "reference")}
        audit.record(con, action="explore", subject=analysis, details=details)
    return last
