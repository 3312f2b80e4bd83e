"""The report editor (objectName ``reportEditor``): a page of the main window's central stack.

Left, the report's sections (:class:`.form.ReportForm`): the fields only a person knows are
editable, the sections filled from the analysis are shown for review. Right, the live page
preview (:class:`.preview.ReportPreview`). Every edit is one step on :attr:`ReportEditor.undo_stack`
(the window's Edit ▸ Undo / Redo; typing into one field merges into one step). Ctrl+S saves a new
version of the report in the project; Ctrl+E exports it as a PDF in the window's job pool.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMessageBox,
    QSplitter,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core import workflows
from ...core.errors import StudioError
from ...core.jobs import CancelToken, Progress
from ...core.project import Project
from ...core.reports.build import build_report
from ...core.reports.exporting import ReportExport
from ...core.reports.model import Report
from ..workspace.loader import Loader
from .exporting import FORMATS, export_edited_report
from .fields import FieldPath, get_value, section_heading, set_value, stored
from .form import ReportForm
from .preview import ReportPreview

NO_REPORT = "No report open: use Report… on a locked decision, or Reports ▸ New Report…."
SubmitJob = Callable[..., Any]  # MainWindow.submit_project_job(title, work, **options)


class EditCommand(QUndoCommand):
    """One edit of one field; consecutive edits of the same field merge into one step."""

    def __init__(self, editor: ReportEditor, path: FieldPath, before: Any, after: Any, label: str) -> None:
        super().__init__(f"Edit {label}")
        self.editor, self.path, self.before, self.after = editor, path, before, after

    def id(self) -> int:
        """Edits merge with edits (of the same field, see :meth:`mergeWith`)."""
        return 1301

    def mergeWith(self, other: QUndoCommand) -> bool:
        """Typing on in the same field extends this step."""
        if not isinstance(other, EditCommand) or other.path != self.path:
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        """Apply the new value."""
        self.editor.apply(self.path, self.after)

    def undo(self) -> None:
        """Put the old value back."""
        self.editor.apply(self.path, self.before)


class ReportEditor(QWidget):
    """Review, edit, preview, save and export one report (module docstring)."""

    message = Signal(str)
    reportShown = Signal()  # noqa: N815 a report was built or loaded and is in the form
    saved = Signal(object)  # the SavedReport
    exported = Signal(object)  # a core.reports.exporting.ReportExport

    def __init__(self, submit_job: SubmitJob, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportEditor")
        self.submit_job = submit_job
        self.project: Project | None = None
        self.report: Report | None = None
        self.report_id: str | None = None
        self.undo_stack = QUndoStack(self)
        self.loader = Loader(self)
        self.loader.done.connect(self._built)
        self.loader.failed.connect(lambda _slot, error: self._say_error(error))
        self.form = ReportForm(self)
        self.form.edited.connect(self._edited)
        self.preview = ReportPreview(self)
        self._build()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def _build(self) -> None:
        self.title = QLabel(NO_REPORT)
        self.title.setObjectName("reportTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # titles and analysis names are user text
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.status = QLabel("")
        self.status.setObjectName("reportMessage")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.message.connect(self.status.setText)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.form)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([520, 700])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.title)
        layout.addWidget(self._toolbar())
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)

    def _toolbar(self) -> QToolBar:
        bar = QToolBar(self)
        bar.setObjectName("reportToolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.save_action = self._action(bar, "Save", "saveReportButton", "Ctrl+S", self.save)
        self.pdf_action = self._action(bar, "Export PDF…", "exportPdfButton", "Ctrl+E",
                                      lambda: self.export_dialog("pdf"))  # fmt: skip
        self.md_action = self._action(bar, "Export Markdown…", "exportMarkdownButton", "",
                                      lambda: self.export_dialog("md"))  # fmt: skip
        self.json_action = self._action(bar, "Export JSON…", "exportJsonButton", "",
                                        lambda: self.export_dialog("json"))  # fmt: skip
        self._set_enabled(False)
        return bar

    def _action(
        self, bar: QToolBar, text: str, name: str, shortcut: str, slot: Callable[[], object]
    ) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)  # only on this page
            action.setToolTip(f"{text} ({shortcut})")
        action.triggered.connect(lambda _checked=False: slot())
        bar.addAction(action)
        self.addAction(action)
        button = bar.widgetForAction(action)
        if isinstance(button, QToolButton):
            button.setObjectName(name)
        return action

    def _set_enabled(self, enabled: bool) -> None:
        for action in (self.pdf_action, self.md_action, self.json_action):
            action.setEnabled(enabled)
        self.save_action.setEnabled(enabled)

    # --- opening ---------------------------------------------------------------------------

    def set_project(self, project: Project | None) -> None:
        """Forget the report shown (its jobs cancelled and joined) and work on ``project``."""
        self.loader.cancel_and_wait()
        self.project, self.report, self.report_id = project, None, None
        self.undo_stack.clear()
        self.form.clear()
        self.preview.clear()
        self.title.setText(NO_REPORT)
        self._set_enabled(False)

    def open_decisions(self, decision_ids: list[str]) -> None:
        """Build the report on ``decision_ids`` off the UI thread and show it (``reportShown``)."""
        if self.project is None:
            self.message.emit("Open a project first.")
            return
        ids = list(decision_ids)
        if not self._leave_current():
            return
        self.title.setText(f"Building the report on decision(s) {', '.join(ids)}…")
        self.loader.submit("build", self.project, lambda view, _cancel: build_report(view, ids))

    def open_saved(self, report_id: str) -> None:
        """Open saved report ``report_id`` exactly as saved (its latest version), off the UI thread;
        saving it adds a version. (Not ``refresh_report``: its rebuild keeps edited texts but refills
        the edited consequence lists and scenario ratings.)"""
        if self.project is None:
            self.message.emit("Open a project first.")
            return
        if not self._leave_current():
            return
        self.title.setText(f"Opening report {report_id}…")
        self.loader.submit(
            "saved",
            self.project,
            lambda view, _cancel: (report_id, workflows.load_report(view, report_id)[1]),
        )

    def _leave_current(self) -> bool:
        """Close the report shown to open another: unsaved edits are discarded only when the user agrees."""
        if self.report is not None and not self.undo_stack.isClean():
            answer = QMessageBox.question(
                self, "Unsaved report", "The report shown has edits that are not saved. Discard them?"
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self.report, self.report_id = None, None
        self.undo_stack.clear()
        self.form.clear()
        self.preview.clear()
        self._set_enabled(False)
        return True

    def _built(self, _slot: str, result: object) -> None:
        report_id, report = result if isinstance(result, tuple) else (None, result)
        assert isinstance(report, Report)
        self.show_report(report, report_id)

    def show_report(self, report: Report, report_id: str | None) -> None:
        """Edit ``report`` (saved as ``report_id``, or not yet saved when None)."""
        self.report, self.report_id = report, report_id
        self.undo_stack.clear()
        self._show_title()
        self.form.show_report(report)
        self.preview.show_report(report, now=True)
        self._set_enabled(True)
        self.message.emit("")
        self.reportShown.emit()

    def _show_title(self) -> None:
        if self.report is None:
            return
        saved = f"saved as {self.report_id}" if self.report_id else "not saved yet"
        names = ", ".join(f"{d.analysis} ({d.id})" for d in self.report.decisions)
        self.title.setText(f"{self.report.evaluation.title.text}   ·   on {names}   ·   {saved}")

    # --- editing ---------------------------------------------------------------------------

    def _edited(self, path: FieldPath, widget_value: Any) -> None:
        if self.report is None:
            return
        before = copy.deepcopy(get_value(self.report, path))
        after = stored(self.form.specs[path], before, widget_value)
        self.undo_stack.push(EditCommand(self, path, before, after, self.form.specs[path].label))

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        """A field taking the focus turns the preview to the page its section prints on."""
        section = self.form.section_of.get(new) if new is not None else None
        if section is not None:
            self.preview.show_heading(section_heading(section))

    def apply(self, path: FieldPath, value: Any) -> None:
        """Store ``value`` at ``path``, show it in its field and refresh the preview (no undo step)."""
        if self.report is None:
            return
        set_value(self.report, path, copy.deepcopy(value))
        self.form.show_value(path, value)
        self._show_title()
        self.preview.show_report(self.report)

    # --- saving and exporting --------------------------------------------------------------

    def save(self) -> None:
        """Store the report as a new version in the project (Ctrl+S); the undo history stays."""
        if self.report is None or self.project is None:
            return
        try:
            saved = workflows.save_report(self.project, self.report, self.report_id)
        except StudioError as error:
            self._say_error(error)
            return
        self.report_id = saved.id
        self.undo_stack.setClean()
        self._show_title()
        self.message.emit(f"Report {saved.id} saved (version {saved.version}).")
        self.saved.emit(saved)

    def export_dialog(self, fmt: str) -> None:
        """Ask where to write the report as ``fmt``, then :meth:`export` it."""
        if self.report is None:
            return
        folder = self.project.path.parent if self.project is not None else Path.home()
        slug = "-".join(re.findall(r"[A-Za-z0-9]+", self.report.evaluation.title.text.lower()))[:60]
        start = str(folder / f"{slug or 'report'}.{fmt}")
        path, _ = QFileDialog.getSaveFileName(self, "Export report", start, FORMATS[fmt])
        if path:
            self.export(Path(path), fmt)

    def export(self, path: Path, fmt: str) -> Any:
        """Write the report (as edited now) to ``path`` in the window's job pool; the Job, or None."""
        if self.report is None:
            return None
        snapshot = copy.deepcopy(self.report)

        def work(view: Project, progress: Progress, cancel: CancelToken) -> ReportExport:
            return export_edited_report(view, snapshot, path, fmt, progress=progress, cancel=cancel)

        title = f"Export report ({fmt.upper()}) to {path.name}"
        return self.submit_job(title, work, key=f"report-export:{path}", on_done=self._exported)

    def _exported(self, result: object) -> None:
        assert isinstance(result, ReportExport)
        pages = f", {result.pages} pages" if result.pages else ""
        self.message.emit(f"Report written to {result.path}{pages} (fingerprint {result.fingerprint}).")
        self.exported.emit(result)

    def _say_error(self, error: object) -> None:
        text = str(error) if isinstance(error, StudioError) else f"Unexpected error: {error!r}"
        if self.report is None:
            self.title.setText("The report could not be built.")
        self.message.emit(text)

    def shutdown(self) -> None:
        """Cancel and join the editor's reads and the preview's layout (before the project closes)."""
        self.loader.cancel_and_wait()
        self.preview.shutdown()
