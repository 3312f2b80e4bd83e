"""Decisions through the workflows: stored with evidence and audit, listed, surviving reopening."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradeoff_studio.core import analysis_workflows as flows
from tradeoff_studio.core import audit
from tradeoff_studio.core.analyses.candidates import Objective
from tradeoff_studio.core.analyses.generic import GenericSpec
from tradeoff_studio.core.decisions.preferences import Constraint, DecisionError, Preferences
from tradeoff_studio.core.errors import NotFoundError
from tradeoff_studio.core.project import Project, create_project, open_project


def add_grid(project: Project) -> None:
    """lr and gbm at thresholds 0.1…0.9, with intervals on accuracy, gap and ratio."""
    rows: list[dict[str, object]] = []
    for model, base, slope in (("lr", 0.9, 0.2), ("gbm", 0.85, 0.1)):
        for t in np.round(np.arange(0.1, 0.91, 0.1), 2):
            acc, gap = base - (t - 0.5) ** 2, slope * t
            row = {"model": model, "threshold": t}
            for metric, value, half in (
                ("accuracy", acc, 0.02),
                ("gap", gap, 0.01),
                ("ratio", 1 - gap, 0.05),
            ):
                row |= {metric: value, f"{metric}_lo": value - half, f"{metric}_hi": value + half}
            rows.append(row)
    project.con.register("incoming", pd.DataFrame(rows))
    project.con.execute("CREATE TABLE grid AS SELECT * FROM incoming")
    project.con.unregister("incoming")


SPEC = GenericSpec("grid", [Objective("accuracy", "max"), Objective("gap", "min")])


def test_decision_is_stored_audited_and_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "p.tsproj"
    with create_project(path) as project:
        add_grid(project)
        analysis = flows.analyze_generic(project, SPEC)
        prefs = Preferences(constraints=(Constraint.parse("ratio>=0.92@95"),))
        decision = flows.decide(project, analysis.name, rationale="  Fair enough.  ", preferences=prefs)
    with open_project(path) as project:
        [stored] = flows.list_decisions(project)
        assert stored == decision
        assert stored.analysis == "generic-grid" and stored.rationale == "Fair enough."
        assert stored.author == audit.current_user()
        assert stored.preferences["method"] == "tchebycheff"
        assert stored.preferences["constraints"][0]["text"] == "ratio>=0.92@95"
        evidence = stored.evidence
        assert evidence["candidate"]["candidate_id"] == stored.candidate_id
        assert evidence["recommendation"]["binding"][0]["constraint"] == "ratio>=0.92@95"
        assert {item["knob"] for item in evidence["sensitivity"]} == {"threshold"}
        assert evidence["tradeoffs"][0]["text"].startswith("giving up 1 pp of accuracy lowers gap by")
        [entry] = [e for e in audit.entries(project.con) if e.action == "decision"]
        assert entry.subject == f"generic-grid:{stored.candidate_id}"
        assert entry.input_sha256 == analysis.sha256
        assert entry.details["decision"] == stored.id


def test_manual_decision_and_listing_by_analysis(project: Project) -> None:
    add_grid(project)
    first = flows.analyze_generic(project, SPEC)
    second = flows.analyze_generic(project, SPEC)
    assert second.name == "generic-grid-2"
    flows.decide(project, first.name, rationale="a", candidate_id="3")
    flows.decide(project, second.name, rationale="b", preferences=Preferences(method="weighted-sum"))
    manual = flows.list_decisions(project, first.name)
    assert [(d.candidate_id, d.preferences["method"]) for d in manual] == [("3", "manual")]
    assert len(flows.list_decisions(project)) == 2
    with pytest.raises(NotFoundError, match="no analysis 'zzz'"):
        flows.list_decisions(project, "zzz")


def test_refusals_write_nothing(project: Project) -> None:
    add_grid(project)
    analysis = flows.analyze_generic(project, SPEC)
    cases = [
        ({"rationale": " "}, DecisionError, "Give a rationale"),
        ({"rationale": "x", "candidate_id": "99"}, DecisionError, "no candidate '99'"),
        (
            {"rationale": "x", "preferences": Preferences(constraints=(Constraint.parse("ratio>=2"),))},
            DecisionError,
            "No candidate meets every constraint",
        ),
    ]
    for kwargs, error, message in cases:
        with pytest.raises(error, match=message):
            flows.decide(project, analysis.name, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(NotFoundError, match="no analysis 'missing'"):
        flows.decide(project, "missing", rationale="x")
    assert flows.list_decisions(project) == []
    assert [e.action for e in audit.entries(project.con)] == ["analysis"]


def test_preview_does_not_store(project: Project) -> None:
    add_grid(project)
    analysis = flows.analyze_generic(project, SPEC)
    evidence = flows.evaluate_decision(project, analysis.name, Preferences(weights={"gap": 0.1}))
    assert evidence.candidate_id == evidence.recommendation.candidate_id
    assert flows.list_decisions(project) == []


# Issue 15, observation 11: a decision can be superseded or withdrawn, and says which holds.


def decisions_state(project: Project) -> object:
    """The decisions catalog and the audit trail: what a refused lifecycle command must not change."""
    return (
        project.con.execute(
            "SELECT * EXCLUDE (decided_at, status_changed_at) FROM _ts.decisions ORDER BY id"
        ).fetchall(),
        project.con.execute("SELECT count(*) FROM _ts.audit").fetchone(),
    )


@pytest.fixture
def two_analyses(project: Project) -> Project:
    add_grid(project)
    flows.analyze_generic(project, SPEC, name="a")
    flows.analyze_generic(project, SPEC, name="b")
    return project


def test_new_decisions_are_current(two_analyses: Project) -> None:
    record = flows.decide(two_analyses, "a", rationale="first", candidate_id="3")
    assert (record.status, record.supersedes, record.superseded_by) == ("current", None, None)
    assert record.to_dict()["status"] == "current" and record.status_text() == "current"


def test_superseding_marks_the_old_decision_and_audits_both(two_analyses: Project) -> None:
    old = flows.decide(two_analyses, "a", rationale="first", candidate_id="3")
    new = flows.decide(two_analyses, "a", rationale="better", candidate_id="4", supersedes=old.id)
    by_id = {record.id: record for record in flows.list_decisions(two_analyses)}
    assert by_id[old.id].status == "superseded" and by_id[old.id].superseded_by == new.id
    assert by_id[old.id].status_text() == f"superseded by {new.id}" and by_id[old.id].status_changed_at
    assert by_id[new.id].status == "current" and by_id[new.id].supersedes == old.id
    trail = audit.entries(two_analyses.con)
    assert [e.action for e in trail[-2:]] == ["supersede-decision", "decision"]
    assert trail[-2].details == {"decision": old.id, "superseded_by": new.id}
    assert trail[-1].details["supersedes"] == old.id


def test_withdrawing_records_the_reason(two_analyses: Project) -> None:
    from tradeoff_studio.core import workflows

    record = flows.decide(two_analyses, "a", rationale="first", candidate_id="3")
    withdrawn = workflows.withdraw_decision(two_analyses, record.id, "  the data had a leak  ")
    assert (withdrawn.status, withdrawn.status_reason) == ("withdrawn", "the data had a leak")
    assert withdrawn.status_text() == "withdrawn: the data had a leak"
    entry = audit.entries(two_analyses.con)[-1]
    assert entry.action == "withdraw-decision" and entry.details == {
        "decision": record.id,
        "reason": "the data had a leak",
    }
    assert workflows.project_info(two_analyses).decisions[0]["status"] == "withdrawn"


def refusals(project: Project) -> dict[str, tuple[Callable[[], object], type[Exception], str]]:
    from tradeoff_studio.core import workflows

    on_a = flows.decide(project, "a", rationale="first", candidate_id="3")
    on_b = flows.decide(project, "b", rationale="other", candidate_id="3")
    replaced = flows.decide(project, "a", rationale="old", candidate_id="5")
    flows.decide(project, "a", rationale="newer", candidate_id="6", supersedes=replaced.id)
    gone = flows.decide(project, "b", rationale="gone", candidate_id="7")
    workflows.withdraw_decision(project, gone.id, "mistake")

    def supersede(target: str, analysis: str = "a") -> Callable[[], object]:
        return lambda: flows.decide(project, analysis, rationale="x", candidate_id="2", supersedes=target)

    return {
        "other_analysis": (supersede(on_b.id), DecisionError, "is on analysis 'b', not 'a'"),
        "withdrawn": (supersede(gone.id, "b"), DecisionError, "a withdrawn decision cannot be superseded"),
        "already_superseded": (supersede(replaced.id), DecisionError, "already superseded by"),
        "unknown": (supersede("nope"), NotFoundError, "no decision 'nope'"),
        "withdraw_twice": (lambda: workflows.withdraw_decision(project, gone.id, "again"), DecisionError,
                           "cannot be withdrawn"),
        "withdraw_superseded": (lambda: workflows.withdraw_decision(project, replaced.id, "r"), DecisionError,
                                "already superseded"),
        "withdraw_without_reason": (lambda: workflows.withdraw_decision(project, on_a.id, " "), DecisionError,
                                    "Give a reason"),
        "withdraw_unknown": (lambda: workflows.withdraw_decision(project, "nope", "r"), NotFoundError,
                             "no decision 'nope'"),
    }  # fmt: skip


@pytest.mark.parametrize(
    "case",
    ["other_analysis", "withdrawn", "already_superseded", "unknown", "withdraw_twice", "withdraw_superseded",
     "withdraw_without_reason", "withdraw_unknown"],
)  # fmt: skip
def test_refused_lifecycle_changes_leave_the_project_unchanged(
    case: str, two_analyses: Project, state: Callable[[Project], object]
) -> None:
    action, error, pattern = refusals(two_analyses)[case]
    before = state(two_analyses), decisions_state(two_analyses)
    with pytest.raises(error) as caught:
        action()
    assert pattern in str(caught.value), str(caught.value)
    assert (state(two_analyses), decisions_state(two_analyses)) == before


def test_version_1_project_is_migrated_with_its_decisions_current(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tradeoff_studio.core import schema

    path = tmp_path / "v1.tsproj"
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
    with create_project(path) as project:
        assert project.schema_version == 1
        project.con.execute(
            "INSERT INTO _ts.decisions VALUES ('d1', 'a', '3', '{\"evidence\": {}}', 'old', 'someone', now())"
        )
    monkeypatch.undo()
    with open_project(path) as project:
        assert project.schema_version == schema.current_version() >= 2
        [record] = flows.list_decisions(project)
        assert (record.id, record.status, record.supersedes, record.status_reason) == (
            "d1",
            "current",
            None,
            None,
        )
