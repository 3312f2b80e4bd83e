"""Decisions through the workflows: stored with evidence and audit, listed, surviving reopening."""

from __future__ import annotations

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
