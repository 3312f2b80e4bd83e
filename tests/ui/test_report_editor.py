"""The report editor in the real main window on the demo project (offscreen): open it from a locked
decision, edit a field and see the preview's document change, undo and redo, export PDF / Markdown /
JSON through the job pool (checked with pdftotext), cancel, and one report on several decisions."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMenu, QMessageBox, QPlainTextEdit
from pytestqt.qtbot import QtBot

from support.pdf_tools import page_texts
from tradeoff_studio.core import analysis_workflows as flows
from tradeoff_studio.core import workflows
from tradeoff_studio.core.errors import CancelledError
from tradeoff_studio.core.jobs import CancelToken
from tradeoff_studio.core.reports.blocks import Heading
from tradeoff_studio.core.reports.model import Text
from tradeoff_studio.ui.main_window import MainWindow
from tradeoff_studio.ui.reports.editor import ReportEditor
from tradeoff_studio.ui.reports.exporting import export_edited_report
from tradeoff_studio.ui.reports.fields import editable_sections, get_value, set_value, stored

TIMEOUT = 30_000
NEW_TITLE = "Credit committee review <Q4> & fairness"


def current_decision(window: MainWindow, analysis: str) -> str:
    assert window.project is not None
    found = [d for d in flows.list_decisions(window.project, analysis) if d.status == "current"]
    assert len(found) == 1
    return found[0].id


def wait_editor(qtbot: QtBot, editor: ReportEditor) -> None:
    """Until the report is built and its preview laid out."""
    qtbot.waitUntil(lambda: editor.report is not None, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not editor.preview.busy and editor.preview.document is not None, timeout=TIMEOUT)


def open_editor(qtbot: QtBot, window: MainWindow, analyses: list[str]) -> ReportEditor:
    ids = [current_decision(window, name) for name in analyses]
    editor = window.open_report_editor(ids)
    assert editor is not None
    wait_editor(qtbot, editor)
    return editor


def edit_title(qtbot: QtBot, editor: ReportEditor, text: str) -> None:
    field = editor.form.widgets[("evaluation", "title")]
    assert isinstance(field, QLineEdit) and field.objectName() == "field_evaluation_title"
    with qtbot.waitSignal(editor.preview.rendered, timeout=TIMEOUT):
        field.setText(text)


def cover_title(editor: ReportEditor) -> str:
    document = editor.preview.document
    assert document is not None
    heading = document.cover[0]
    assert isinstance(heading, Heading)
    return heading.text


def test_report_button_on_a_locked_decision_opens_the_editor_on_it(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    window = demo_window
    with qtbot.waitSignal(window.workspace.loaded, timeout=TIMEOUT):
        window.show_analysis("credit-fairness")
    button = window.workspace.inspector.report_button
    assert button.objectName() == "reportFromDecision" and button.isEnabled()
    button.click()
    editor = window.report_editor
    assert window.pages.currentWidget() is editor and editor.objectName() == "reportEditor"
    wait_editor(qtbot, editor)
    assert editor.report is not None
    assert editor.report.decision_ids == [current_decision(window, "credit-fairness")]
    assert editor.preview.objectName() == "reportPreview"
    assert editor.preview.page_count > 3 and editor.preview.image.pixmap().width() > 100
    assert cover_title(editor) == editor.report.evaluation.title.text
    assert window.undo_group.activeStack() is editor.undo_stack  # Edit ▸ Undo acts on the editor


def test_report_button_is_disabled_once_the_decision_is_withdrawn(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    window = demo_window
    with qtbot.waitSignal(window.workspace.loaded, timeout=TIMEOUT):
        window.show_analysis("llm-routing")
    assert window.workspace.inspector.report_button.isEnabled()
    window.workspace.withdraw(current_decision(window, "llm-routing"), "superseded by the Q4 evaluation")
    assert not window.workspace.inspector.report_button.isEnabled()


def test_an_edit_repaints_the_preview_and_undo_restores_it(qtbot: QtBot, demo_window: MainWindow) -> None:
    editor = open_editor(qtbot, demo_window, ["credit-fairness"])
    assert editor.report is not None
    before = editor.report.evaluation.title.text
    edit_title(qtbot, editor, NEW_TITLE)
    assert editor.report.evaluation.title == Text(NEW_TITLE, True)  # a person's words: kept on rebuild
    assert cover_title(editor) == NEW_TITLE
    assert editor.preview.document is not None and editor.preview.document.info.title == NEW_TITLE
    with qtbot.waitSignal(editor.preview.rendered, timeout=TIMEOUT):
        demo_window.actions["undo"].trigger()
    assert editor.report.evaluation.title == Text(before, False)
    assert cover_title(editor) == before
    assert editor.form.value(("evaluation", "title")) == before
    with qtbot.waitSignal(editor.preview.rendered, timeout=TIMEOUT):
        demo_window.actions["redo"].trigger()
    assert cover_title(editor) == NEW_TITLE


def test_typing_in_one_field_is_one_undo_step_and_other_fields_reach_the_document(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    editor = open_editor(qtbot, demo_window, ["llm-routing"])
    assert editor.report is not None
    mitigation = next(path for path in editor.form.widgets if path[0] == "risks" and path[-1] == "mitigation")
    field = editor.form.widgets[mitigation]
    assert isinstance(field, QLineEdit)
    field.clear()
    qtbot.keyClicks(field, "Quarterly re-fit")
    assert editor.undo_stack.count() == 1
    assert get_value(editor.report, mitigation) == Text("Quarterly re-fit", True)
    good = editor.form.widgets[("decisions", 0, "good")]
    assert isinstance(good, QPlainTextEdit)
    with qtbot.waitSignal(editor.preview.rendered, timeout=TIMEOUT):
        good.setPlainText("approvals stay above 60 %\n\nwomen's approval rate rises")
    assert editor.report.decisions[0].good == ["approvals stay above 60 %", "women's approval rate rises"]
    assert editor.undo_stack.count() == 2
    method = editor.form.widgets[("evaluation", "method")]
    with qtbot.waitSignal(editor.preview.rendered, timeout=TIMEOUT):
        method.setCurrentText("RATRAM")  # type: ignore[attr-defined]
    assert editor.preview.document is not None and "RATRAM" in editor.preview.document.info.subject


def test_export_pdf_is_a_job_and_the_pdf_carries_the_edit(
    qtbot: QtBot, demo_window: MainWindow, tmp_path: Path
) -> None:
    editor = open_editor(qtbot, demo_window, ["credit-fairness"])
    edit_title(qtbot, editor, NEW_TITLE)
    assert editor.pdf_action.shortcut().toString() == "Ctrl+E"
    target = tmp_path / "committee.pdf"
    with qtbot.waitSignal(editor.exported, timeout=60_000) as blocker:
        job = editor.export(target, "pdf")
    assert job is not None and job.state == "done" and job in demo_window.jobs.jobs
    assert demo_window.pages.currentWidget() is editor  # the export does not leave the editor
    text = " ".join(" ".join(page_texts(target)).split())
    assert NEW_TITLE in text
    pages = blocker.args[0].pages
    assert pages == editor.preview.page_count  # the preview paginates exactly as the PDF
    assert str(target) in editor.status.text() and f"{pages} pages" in editor.status.text()
    assert demo_window.project is not None
    last = workflows.audit_trail(demo_window.project)[-1]
    assert last.action == "report-export"


def test_markdown_and_json_exports_carry_the_edit(
    qtbot: QtBot, demo_window: MainWindow, tmp_path: Path
) -> None:
    editor = open_editor(qtbot, demo_window, ["credit-fairness"])
    edit_title(qtbot, editor, NEW_TITLE)
    for fmt in ("md", "json"):
        with qtbot.waitSignal(editor.exported, timeout=TIMEOUT):
            editor.export(tmp_path / f"report.{fmt}", fmt)
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "# Credit committee review &lt;Q4&gt; &amp; fairness" in markdown  # escaped, as all user text
    model = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["report"]
    assert model["evaluation"]["title"] == {"text": NEW_TITLE, "edited": True}


def test_a_failed_export_says_why_and_leaves_nothing(
    qtbot: QtBot, demo_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, state: object
) -> None:
    editor = open_editor(qtbot, demo_window, ["credit-fairness"])
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))
    assert demo_window.project is not None and callable(state)
    before = state(demo_window.project)
    target = tmp_path / "missing" / "report.pdf"
    job = editor.export(target, "pdf")
    qtbot.waitUntil(lambda: bool(shown), timeout=TIMEOUT)
    assert job.state == "failed" and str(target.parent) in shown[0] and "does not exist" in shown[0]
    assert not target.parent.exists() and state(demo_window.project) == before


def test_a_cancelled_export_leaves_no_file(qtbot: QtBot, demo_window: MainWindow, tmp_path: Path) -> None:
    editor = open_editor(qtbot, demo_window, ["credit-fairness"])
    gate = threading.Event()
    blocker = demo_window.jobs.submit("gate", lambda _p, _c: gate.wait(TIMEOUT / 1000), heavy=True)
    target = tmp_path / "cancelled.pdf"
    job = editor.export(target, "pdf")  # queued behind the heavy gate: cancelled before it starts
    demo_window.jobs.cancel(job.id)
    gate.set()
    qtbot.waitUntil(lambda: not demo_window.jobs.busy, timeout=TIMEOUT)
    assert blocker.state == "done" and job.state == "cancelled"
    assert list(tmp_path.glob("cancelled*")) == [] and list(tmp_path.glob(".cancelled*")) == []


def test_a_cancel_while_writing_leaves_no_file_and_no_audit_entry(
    qtbot: QtBot, demo_window: MainWindow, tmp_path: Path, state: object
) -> None:
    editor = open_editor(qtbot, demo_window, ["credit-fairness"])
    project = demo_window.project
    assert project is not None and editor.report is not None and callable(state)
    before = state(project)
    folder = tmp_path / "out"
    folder.mkdir()
    token = CancelToken()
    pages: list[float] = []

    def progress(fraction: float, _message: str) -> None:  # cancels once the first page is written
        pages.append(fraction)
        token.cancel()

    with pytest.raises(CancelledError):
        export_edited_report(project, editor.report, folder / "r.pdf", "pdf", progress=progress, cancel=token)
    assert pages and list(folder.iterdir()) == []
    assert state(project) == before


def test_one_report_on_several_decisions_from_the_reports_menu(qtbot: QtBot, demo_window: MainWindow) -> None:
    window = demo_window
    fairness, routing = current_decision(window, "credit-fairness"), current_decision(window, "llm-routing")
    menu = next(action for action in window.menuBar().actions() if action.text() == "&Reports")
    assert window.actions["new_report"] in menu.menu().actions()
    picker = window.new_report_dialog()
    assert picker is not None and picker.objectName() == "newReportDialog"
    for row in range(picker.list.count()):
        item = picker.list.item(row)
        wanted = item.data(Qt.ItemDataRole.UserRole) in (fairness, routing)
        item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)
    assert set(picker.selected()) == {fairness, routing}
    picker.accept()
    editor = window.report_editor
    wait_editor(qtbot, editor)
    assert editor.report is not None and set(editor.report.decision_ids) == {fairness, routing}
    titles = [t for t in editor.form.groups if t.startswith("Decision ") and ": " in t]
    assert len(titles) == 2
    document = editor.preview.document
    assert document is not None
    headings = {b.text for b in document.body if isinstance(b, Heading)}
    assert any("credit-fairness" in h for h in headings) and any("llm-routing" in h for h in headings)


def test_save_stores_versions_and_a_saved_report_reopens_with_its_edits(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    editor = open_editor(qtbot, demo_window, ["credit-fairness"])
    edit_title(qtbot, editor, NEW_TITLE)
    good = editor.form.widgets[("decisions", 0, "good")]
    assert isinstance(good, QPlainTextEdit)
    good.setPlainText("approvals stay above 60 %")
    assert editor.save_action.shortcut().toString() == "Ctrl+S"
    editor.save()
    first = editor.report_id
    assert first is not None and editor.undo_stack.isClean()
    editor.save()
    assert editor.report_id == first  # a new version of the same report
    project = demo_window.project
    assert project is not None
    saved, report = workflows.load_report(project, editor.report_id)
    assert saved.version == 2 and report.evaluation.title == Text(NEW_TITLE, True)
    report_id = editor.report_id
    demo_window.open_report_editor([current_decision(demo_window, "llm-routing")])  # another report
    wait_editor(qtbot, editor)
    assert editor.report_id is None
    menu = demo_window.findChild(QMenu, "savedReportsMenu")
    assert menu is not None
    demo_window._fill_saved_reports(menu)
    entries = [a for a in menu.actions() if report_id in a.text()]
    assert len(entries) == 1 and "version 2" in entries[0].text()
    entries[0].trigger()
    qtbot.waitUntil(lambda: editor.report_id == report_id, timeout=TIMEOUT)
    wait_editor(qtbot, editor)
    assert editor.form.value(("evaluation", "title")) == NEW_TITLE and cover_title(editor) == NEW_TITLE
    assert editor.report is not None and editor.report.decisions[0].good == ["approvals stay above 60 %"]


def test_opening_another_report_asks_before_discarding_unsaved_edits(
    qtbot: QtBot, demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = open_editor(qtbot, demo_window, ["credit-fairness"])
    edit_title(qtbot, editor, NEW_TITLE)
    asked: list[str] = []

    def answer(reply: QMessageBox.StandardButton) -> None:
        def question(_parent: object, _title: str, text: str) -> QMessageBox.StandardButton:
            asked.append(text)
            return reply

        monkeypatch.setattr(QMessageBox, "question", question)

    answer(QMessageBox.StandardButton.No)
    demo_window.open_report_editor([current_decision(demo_window, "llm-routing")])
    assert len(asked) == 1 and editor.report is not None and editor.report.evaluation.title.text == NEW_TITLE
    answer(QMessageBox.StandardButton.Yes)
    demo_window.open_report_editor([current_decision(demo_window, "llm-routing")])
    assert len(asked) == 2
    wait_editor(qtbot, editor)
    assert editor.report is not None and editor.report.decisions[0].analysis == "llm-routing"


def test_page_navigation_and_zoom(qtbot: QtBot, demo_window: MainWindow) -> None:
    editor = open_editor(qtbot, demo_window, ["credit-fairness"])
    preview = editor.preview

    def settled() -> None:
        qtbot.waitUntil(lambda: not preview.busy, timeout=TIMEOUT)

    assert preview.page.value() == 1 and not preview.previous.isEnabled() and preview.shown_page == 0
    preview.next.click()
    settled()
    assert preview.page.value() == 2 and preview.previous.isEnabled() and preview.shown_page == 1
    preview.zoom.setCurrentText("50 %")
    settled()
    half = preview.image.pixmap().width()
    preview.zoom.setCurrentText("100 %")
    settled()
    assert preview.image.pixmap().width() == pytest.approx(2 * half, abs=2)
    preview.page.setValue(preview.page_count)
    settled()
    assert not preview.next.isEnabled() and preview.shown_page == preview.page_count - 1


def test_a_field_taking_the_focus_turns_the_preview_to_its_section(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    editor = open_editor(qtbot, demo_window, ["credit-fairness"])
    assert editor.report is not None
    decision = editor.report.decisions[0]
    heading = f"Decision {decision.id}: {decision.analysis}"
    page = next(page for _level, text, page in editor.preview.toc if text == heading)
    assert page > 2
    editor.form.widgets[("decisions", 0, "context")].setFocus()
    qtbot.waitUntil(lambda: editor.preview.page.value() == page, timeout=TIMEOUT)
    editor.form.widgets[("evaluation", "title")].setFocus()
    qtbot.waitUntil(lambda: editor.preview.page.value() == 1, timeout=TIMEOUT)


def test_closing_the_project_stops_the_preview_thread_and_clears_the_editor(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    editor = open_editor(qtbot, demo_window, ["credit-fairness"])
    assert editor.preview.renderer.running
    demo_window.close_project()
    assert not editor.preview.renderer.running  # stopped and joined (house rule 5)
    assert editor.report is None and editor.project is None and not editor.pdf_action.isEnabled()
    assert demo_window.pages.currentWidget() is demo_window.welcome


def test_fields_paths_and_stored_values(qtbot: QtBot, demo_window: MainWindow) -> None:
    editor = open_editor(qtbot, demo_window, ["credit-fairness"])
    report = editor.report
    assert report is not None
    specs = {spec.path: spec for _title, fields in editable_sections(report) for spec in fields}
    risks = [i for i, r in enumerate(report.risks) if r.kind == "risk"]
    assert all(("risks", i, "mitigation") in specs and ("risks", i, "owner") in specs for i in risks)
    assert all(("scenarios", i, "importance") in specs for i in range(len(report.scenarios)))
    spec = specs[("decisions", 0, "context")]
    assert stored(spec, report.decisions[0].context, "typed") == Text("typed", True)
    set_value(report, ("evaluation", "iteration"), 3)
    assert get_value(report, ("evaluation", "iteration")) == 3
    assert stored(specs[("evaluation", "iteration")], 1, 2) == 2
    assert stored(specs[("decisions", 0, "bad")], [], " a \n\n b ") == ["a", "b"]


def test_the_window_starts_without_loading_the_report_modules() -> None:
    script = (
        "import json, sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from tradeoff_studio.ui.main_window import MainWindow\n"
        "app = QApplication([])\n"
        "window = MainWindow()\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    heavy = ("tradeoff_studio.core.reports", "tradeoff_studio.render", "tradeoff_studio.ui.reports.editor")
    assert [name for name in loaded if name.startswith(heavy)] == []  # loaded when the editor opens (rule 7)
