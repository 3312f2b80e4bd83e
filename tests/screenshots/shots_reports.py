"""Screenshots of the report editor (``make screenshots`` runs :func:`take` on the demo window).

The editor opened from the fairness decision's ``Report…`` button with an edited title and the
cover page previewed; the same report's decision page at 100 %; and one report covering the
fairness and the LLM-routing decisions, opened from Reports ▸ New Report….
"""

from __future__ import annotations

from pathlib import Path

from events import wait_until
from PySide6.QtWidgets import QApplication

from tradeoff_studio.core import analysis_workflows as flows
from tradeoff_studio.ui.main_window import MainWindow
from tradeoff_studio.ui.reports.editor import ReportEditor

TIMEOUT_S = 60.0


def _settled(editor: ReportEditor) -> None:
    wait_until(lambda: editor.report is not None, TIMEOUT_S)
    wait_until(lambda: editor.preview.document is not None and not editor.preview.busy, TIMEOUT_S)


def _grab(window: MainWindow, path: Path) -> Path:
    QApplication.processEvents()
    window.grab().save(str(path), "PNG")
    return path


def _current(window: MainWindow, analysis: str) -> str:
    assert window.project is not None
    return next(d.id for d in flows.list_decisions(window.project, analysis) if d.status == "current")


def take(window: MainWindow, out: Path) -> list[Path]:
    """Write the report editor's PNGs into ``out``; returns their paths."""
    loaded: list[str] = []
    window.workspace.loaded.connect(loaded.append)
    window.show_analysis("credit-fairness")
    wait_until(lambda: bool(loaded), TIMEOUT_S)
    window.workspace.loaded.disconnect(loaded.append)
    window.workspace.inspector.report_button.click()
    editor = window.report_editor
    _settled(editor)
    editor.form.widgets[("evaluation", "title")].setText(  # type: ignore[attr-defined]
        "Credit approvals: the four-fifths threshold, Q4 review"
    )
    editor.form.widgets[("evaluation", "stakeholders")].setText(  # type: ignore[attr-defined]
        "Credit risk committee; model-risk validation; compliance"
    )
    wait_until(lambda: editor.preview.busy, TIMEOUT_S)
    _settled(editor)
    written = [_grab(window, out / "report_editor.png")]
    editor.preview.zoom.setCurrentText("100 %")
    editor.preview.page.setValue(min(6, editor.preview.page_count))
    _settled(editor)
    written.append(_grab(window, out / "report_editor_page.png"))
    editor.preview.zoom.setCurrentText("Fit width")
    editor.preview.page.setValue(1)
    editor.undo_stack.setClean()  # drop the edits without the "Discard them?" question (a script)
    editor.open_decisions([_current(window, "credit-fairness"), _current(window, "llm-routing")])
    wait_until(lambda: editor.report is not None and len(editor.report.decisions) == 2, TIMEOUT_S)
    _settled(editor)
    written.append(_grab(window, out / "report_editor_two_decisions.png"))
    return written
