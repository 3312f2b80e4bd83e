"""How the main window reaches the report editor: a mixin of :class:`~..main_window.MainWindow`.

The editor is a page of the central stack (beside the decision workspace, so it has the room for
a form and a page preview, and Edit ▸ Undo follows it like the other pages); it is created on first
use. It opens from the workspace's ``Report…`` button on a current decision, or from Reports ▸ New
Report…, which lets the analyst pick several decisions for one report. The editor's modules (and
the report model's) load on first use, not at start-up (house rule 7).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from ...core import analysis_workflows as flows
from ...core import workflows

if TYPE_CHECKING:
    from ..main_window import MainWindow
    from .editor import ReportEditor
    from .picker import DecisionPicker

    _Base = MainWindow
else:
    _Base = object


class ReportActions(_Base):
    """Open the report editor on decisions; the Reports menu."""

    _report_editor: ReportEditor | None = None

    def install_reports(self) -> None:
        """Add the Reports menu (before Help) and the workspace's ``Report…`` button's connection."""
        menu = QMenu("&Reports", self)
        menu.setObjectName("reportsMenu")
        help_menu = next(a for a in self.menuBar().actions() if a.text() == "&Help")
        self.menuBar().insertMenu(help_menu, menu)
        action = QAction("&New Report…", self)
        action.setObjectName("newReportAction")
        action.setShortcut(QKeySequence("Ctrl+Shift+R"))
        action.triggered.connect(lambda _checked=False: self.new_report_dialog())
        menu.addAction(action)
        self.actions["new_report"] = action
        saved = menu.addMenu("&Open Saved Report")
        saved.setObjectName("savedReportsMenu")
        saved.aboutToShow.connect(lambda: self._fill_saved_reports(saved))
        inspector = self.workspace.inspector
        inspector.reportRequested.connect(lambda decision_id: self.open_report_editor([decision_id]))

    def _fill_saved_reports(self, menu: QMenu) -> None:
        """The project's saved reports, latest version each (filled each time the menu opens)."""
        menu.clear()
        saved = workflows.list_reports(self.project) if self.project is not None else []
        for record in saved:
            text = f"{record.title} — version {record.version}, {', '.join(record.decisions)} ({record.id})"
            action = menu.addAction(text)
            action.triggered.connect(lambda _checked=False, rid=record.id: self.open_saved_report(rid))
        if not saved:
            menu.addAction("No saved report yet (Save in the report editor, Ctrl+S)").setEnabled(False)

    def open_saved_report(self, report_id: str) -> ReportEditor | None:
        """Show the editor on saved report ``report_id`` (its latest version, as saved)."""
        editor = self._editor_on_project()
        if editor is not None:
            editor.open_saved(report_id)
        return editor

    def _editor_on_project(self) -> ReportEditor | None:
        project = self._require_project()
        if project is None:
            return None
        editor = self.report_editor
        if editor.project is not project:
            editor.set_project(project)
        self.pages.setCurrentWidget(editor)
        self.status.rows.setVisible(False)
        return editor

    @property
    def report_editor(self) -> ReportEditor:
        """The editor page (created, added to the central stack and tied to the project on first use)."""
        if self._report_editor is None:
            from .editor import ReportEditor  # the report modules load when the editor is first used

            editor = ReportEditor(partial(self.submit_project_job, refresh=False), self)
            editor.message.connect(lambda text: self.status.showMessage(text, 10000) if text else None)
            self.pages.addWidget(editor)
            self.before_release.append(lambda: editor.set_project(None))  # its jobs cancelled and joined
            self._report_editor = editor
        return self._report_editor

    def open_report_editor(self, decision_ids: list[str]) -> ReportEditor | None:
        """Show the editor on a new report covering ``decision_ids`` (built off the UI thread)."""
        editor = self._editor_on_project()
        if editor is not None:
            editor.open_decisions(decision_ids)
        return editor

    def new_report_dialog(self) -> DecisionPicker | None:
        """Reports ▸ New Report…: pick decisions, then open the editor on them (non-blocking dialog)."""
        project = self._require_project()
        if project is None:
            return None
        decisions = flows.list_decisions(project)
        if not decisions:
            self.status.showMessage("No decision yet: lock a candidate in an analysis first.", 8000)
            return None
        shown = self.workspace.data.current_decision() if self.workspace.data is not None else None
        checked = {shown.id} if shown is not None else {d.id for d in decisions if d.status == "current"}
        from .picker import DecisionPicker

        picker = DecisionPicker(decisions, checked, self)
        picker.accepted.connect(lambda: self.open_report_editor(picker.selected()))
        picker.open()
        return picker
