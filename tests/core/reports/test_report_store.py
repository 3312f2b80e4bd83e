"""Saved, versioned reports and report exports (atomic, audited, refused without side effects)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from support.demo_copy import demo_copy
from tradeoff_studio.core import workflows
from tradeoff_studio.core.errors import NotFoundError, StudioError
from tradeoff_studio.core.project import Project
from tradeoff_studio.core.reports.blocks import Document
from tradeoff_studio.core.reports.model import ReportError, Text
from tradeoff_studio.core.reports.verify import read_manifest, report_digest


@pytest.fixture
def demo(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Any:
    """A fresh copy of the demo project per test."""
    project = workflows.open_project(demo_copy(tmp_path_factory, tmp_path / "demo.tsproj"))
    yield project
    project.close()


def _ids(project: Project) -> list[str]:
    return [decision.id for decision in workflows.list_decisions(project)]


def test_each_save_is_a_new_audited_version(demo: Project) -> None:
    report = workflows.build_report(demo, _ids(demo)[:2])
    first = workflows.save_report(demo, report)
    assert (first.version, first.decisions, first.digest) == (1, _ids(demo)[:2], report_digest(report))
    report.evaluation.evaluators = Text("A. Analyst", edited=True)
    second = workflows.save_report(demo, report, first.id)
    assert (second.id, second.version) == (first.id, 2) and second.digest != first.digest
    assert [saved.version for saved in workflows.list_reports(demo)] == [2]
    saved, loaded = workflows.load_report(demo, first.id, 1)
    assert saved.version == 1 and loaded.evaluation.evaluators.text != "A. Analyst"
    assert workflows.load_report(demo, first.id)[1].to_dict() == report.to_dict()
    entries = [e for e in workflows.audit_trail(demo) if e.action == "report"]
    assert [(e.subject, e.details["version"], e.output_sha256) for e in entries] == [
        (first.id, 1, first.digest), (second.id, 2, second.digest),
    ]  # fmt: skip


def test_a_refresh_keeps_a_persons_words_and_choices(demo: Project) -> None:
    report = workflows.build_report(demo, _ids(demo)[3:4])
    report.evaluation.method, report.evaluation.iteration = "RATRAM", 2
    report.next_iteration = Text("Re-run with the new price list.", edited=True)
    saved = workflows.save_report(demo, report)
    refreshed = workflows.refresh_report(demo, saved.id)
    assert (refreshed.evaluation.method, refreshed.evaluation.iteration) == ("RATRAM", 2)
    assert refreshed.next_iteration.text == "Re-run with the new price list."


def test_unknown_reports_and_versions_are_refused(demo: Project) -> None:
    with pytest.raises(NotFoundError, match="no saved report 'nope'"):
        workflows.load_report(demo, "nope")
    saved = workflows.save_report(demo, workflows.build_report(demo, _ids(demo)[:1]))
    with pytest.raises(NotFoundError, match="has no version 3; it has versions 1 to 1"):
        workflows.load_report(demo, saved.id, 3)


@pytest.mark.parametrize(("name", "given", "start"), [("r.md", None, b"# "), ("r.json", None, b"{"),
                                                      ("r.txt", "md", b"# ")])  # fmt: skip
def test_markdown_and_json_exports_are_written_and_audited(
    demo: Project, tmp_path: Path, name: str, given: str | None, start: bytes
) -> None:
    ids = _ids(demo)
    written = workflows.export_report(demo, ids, tmp_path / name, format=given)
    data = (tmp_path / name).read_bytes()
    assert data.startswith(start) and written.decisions == ids and written.pages is None
    assert read_manifest(tmp_path / name)["report_sha256"] == written.report_sha256
    entry = workflows.audit_trail(demo)[-1]
    assert (entry.action, entry.output_sha256, entry.details["fingerprint"]) == (
        "report-export", written.sha256, written.fingerprint,
    )  # fmt: skip
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def _broken_writer(document: Document, path: Path) -> int:
    path.write_bytes(b"%PDF-1.4 half a page")
    raise ReportError("the renderer gave up")


REFUSED = [
    (["nope"], "r.md", None, None, "no decision 'nope'"),
    (None, "r.docx", None, None, "Cannot tell the report format"),
    (None, "r.md", "html", None, "Unknown report format 'html'"),
    (None, "missing/r.md", None, None, "does not exist"),
    (None, "r.pdf", None, None, "cannot write PDF"),
    (None, "r.pdf", None, _broken_writer, "the renderer gave up"),
]


@pytest.mark.parametrize("case", REFUSED)
def test_a_refused_export_writes_nothing(
    demo: Project, tmp_path: Path, state: Callable[[Project], object], case: tuple[Any, ...]
) -> None:
    ids, name, given, writer, words = case
    before = state(demo)
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(StudioError, match=words):
        workflows.export_report(demo, ids or _ids(demo)[:1], folder / name, format=given, write_pdf=writer)
    assert list(folder.iterdir()) == [] and state(demo) == before


def test_an_existing_file_is_replaced_whole(demo: Project, tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    target.write_text("old")
    workflows.export_report(demo, _ids(demo)[:1], target)
    assert json.loads(target.read_text())["format"] == "tradeoff-studio-report"
