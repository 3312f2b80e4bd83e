"""The main window: open or create a project, import data and models, score, see what it holds.

This is the foundation's window; the trade-off views arrive with their own issue. Every action
calls a ``core.workflows`` function, long ones on the :class:`JobRunner` with a progress bar
and a Cancel button in the status bar.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from ..core import analysis_workflows as flows
from ..core import keys, summaries, workflows
from ..core.analyses.store import AnalysisRecord
from ..core.errors import CancelledError, StudioError
from ..core.project import Project, ProjectKeyRequiredError
from .data_view import DataView
from .detail_panel import DetailPanel
from .jobs import JobRunner, Work
from .project_tree import ROLE, ProjectTree
from .score_dialog import ScoreDialog
from .workspace.setup_form import AnalysisSetup
from .workspace.workspace import AnalysisWorkspace

DATA_FILTER = "Data files (*.csv *.tsv *.txt *.parquet *.pq *.json *.ndjson *.jsonl *.xlsx *.gz *.zip)"


class MainWindow(QMainWindow):
    """One window, one open project."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.jobs = JobRunner(self)
        self.tree = ProjectTree(self)
        self.detail = DetailPanel(self)
        self.data_view = DataView(self)  # a selected table shows here, on the detail panel's stack
        self.detail.stack.addWidget(self.data_view)
        splitter = QSplitter(self)
        splitter.addWidget(self.tree)
        self.workspace = AnalysisWorkspace(self)  # shown instead of the detail panel for an analysis
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.detail)
        self.pages.addWidget(self.workspace)
        splitter.addWidget(self.pages)
        splitter.setSizes([430, 670])
        self.setCentralWidget(splitter)
        self.tree.itemSelectionChanged.connect(self._show_selection)
        self.setAcceptDrops(True)
        self.resize(1100, 720)
        self._build_status_bar()
        self._build_menus()
        self.jobs.progressed.connect(self._on_progress)
        self.jobs.succeeded.connect(self._on_job_done)
        self.jobs.failed.connect(self._on_job_failed)
        self._refresh()

    def _build_status_bar(self) -> None:
        self.status_label = QLabel("No project open. File ▸ Open (Ctrl+O) or drop files here.")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(260)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.jobs.cancel)
        bar = self.statusBar()
        bar.addWidget(self.status_label, 1)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        self._show_busy(False)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.actions: dict[str, QAction] = {}
        for key, text, shortcut, slot in [
            ("new", "&New Project…", QKeySequence.StandardKey.New, self.new_project_dialog),
            ("open", "&Open Project…", QKeySequence.StandardKey.Open, self.open_project_dialog),
            ("import", "&Import Data…", "Ctrl+I", self.import_dialog),
            ("model", "Add &Model…", "Ctrl+M", self.add_model_dialog),
            ("score", "&Score Table…", "Ctrl+R", self.score_dialog),
            ("analysis", "New &Analysis…", "Ctrl+Shift+A", self.new_analysis_dialog),
            ("encrypt", "&Encrypt Project…", "", self.encrypt_current),
            ("quit", "&Quit", QKeySequence.StandardKey.Quit, self.close),
        ]:
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            file_menu.addAction(action)
            self.actions[key] = action
        self._build_edit_menu()

    def _build_edit_menu(self) -> None:
        """Edit ▸ Undo / Redo act on the decision workspace's undo stack."""
        edit_menu = self.menuBar().addMenu("&Edit")
        undo = self.workspace.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.workspace.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for key, action in (("undo", undo), ("redo", redo)):
            edit_menu.addAction(action)
            self.actions[key] = action

    # --- project lifecycle -------------------------------------------------------------

    def open_project(self, path: Path) -> None:
        """Open ``path`` (closing the current project); errors are shown, not raised.

        An encrypted project whose key is not in the keyring asks for its recovery key, saying why.
        """
        try:
            opened = self._open_with_prompt(path)
        except StudioError as error:
            self._show_error(error)
            return
        if opened is None:
            return
        self._close_project()
        self.project = opened
        self._refresh()

    def _open_with_prompt(self, path: Path) -> Project | None:
        try:
            return workflows.open_project(path)
        except ProjectKeyRequiredError as error:
            text, ok = QInputDialog.getText(
                self,
                "Recovery key needed",
                f"{error}\n\nRecovery key (TSK1-…):",
                QLineEdit.EchoMode.Password,
            )
            if not ok or not text.strip():
                return None
            return workflows.open_project(path, key=keys.parse_recovery_text(text))

    def new_project_dialog(self) -> None:
        """Ask for a file name and create an empty project there."""
        name, _filter = QFileDialog.getSaveFileName(self, "New project", "", "Projects (*.tsproj)")
        if not name:
            return
        try:
            created = workflows.create_project(name)
        except StudioError as error:
            self._show_error(error)
            return
        self._close_project()
        self.project = created
        self._refresh()

    def open_project_dialog(self) -> None:
        """Ask for a project file and open it."""
        name, _filter = QFileDialog.getOpenFileName(self, "Open project", "", "Projects (*.tsproj)")
        if name:
            self.open_project(Path(name))

    def _close_project(self) -> None:
        self.workspace.set_project(None)  # its reads are cancelled and joined before the file closes
        self.data_view.close_table()  # its cursors hold the database open
        if self.project is not None:
            self.project.close()
            self.project = None

    # --- actions -------------------------------------------------------------------------

    def import_dialog(self) -> None:
        """Pick data files and import them, one table per file."""
        names, _filter = QFileDialog.getOpenFileNames(self, "Import data", "", DATA_FILTER)
        if names:
            self.import_paths([Path(name) for name in names])

    def import_paths(self, paths: list[Path]) -> None:
        """Import files or folders as a background job."""
        project = self._require_project()
        if project is not None:
            self._start(
                lambda progress, cancel: workflows.import_data(
                    project, paths, progress=progress, cancel=cancel
                )
            )

    def add_model_dialog(self) -> None:
        """Pick ONNX files and add them to the project."""
        names, _filter = QFileDialog.getOpenFileNames(self, "Add model", "", "ONNX models (*.onnx)")
        if names:
            self.add_models([Path(name) for name in names])

    def add_models(self, paths: list[Path]) -> None:
        """Validate and copy ONNX models into the project as a background job."""
        project = self._require_project()
        if project is not None:
            self._start(lambda _progress, _cancel: [workflows.add_model(project, path) for path in paths])

    def score_dialog(self) -> None:
        """Choose a model and a table, then score the table as a background job."""
        project = self._require_project()
        if project is None:
            return
        info = workflows.project_info(project)
        dialog = ScoreDialog([m["name"] for m in info.models], [t["name"] for t in info.tables], self)
        if dialog.exec():
            model, table, provider = dialog.choice()
            self._start(
                lambda progress, cancel: workflows.score(
                    project, model=model, table=table, provider=provider, progress=progress, cancel=cancel
                )
            )

    def new_analysis_dialog(self, kind: str | None = None) -> AnalysisSetup | None:
        """The setup form built from the analysis kinds' descriptors; Run starts the analysis as a job."""
        project = self._require_project()
        if project is None:
            return None
        info = workflows.project_info(project)
        tables = {t["name"]: [(c["name"], c["type"]) for c in t["columns"]] for t in info.tables}
        dialog = AnalysisSetup(tables, [m["name"] for m in info.models], self, initial_kind=kind)
        if dialog.exec():
            self.run_analysis(dialog.result_spec, *dialog.name_and_where())
        return dialog

    def run_analysis(self, spec: object, name: str | None = None, where: str | None = None) -> None:
        """Run and store an analysis as a background job, then show it (the previous front of the
        same kind and table stays drawn as a faded ghost)."""
        project = self._require_project()
        if project is None:
            return
        self.workspace.keep_ghost_if_same(spec)
        self._start(lambda progress, cancel: flows.analyze(project, spec, name=name, progress=progress,
                                                           cancel=cancel, where=where))  # fmt: skip

    def encrypt_current(self) -> None:
        """Encrypt the open project and show its recovery key once."""
        project = self._require_project()
        if project is None or self.jobs.busy:
            return
        if project.encrypted:
            self.statusBar().showMessage("This project is already encrypted.", 5000)
            return
        path = project.path
        self.project = None
        self.data_view.close_table()
        try:
            key = workflows.encrypt(project)
        except StudioError as error:
            self._show_error(error)
            self.open_project(path)
            return
        where = (
            "It is also kept in this computer's keyring."
            if keys.keyring_available()
            else ("This computer has no keyring: you will need this key every time you open the project.")
        )
        QMessageBox.information(
            self, "Project encrypted", f"Store this recovery key safely. {where}\n\n{keys.recovery_text(key)}"
        )
        if keys.keyring_available():
            self.open_project(path)
        else:
            self._refresh()

    # --- jobs ------------------------------------------------------------------------------

    def _start(self, work: Work) -> None:
        if self.jobs.busy:
            self.statusBar().showMessage("Wait for the running job to finish, or cancel it.", 5000)
            return
        self._show_busy(True)
        self.jobs.start(work)

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.status_label.setText(message)

    def _on_job_done(self, _result: Any) -> None:
        self._show_busy(False)
        self._refresh()
        if isinstance(_result, AnalysisRecord):  # a new analysis: look at it
            self.show_analysis(_result.name)

    def _on_job_failed(self, error: Exception) -> None:
        self._show_busy(False)
        self._refresh()
        if isinstance(error, CancelledError):
            self.statusBar().showMessage(str(error), 8000)
        else:
            self._show_error(error)

    def _show_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.progress.setValue(0)

    def _show_selection(self) -> None:
        """Preview the selected table, or plot the selected numeric column (never during a job)."""
        items = self.tree.selectedItems()
        target = items[0].data(0, ROLE) if items else None
        if self.project is None or target is None or self.jobs.busy:
            self.detail.clear_detail()
            return
        if target[0] == "analysis":
            self.show_analysis(target[1])
            return
        self._show_detail()
        try:
            if target[0] == "table":
                self.data_view.show_table(self.project, target[1])
                self.detail.title.setText(f"Table {target[1]!r}")
                self.detail.stack.setCurrentWidget(self.data_view)
            else:
                histogram = summaries.histogram(self.project, target[1], target[2])
                self.detail.show_histogram(f"{target[1]}.{target[2]}", histogram)
        except StudioError as error:
            self._show_error(error)

    def show_analysis(self, name: str) -> None:
        """Show analysis ``name`` of the open project in the decision workspace (loaded off the UI thread)."""
        if self.project is None:
            return
        if self.workspace.project is not self.project:
            self.workspace.set_project(self.project)
        self.pages.setCurrentWidget(self.workspace)
        self._mark_in_tree(("analysis", name))
        self.workspace.load(name)

    def _mark_in_tree(self, target: tuple[str, str]) -> None:
        """Make the tree's current item the one carrying ``target``, without reacting to it."""
        every = self.tree.findItems("*", Qt.MatchFlag.MatchWildcard | Qt.MatchFlag.MatchRecursive)
        found = [item for item in every if item.data(0, ROLE) == target]
        if found and self.tree.currentItem() is not found[0]:
            self.tree.blockSignals(True)
            self.tree.setCurrentItem(found[0])
            self.tree.blockSignals(False)

    def _show_detail(self) -> None:
        self.pages.setCurrentWidget(self.detail)

    # --- helpers ---------------------------------------------------------------------------

    def _require_project(self) -> Project | None:
        if self.project is None:
            QMessageBox.information(self, "No project", "Open or create a project first (Ctrl+O / Ctrl+N).")
        return self.project

    def _show_error(self, error: Exception) -> None:
        text = str(error) if isinstance(error, StudioError) else f"Unexpected error: {error!r}"
        QMessageBox.critical(self, "Tradeoff Studio", text)

    def _refresh(self) -> None:
        info = workflows.project_info(self.project) if self.project else None
        self.tree.show_info(info)
        self.detail.clear_detail()
        for key in ("import", "model", "score", "encrypt", "analysis"):
            self.actions[key].setEnabled(info is not None)
        if info is not None:
            self.setWindowTitle(f"{Path(info.path).name} — Tradeoff Studio")
            self.status_label.setText(
                f"{info.path} · {_count(len(info.tables), 'table')} · {_count(len(info.models), 'model')}"
            )
            self.tree.select_first_table()  # a first look at the data instead of an empty panel
        else:
            self.setWindowTitle("Tradeoff Studio")

    # --- drag and drop -------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept local files."""
        if event.mimeData().hasUrls() and all(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """ONNX files become models, a .tsproj opens, anything else is imported."""
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls()]
        event.acceptProposedAction()
        projects = [path for path in paths if path.suffix == ".tsproj"]
        if projects:
            self.open_project(projects[0])
            return
        models = [path for path in paths if path.suffix.lower() == ".onnx"]
        data = [path for path in paths if path not in models]
        if models:
            self.add_models(models)
        elif data:
            self.import_paths(data)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Cancel and join the running job, then close the project."""
        self.jobs.cancel_and_wait()
        self.workspace.shutdown()
        self._close_project()
        event.accept()


def _count(number: int, noun: str) -> str:
    """``1 table``, ``3 tables``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
