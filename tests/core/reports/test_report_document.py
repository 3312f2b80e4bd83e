"""The report's blocks (§4.1 order), its Markdown (escaped) and its JSON export, on the demo decisions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from support.demo_copy import demo_copy
from tradeoff_studio.core import analysis_workflows as flows
from tradeoff_studio.core import workflows
from tradeoff_studio.core.analyses.candidates import Objective
from tradeoff_studio.core.analyses.generic import GenericSpec
from tradeoff_studio.core.decisions.card import number
from tradeoff_studio.core.decisions.preferences import Constraint, Preferences
from tradeoff_studio.core.project import Project, create_project
from tradeoff_studio.core.reports.blocks import (
    Document,
    DocumentInfo,
    FrontFigure,
    Heading,
    KeyValues,
    Paragraph,
    Table,
)
from tradeoff_studio.core.reports.build import build_report
from tradeoff_studio.core.reports.document import report_document
from tradeoff_studio.core.reports.markdown import document_markdown, escape, report_json, report_markdown
from tradeoff_studio.core.reports.model import report_from_dict
from tradeoff_studio.core.reports.verify import fingerprint, manifest

OUTLINE = [
    "Executive summary",
    "Context and business drivers",
    "Method",
    "Quality attributes and utility tree",
    "Alternatives",
    "Decisions",
    "Sensitivity and trade-off analysis",
    "Risks, non-risks and risk themes",
    "Analysis-specific evidence",
    "Confirmation and next iteration",
    "Provenance",
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The demo project, its decisions and a report on all five."""
    path = demo_copy(tmp_path_factory, tmp_path_factory.mktemp("report-document") / "demo.tsproj")
    project = workflows.open_project(path)
    decisions = workflows.list_decisions(project)
    yield project, decisions, build_report(project, [d.id for d in decisions])
    project.close()


def test_the_document_follows_the_outline_verdict_first(demo: Any) -> None:
    _, decisions, report = demo
    document = report_document(report)
    assert [b.text for b in document.body if isinstance(b, Heading) and b.level == 1] == OUTLINE
    cards = [b for b in document.cover if isinstance(b, KeyValues) and b.title.startswith("Decision card")]
    assert len(cards) == 5 and all(card.rows[0][0] == "Verdict" for card in cards)
    assert {card.tone for card in cards} == {"good", "warning"}
    figures = [b for b in document.body if isinstance(b, FrontFigure)]
    assert len(figures) == 5 and all(f.chosen is not None and f.front for f in figures)
    fairness = next(f for f in figures if f.x_label.startswith("accuracy"))
    assert fairness.constraints == () and fairness.knee is not None
    portfolio = next(f for f in figures if f.x_label.startswith("return"))
    assert [(c.axis, c.value, c.label, c.infeasible_below) for c in portfolio.constraints] == [
        ("y", 0.1, "volatility<=0.1", False)
    ]
    assert document.info.fingerprint == fingerprint(manifest(report))
    assert json.loads(document.info.manifest_json) == manifest(report)
    assert document.info.subject.endswith(", ".join(d.id for d in decisions))


def test_the_markdown_holds_the_numbers_rates_risks_and_hashes(demo: Any) -> None:
    _, decisions, report = demo
    text = report_markdown(report)
    for decision in decisions:
        candidate = decision.evidence["candidate"]
        for objective in decision.evidence["objectives"]:
            metric = objective.rsplit(":", 1)[0]
            assert escape(f"{metric} {number(candidate[metric])}") in text, (decision.analysis, metric)
        for rate in decision.evidence["tradeoffs"]:
            assert escape(rate["text"]) in text
        for risk in decision.evidence["risks"]:
            assert escape(risk["text"]) in text
        assert decision.id in text and escape(decision.candidate_id) in text
    source = report.provenance
    hashes = [d.sha256 for d in source.data] + [m["sha256"] for m in source.models]
    hashes += [a.candidates_sha256 for a in source.analyses] + [a.settings_sha256 for a in source.analyses]
    hashes += [d["preferences_sha256"] for d in source.decisions]
    assert len(hashes) == 5 + 3 + 10 + 5 and all(sha in text for sha in hashes)
    assert fingerprint(manifest(report)) in text


def test_user_text_cannot_become_markup() -> None:
    hostile = "<img src=x> | *bold* [link](http://x) `code` & _u_"
    document = Document(
        DocumentInfo("t", "a", "s", "ts:00000000", json.dumps({"format": "x"})),
        (Paragraph("# not a heading"),),
        (Heading("Data", 1, "data"), Table((hostile,), (("- not a list",),), caption=hostile)),
    )
    text = document_markdown(document)
    assert "<img" not in text and "&lt;img src=x&gt;" in text
    assert "\\*bold\\*" in text and "\\[link\\]" in text and "\\`code\\`" in text and "\\|" in text
    assert "\n\\# not a heading" in "\n" + text and "| \\- not a list |" in text
    assert text.count("\n|---|\n") == 1  # the hostile header stays one column


def test_the_json_export_holds_the_model_and_its_manifest(demo: Any) -> None:
    _, _, report = demo
    exported = json.loads(report_json(report))
    assert exported["format"] == "tradeoff-studio-report"
    assert exported["manifest"] == manifest(report)
    assert report_from_dict(exported["report"]).to_dict() == report_from_dict(report.to_dict()).to_dict()


def _small_decision(project: Project, folder: Path, metric: str) -> str:
    """A generic analysis of ten runs (``metric`` to maximise, ``cost`` to minimise) and a decision on it."""
    rows = [f"m{i},{0.6 + 0.03 * i:.2f},{1.0 + i * i / 10:.2f}" for i in range(10)]
    (folder / "runs.csv").write_text(f'model,"{metric}",cost\n' + "\n".join(rows) + "\n")
    workflows.import_data(project, [folder / "runs.csv"], table="runs")
    spec = GenericSpec("runs", [Objective(metric, "max"), Objective("cost", "min")], knobs=["model"])
    flows.analyze(project, spec, name="runs")
    preferences = Preferences(constraints=(Constraint.parse("cost<=5"),), weights={metric: 1.0, "cost": 0.0})
    return flows.decide(project, "runs", rationale="Best within budget.", preferences=preferences).id


def test_a_hostile_column_name_prints_as_text_end_to_end(project: Project, tmp_path: Path) -> None:
    hostile = "<img src=x>"
    report = build_report(project, [_small_decision(project, tmp_path, hostile)])
    assert [qa.metric for qa in report.qualities] == [hostile, "cost"]
    figure = report_document(report).body
    assert any(isinstance(b, FrontFigure) and b.x_label.startswith(hostile) for b in figure)
    text = report_markdown(report)
    assert "<img" not in text and "&lt;img src=x&gt; (higher is better)" in text


def test_a_report_from_an_encrypted_project_warns_that_it_is_not(tmp_path: Path) -> None:
    with create_project(tmp_path / "secret.tsproj", encrypted=True) as project:
        decision = _small_decision(project, tmp_path, "accuracy")
        written = workflows.export_report(project, [decision], tmp_path / "r.md")
        plain = workflows.export_report(project, [decision], tmp_path / "r.json")
    assert written.warning is not None and "NOT encrypted" in written.warning and "r.md" in written.warning
    assert plain.warning is not None and (tmp_path / "r.md").read_text().startswith("# ")
