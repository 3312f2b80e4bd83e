"""End to end: every demo decision exported as a PDF by ``tradeoff-studio report``, read back with poppler."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from support.cli import cli
from support.demo_copy import demo_copy
from support.pdf_tools import fonts, images, info, page_texts, render_pages
from tradeoff_studio.core import workflows
from tradeoff_studio.core.decisions.card import number
from tradeoff_studio.core.reports.build import build_report
from tradeoff_studio.core.reports.document import report_document
from tradeoff_studio.render.layout import DocumentLayout
from tradeoff_studio.render.theme import ensure_gui_application

pytestmark = pytest.mark.slow  # the demo project is built once (about 25 s), then eleven exports


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    """A copy of the demo project and its decisions (as ``decisions --json`` prints them)."""
    import json

    path = demo_copy(tmp_path_factory, tmp_path_factory.mktemp("report-pdf") / "demo.tsproj")
    done = cli("decisions", path, "--json")
    assert done.returncode == 0, done.stderr
    return path, json.loads(done.stdout)


def _flat(texts: list[str]) -> str:
    """All pages' text with every run of whitespace as one space (wrapped lines join up)."""
    return re.sub(r"\s+", " ", " ".join(texts))


def _provenance_hashes(project_path: Path) -> list[str]:
    """The SHA-256s of the demo's imports, models and analyses (13 of them)."""
    with workflows.open_project(project_path) as project:
        entries = workflows.audit_trail(project)
    found = [
        e.input_sha256 or e.output_sha256 for e in entries if e.action in ("import", "model.add", "analysis")
    ]
    assert len(found) == 13
    return [sha for sha in found if sha]


def test_every_demo_decision_exports_a_pdf_with_its_evidence(
    demo: tuple[Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    project, decisions = demo
    for decision in decisions:
        out = tmp_path / f"{decision['analysis']}.pdf"
        done = cli("report", project, "--decision", decision["id"], "--out", out)
        assert done.returncode == 0, done.stderr
        texts, raw = page_texts(out), page_texts(out, raw=True)
        flat, squeezed = _flat(texts) + " " + _flat(raw), re.sub(r"\s+", "", "".join(raw))
        evidence = decision["evidence"]
        candidate = evidence["candidate"]
        for objective in evidence["objectives"]:
            metric = objective.rsplit(":", 1)[0]
            assert f"{metric} {number(candidate[metric])}" in flat, (decision["analysis"], metric)
        for rate in evidence["tradeoffs"]:
            assert re.sub(r"\s+", " ", rate["text"]) in flat, (decision["analysis"], rate["text"])
        for risk in evidence["risks"]:
            assert re.sub(r"\s+", " ", risk["text"]) in flat, (decision["analysis"], risk["text"])
        markdown = tmp_path / f"{decision['analysis']}.md"
        assert cli("report", project, "--decision", decision["id"], "--out", markdown).returncode == 0
        listed = set(re.findall(r"\b[0-9a-f]{64}\b", markdown.read_text()))
        assert listed and [sha for sha in listed if sha not in squeezed] == []  # every hash the report lists
        assert all(f"Page {n} of {len(texts)}" in text for n, text in enumerate(texts, start=1))
        checked = cli("verify-report", project, out)
        assert checked.returncode == 0 and "matches the project" in checked.stdout, (
            checked.stdout + checked.stderr
        )


def test_the_report_on_all_decisions_is_vector_embedded_and_renders(
    demo: tuple[Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    project, decisions = demo
    out = tmp_path / "all.pdf"
    done = cli("report", project, *(w for d in decisions for w in ("--decision", d["id"])), "--out", out)
    assert done.returncode == 0, done.stderr
    squeezed = re.sub(r"\s+", "", "".join(page_texts(out, raw=True)))
    assert [sha for sha in _provenance_hashes(project) if sha not in squeezed] == []
    assert images(out) == []
    assert all(row["emb"] == "yes" for row in fonts(out))
    fields = info(out)
    assert fields["Creator"].startswith("Tradeoff Studio") and fields["Title"]
    assert len(render_pages(out, tmp_path / "png")) == int(fields["Pages"]) >= 20


def test_the_real_report_lays_out_cleanly(demo: tuple[Path, list[dict[str, Any]]]) -> None:
    """Figures never overlap text or split; the contents point at the pages of their headings."""
    project_path, decisions = demo
    ensure_gui_application()
    with workflows.open_project(project_path) as project:
        document = report_document(build_report(project, [d["id"] for d in decisions]))
    layout = DocumentLayout(document)
    flow = layout.body
    assert len(flow.figures) >= 5
    tops = []
    block = flow.doc.begin()
    while block.isValid():
        rect = flow.doc.documentLayout().blockBoundingRect(block)
        lines = block.layout()
        if block.text().strip():
            tops += [rect.top() + lines.lineAt(i).y() for i in range(lines.lineCount())]
        block = block.next()
    for placed in flow.figures:
        assert int(placed.top // flow.page_height) == int(
            (placed.top + placed.height - 1) // flow.page_height
        )
        assert [t for t in tops if placed.top - 0.5 < t < placed.top + placed.height - 0.5] == []
    offset = layout.cover.page_count + (layout.contents.page_count if layout.contents else 0)
    pages = {text: page for _, text, page in flow.headings()}
    assert layout.toc_entries and all(
        page == offset + pages[text] + 1 for _, text, page in layout.toc_entries
    )
