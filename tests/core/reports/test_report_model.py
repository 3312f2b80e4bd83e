"""The report model and its builder, on the five demo decisions."""

from __future__ import annotations

import json
from typing import Any

import pytest

from support.demo_copy import demo_copy
from tradeoff_studio.core import workflows
from tradeoff_studio.core.errors import NotFoundError
from tradeoff_studio.core.reports.build import build_report
from tradeoff_studio.core.reports.model import (
    MODEL_VERSION,
    Report,
    ReportError,
    keep_edits,
    report_from_dict,
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A copy of the demo project, open for the module, with a report on every decision."""
    path = demo_copy(tmp_path_factory, tmp_path_factory.mktemp("report-model") / "demo.tsproj")
    project = workflows.open_project(path)
    ids = [decision.id for decision in workflows.list_decisions(project)]
    yield project, ids, build_report(project, ids, date="2026-12-04")
    project.close()


def test_every_demo_decision_is_reported_with_its_chosen_point(demo: Any) -> None:
    project, ids, report = demo
    assert report.decision_ids == ids and len(ids) == 5
    for record in workflows.list_decisions(project):
        section = next(d for d in report.decisions if d.id == record.id)
        assert section.candidate_id == record.candidate_id and section.status == "current"
        chosen = next(a for a in report.alternatives if a.decision_id == record.id and "chosen" in a.roles)
        candidate = record.evidence["candidate"]
        for metric, value in chosen.values.items():
            assert value == pytest.approx(candidate[metric])
        assert {qa.metric for qa in report.qualities if qa.decision_id == record.id} >= {
            text.rsplit(":", 1)[0] for text in record.evidence["objectives"]
        }
        assert record.rationale in section.outcome.text
        assert section.card[0].startswith(f"Decision {record.id}")
        risks = [r for r in report.risks if r.decision_id == record.id and r.kind == "risk"]
        assert [r.statement for r in risks] == [risk["text"] for risk in record.evidence["risks"]]
        rates = [t.text for t in report.tradeoffs if t.decision_id == record.id and t.kind == "exchange-rate"]
        assert rates == [rate["text"] for rate in record.evidence["tradeoffs"]]


def test_the_figures_mark_the_chosen_point_and_the_front(demo: Any) -> None:
    project, _, report = demo
    assert len(report.figures) == 5
    for figure in report.figures:
        record = next(d for d in workflows.list_decisions(project) if d.id == figure.decision_id)
        assert figure.chosen is not None
        assert figure.points_x[figure.chosen] == pytest.approx(record.evidence["candidate"][figure.x_metric])
        assert figure.front and len(figure.x_lo) in (0, len(figure.front))
    fairness = next(f for f in report.figures if f.x_metric == "accuracy")
    assert fairness.candidates == 2990 and len(fairness.points_x) <= 1500 + len(fairness.front)


def test_kind_sections_say_what_only_their_kind_knows(demo: Any) -> None:
    _, _, report = demo
    sections = {section.kind: section for section in report.kinds}
    fairness = sections["fairness"]
    assert fairness.tables[0].rows[0][0].startswith("sex=")
    assert any("does not read the protected attribute" in note for note in fairness.notes)
    assert sections["risk-return"].tables[0].headers == ["asset", "weight"]
    assert any(note.startswith("Frontier cost-of-pass") for note in sections["cost-quality"].notes)
    assert any(note.startswith("Shortlist:") for note in sections["ope"].notes)


def test_provenance_holds_the_hashes_the_audit_recorded(demo: Any) -> None:
    project, ids, report = demo
    trail = workflows.audit_trail(project)
    imports = {e.subject: e.input_sha256 for e in trail if e.action == "import"}
    assert {d.table: d.sha256 for d in report.provenance.data} == imports
    models = {m.name: m.sha256 for m in workflows.list_models(project)}
    assert {m["name"]: m["sha256"] for m in report.provenance.models} == models
    analyses = {a.name: a.candidates_sha256 for a in report.provenance.analyses}
    assert analyses == {e.subject: e.output_sha256 for e in trail if e.action == "analysis"}
    assert {e.action for e in report.provenance.audit} >= {"import", "analysis", "decision", "score"}
    fairness = next(a for a in report.provenance.analyses if a.kind == "fairness")
    assert fairness.command.startswith("tradeoff-studio analyze PROJECT fairness --name credit-fairness")
    assert "--constraint 'dp_ratio>=0.8'" in fairness.decide_command and fairness.seeds == {"seed": 0}
    assert report.provenance.versions["DuckDB"] and [d["id"] for d in report.provenance.decisions] == ids


def test_the_model_round_trips_through_json(demo: Any) -> None:
    _, _, report = demo
    text = json.dumps(report.to_dict())
    again = report_from_dict(json.loads(text))
    assert isinstance(again, Report) and json.dumps(again.to_dict()) == text


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: [d], "expected a JSON object"),
        (lambda d: d | {"model_version": MODEL_VERSION + 1}, "update Tradeoff Studio"),
        (lambda d: d | {"evaluation": d["evaluation"] | {"method": "ATAMX"}}, "ATRAM"),
        (lambda d: d | {"risks": "none"}, "report.risks should be a list"),
        (lambda d: d | {"decisions": [{"id": 3}]}, "malformed"),
    ],
)
def test_a_malformed_model_is_refused_by_name(demo: Any, change: Any, words: str) -> None:
    _, _, report = demo
    with pytest.raises(ReportError, match=words):
        report_from_dict(change(json.loads(json.dumps(report.to_dict()))))


def test_a_rebuild_keeps_what_a_person_typed_and_refreshes_the_rest(demo: Any) -> None:
    project, ids, report = demo
    saved = json.loads(json.dumps(report.to_dict()))
    saved["evaluation"]["evaluators"] = {"text": "A. Analyst, B. Validator", "edited": True}
    saved["summary"] = {"text": "stale automatic summary", "edited": False}
    risk = next(r for r in saved["risks"] if r["kind"] == "risk")
    risk["mitigation"] = {"text": "monitor weekly", "edited": True}
    rebuilt = build_report(project, ids, date="2026-12-05").to_dict()
    merged = report_from_dict(keep_edits(rebuilt, saved))
    assert merged.evaluation.evaluators.text == "A. Analyst, B. Validator"
    assert merged.evaluation.evaluators.edited and merged.evaluation.date == "2026-12-05"
    assert merged.summary.text == rebuilt["summary"]["text"] != "stale automatic summary"
    assert next(r for r in merged.risks if r.id == risk["id"]).mitigation.text == "monitor weekly"


def test_an_unknown_or_repeated_decision_is_refused(demo: Any) -> None:
    project, ids, _ = demo
    with pytest.raises(NotFoundError, match="no decision 'nope'.*" + ids[0]):
        build_report(project, ["nope"])
    with pytest.raises(ReportError, match="more than once"):
        build_report(project, [ids[0], ids[0]])
    with pytest.raises(ReportError, match="at least one decision"):
        build_report(project, [])


def test_a_subset_reports_only_its_decisions(demo: Any) -> None:
    project, ids, _ = demo
    report = build_report(project, [ids[1]])
    assert report.decision_ids == [ids[1]]
    assert {a.decision_id for a in report.alternatives} == {ids[1]}
    assert [d.table for d in report.provenance.data] == ["asset_returns", "model_portfolios"]
    assert report.provenance.models == []
