"""The main window: open or create a project, import data and models, score, see what it holds.

The central area is a stack of pages: the welcome page (no project open), the table page (a
table or column selected in the project tree) and the analysis page (an analysis selected);
:meth:`MainWindow.show_welcome`, :meth:`~MainWindow.show_table` and
:meth:`~MainWindow.show_analysis` switch between them. The project tree, the models panel and
the jobs dock sit in docks. Every action calls a ``core.workflows`` function; long ones run in
the window's :class:`~.jobs.JobPool` (``window.jobs.submit(title, work, key=…)``), each on a
DuckDB cursor of its own, so the window keeps reading the project while they run.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QUndoGroup
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMessageBox, QStackedWidget, QWidget

from ..core import summaries, workflows
from ..core.cursors import own_cursor
from ..core.errors import CancelledError, StudioError
from ..core.jobs import CancelToken, Progress
from ..core.preferences import Preferences, load_preferences, save_preferences, with_recent
from ..core.project import Project
from .data_view import DataView
from .detail_panel import DetailPanel
from .icons import app_icon
from .jobs import Job, JobPool
from .jobs_dock import JobsDock
from .menus import PROJECT_ACTIONS, build_menus, fill_recent, paint_icons
from .models_panel import ModelsPanel
from .project_tree import ROLE, ProjectTree
from .reports.window import ReportActions
from .status import StatusBar
from .welcome import WelcomePage
from .window_actions import WindowActions
from .workspace.workspace import AnalysisWorkspace

ProjectWork = Callable[[Project, Progress, CancelToken], Any]


class MainWindow(ReportActions, WindowActions, QMainWindow):
    """One window, one open project."""

    def __init__(self, parent: QWidget | None = None, *, preferences_file: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.project: Project | None = None
        self.converting: Project | None = None  # the project being encrypted or decrypted
        self.preferences_file = preferences_file
        self.preferences: Preferences = load_preferences(preferences_file)
        self.jobs = JobPool(self, max_running=self.preferences.max_parallel_jobs)
        self.undo_group = QUndoGroup(self)
        self._pending_errors: list[str] = []
        # Views holding cursors or jobs of their own (data view, decision workspace) register a
        # callback here: it runs before the project is closed or handed to an encryption job.
        self.before_release: list[Callable[[], None]] = []
        self.tree = ProjectTree(self)
        self._build_pages()
        self._build_docks()
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self.actions = build_menus(self)
        self.install_reports()  # Reports menu, the workspace's Report… button (ui/reports/window.py)
        self.tree.itemSelectionChanged.connect(self._show_selection)
        self.pages.currentChanged.connect(self._follow_undo_stack)
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.resize(1180, 760)
        self._remember_recent(None)
        self._refresh()

    def _build_pages(self) -> None:
        """The central stack: welcome page, table page, analysis page."""
        self.pages = QStackedWidget(self)
        self.pages.setObjectName("centralPages")
        self.welcome = WelcomePage(self)
        self.welcome.demo_requested.connect(self.open_demo_analysis)
        self.welcome.new_requested.connect(self.new_project_dialog)
        self.welcome.open_requested.connect(self.open_project_dialog)
        self.welcome.recent_requested.connect(lambda text: self.open_project(Path(text)))
        self.detail = DetailPanel(self)  # the table page: the data view, or a column's histogram
        self.data_view = DataView(self)  # a selected table shows here, on the detail panel's stack
        self.detail.stack.addWidget(self.data_view)
        self.before_release.append(self.data_view.close_table)  # its cursors hold the database open
        self.detail.undo_stack = self.data_view.undo_stack  # Edit ▸ Undo on the table page: role changes
        self.table_page: QWidget = self.detail
        self.table_page.setObjectName("tablePage")
        self.workspace = AnalysisWorkspace(self)  # the analysis page; its undo_stack drives Edit ▸ Undo
        self.analysis_page: QWidget = self.workspace
        self.before_release.append(lambda: self.workspace.set_project(None))  # reads cancelled, joined
        for page in (self.welcome, self.table_page, self.analysis_page):
            self.pages.addWidget(page)
        self.setCentralWidget(self.pages)

    def _build_docks(self) -> None:
        feature = QDockWidget.DockWidgetFeature
        self.project_dock = QDockWidget("Project", self)
        self.project_dock.setObjectName("projectDock")
        self.project_dock.setWidget(self.tree)
        self.project_dock.setFeatures(feature.DockWidgetMovable | feature.DockWidgetFloatable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.project_dock)
        self.models_panel = ModelsPanel(self)
        self.models_panel.score_requested.connect(self.score)
        self.models_panel.remove_requested.connect(self.remove_model)
        self.models_dock = QDockWidget("Models", self)
        self.models_dock.setObjectName("modelsDock")
        self.models_dock.setWidget(self.models_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.models_dock)
        self.models_dock.hide()
        self.jobs_dock = JobsDock(self.jobs, self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.jobs_dock)
        self.jobs_dock.hide()
        self.resizeDocks([self.project_dock], [380], Qt.Orientation.Horizontal)

    # --- pages ---------------------------------------------------------------------------

    def show_welcome(self) -> None:
        """Show the welcome page (demo analyses, new, open, recent projects)."""
        self.pages.setCurrentWidget(self.welcome)

    def show_table(self, name: str) -> None:
        """Show table ``name`` of the open project on the table page."""
        if self.project is None:
            return
        try:
            self.data_view.show_table(self.project, name)
        except StudioError as error:
            self.report_error(error)
            return
        self.detail.title.setText(f"Table {name!r}")
        self.detail.stack.setCurrentWidget(self.data_view)
        self.status.show_rows(name, self.project.row_count(name))
        self.pages.setCurrentWidget(self.table_page)

    def show_analysis(self, name: str) -> None:
        """Show analysis ``name`` of the open project in the decision workspace (loaded off the UI thread)."""
        if self.project is None:
            return
        if self.workspace.project is not self.project:
            self.workspace.set_project(self.project)
        self.pages.setCurrentWidget(self.workspace)
        self.status.rows.setVisible(False)  # the rows of a table, shown only with a table
        self.tree.blockSignals(True)  # mark it in the tree without reacting to that
        self.tree.select_target(("analysis", name))
        self.tree.blockSignals(False)
        self.workspace.load(name)

    def _follow_undo_stack(self, _index: int) -> None:
        """Edit ▸ Undo/Redo act on the current page's ``undo_stack``, when it has one."""
        stack = getattr(self.pages.currentWidget(), "undo_stack", None)
        if stack is not None and stack not in self.undo_group.stacks():
            self.undo_group.addStack(stack)
        self.undo_group.setActiveStack(stack)

    # --- project lifecycle -------------------------------------------------------------

    def open_project(self, path: Path) -> bool:
        """Open ``path`` (closing the current project); errors are shown, not raised.

        An encrypted project whose key is not in the keyring asks for its recovery key, saying why.
        Returns whether the project opened.
        """
        if self.converting is not None:
            self.status.showMessage("Wait for the encryption to finish (or cancel it).", 8000)
            return False
        try:
            opened = self._open_with_prompt(Path(path))
        except StudioError as error:
            self.report_error(error, now=True)
            return False
        if opened is None:
            return False
        self._set_project(opened)
        return True

    def _set_project(self, project: Project | None) -> None:
        self.close_project()
        self.project = project
        if project is not None:
            self._remember_recent(project.path)
        self._refresh()

    def close_project(self) -> None:
        """Cancel and join the project's jobs, then close it."""
        self.jobs.cancel_and_wait()
        self.jobs.reopen()
        self._close_converting()
        if self.project is not None:
            self.release_views()
            self.project.close()
            self.project = None
            self._refresh()

    def release_views(self) -> None:
        """Let every registered view drop its cursors and jobs (see ``before_release``)."""
        for release in self.before_release:
            release()

    def _remember_recent(self, path: Path | None) -> None:
        if path is not None:
            self.preferences = with_recent(self.preferences, path)
            save_preferences(self.preferences, self.preferences_file)
        self.welcome.set_recent(list(self.preferences.recent_projects))
        if hasattr(self, "recent_menu"):
            fill_recent(self, self.preferences.recent_projects)

    # --- jobs ----------------------------------------------------------------------------

    def submit_project_job(
        self, title: str, work: ProjectWork, *, refresh: bool = True, **options: Any
    ) -> Job | None:
        """Run ``work(project, progress, cancel)`` on a cursor of its own; refresh the window after.

        Options as :meth:`JobPool.submit` (``key``, ``heavy``, ``on_done``); a failure is shown.
        ``refresh=False`` for work that changes nothing the window shows (a report export): the
        refresh re-selects the tree's item, which would leave the page the user is on.
        """
        project = self._require_project()
        if project is None:
            return None
        on_done = options.pop("on_done", None)

        def run(progress: Progress, cancel: CancelToken) -> Any:
            with own_cursor(project) as view:
                return work(view, progress, cancel)

        def done(result: Any) -> None:
            if refresh and self.project is project:
                self._refresh()
            if on_done is not None:
                on_done(result)

        def failed(error: Exception) -> None:
            if refresh and self.project is project:
                self._refresh()
            self.report_error(error)

        job = self.jobs.submit(title, run, on_done=done, on_error=failed, **options)
        self.jobs_dock.show()
        return job

    def report_error(self, error: Exception, *, now: bool = False) -> None:
        """Show an error in a dialog (several arriving together share one); a cancel in the status bar."""
        if isinstance(error, CancelledError):
            self.status.showMessage(str(error), 8000)
            return
        self._pending_errors.append(
            str(error) if isinstance(error, StudioError) else f"Unexpected error: {error!r}"
        )
        if now:
            self._flush_errors()
        elif len(self._pending_errors) == 1:
            QTimer.singleShot(0, self._flush_errors)

    def _flush_errors(self) -> None:
        if self._pending_errors:
            text, self._pending_errors = "\n\n".join(self._pending_errors), []
            QMessageBox.critical(self, "Tradeoff Studio", text)

    # --- the project tree ----------------------------------------------------------------

    def _show_selection(self) -> None:
        """Show the selected table, column, model or analysis."""
        items = self.tree.selectedItems()
        target = items[0].data(0, ROLE) if items else None
        if self.project is None or target is None:
            return
        if target[0] == "analysis":
            self.show_analysis(target[1])
        elif target[0] == "table":
            self.show_table(target[1])
        elif target[0] == "column":
            self._show_column(target[1], target[2])
        elif target[0] == "model":
            self.models_panel.select_model(target[1])
            self.models_dock.show()

    def _show_column(self, table: str, column: str) -> None:
        """The distribution of a numeric column, on the table page."""
        assert self.project is not None
        try:
            histogram = summaries.histogram(self.project, table, column)
        except StudioError as error:
            self.report_error(error)
            return
        self.detail.show_histogram(f"{table}.{column}", histogram)
        self.pages.setCurrentWidget(self.table_page)

    def _refresh(self) -> None:
        """Rebuild the tree and panels from the project, keeping the selection when it still exists."""
        items = self.tree.selectedItems()
        selected = items[0].data(0, ROLE) if items else None
        info = workflows.project_info(self.project) if self.project else None
        self.tree.blockSignals(True)
        self.tree.show_info(info)
        self.tree.blockSignals(False)
        for key in PROJECT_ACTIONS:
            self.actions[key].setEnabled(info is not None)
        self.project_dock.setVisible(info is not None)
        self.models_panel.set_project(self.project, self.preferences.provider)
        self.status.show_project(self.project, info)
        if info is None:
            self.setWindowTitle("Tradeoff Studio")
            self.detail.clear_detail()
            self.show_welcome()
            return
        self.setWindowTitle(f"{Path(info.path).name} — Tradeoff Studio")
        if selected is None or not self.tree.select_target(selected):
            self.detail.clear_detail()
            self.pages.setCurrentWidget(self.table_page)
            self.tree.select_first_table()  # a first look at the data instead of an empty panel

    def _require_project(self) -> Project | None:
        if self.project is None:
            text = (
                "Wait for the encryption to finish (or cancel it) first."
                if self.converting is not None
                else "Open or create a project first (Ctrl+O / Ctrl+N)."
            )
            QMessageBox.information(self, "No project", text)
        return self.project

    # --- drag and drop -------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept local files and folders, anywhere on the window."""
        if event.mimeData().hasUrls() and all(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """A .tsproj opens, ONNX files become models, anything else is imported (a job each)."""
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls()]
        event.acceptProposedAction()
        self.open_paths(paths)

    def changeEvent(self, event: QEvent) -> None:
        """Light/dark switch: icons are redrawn in the new palette's text colour."""
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "actions"):
            paint_icons(self.actions)
            self.tree.repaint_icons()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Cancel and join every job, then close the project."""
        self.jobs.cancel_and_wait()
        self.workspace.shutdown()
        self._close_converting()
        if self.project is not None:
            self.release_views()
            self.project.close()
            self.project = None
        event.accept()

    def _close_converting(self) -> None:
        """After its job was cancelled and joined, a project that was being encrypted is closed."""
        if self.converting is not None:
            self.converting.close()
            self.converting = None
