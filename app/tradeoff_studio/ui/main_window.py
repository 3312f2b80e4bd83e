"""The main window: open or create a project, import data and models, score, see what it holds.

The central area is a stack of pages: the welcome page (no project open), the table page (a
table or column selected in the project tree) and the analysis page (an analysis selected);
:meth:`MainWindow.show_welcome`, :meth:`~MainWindow.show_table` and
:meth:`~MainWindow.show_analysis` switch between them. The project tree sits in a dock. Every
action calls a ``core.workflows`` function, long ones as background jobs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from ..core import keys, summaries, workflows
from ..core.errors import CancelledError, StudioError
from ..core.project import Project, ProjectKeyRequiredError
from .detail_panel import DetailPanel
from .jobs import JobRunner, Work
from .project_tree import ROLE, ProjectTree
from .score_dialog import ScoreDialog
from .welcome import WelcomePage

DATA_FILTER = "Data files (*.csv *.tsv *.txt *.parquet *.pq *.json *.ndjson *.jsonl *.xlsx)"


class MainWindow(QMainWindow):
    """One window, one open project."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.jobs = JobRunner(self)
        self.tree = ProjectTree(self)
        self._build_pages()
        self._build_project_dock()
        self.tree.itemSelectionChanged.connect(self._show_selection)
        self.setAcceptDrops(True)
        self.resize(1100, 720)
        self._build_status_bar()
        self._build_menus()
        self.jobs.progressed.connect(self._on_progress)
        self.jobs.succeeded.connect(self._on_job_done)
        self.jobs.failed.connect(self._on_job_failed)
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
        self.detail = DetailPanel(self)  # the table page (a placeholder the data view replaces)
        self.table_page: QWidget = self.detail
        self.table_page.setObjectName("tablePage")
        self.analysis_page = QLabel()  # a placeholder the decision workspace replaces
        self.analysis_page.setObjectName("analysisPage")
        self.analysis_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.analysis_page.setWordWrap(True)
        for page in (self.welcome, self.table_page, self.analysis_page):
            self.pages.addWidget(page)
        self.setCentralWidget(self.pages)

    def _build_project_dock(self) -> None:
        self.project_dock = QDockWidget("Project", self)
        self.project_dock.setObjectName("projectDock")
        self.project_dock.setWidget(self.tree)
        feature = QDockWidget.DockWidgetFeature
        self.project_dock.setFeatures(feature.DockWidgetMovable | feature.DockWidgetFloatable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.project_dock)
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
            self.detail.show_preview(name, summaries.preview(self.project, name))
        except StudioError as error:
            self._show_error(error)
            return
        self.pages.setCurrentWidget(self.table_page)

    def show_analysis(self, name: str) -> None:
        """Show analysis ``name`` of the open project on the analysis page (placeholder)."""
        self.analysis_page.setText(
            f"Analysis {name!r}: its front, inspector and decision open here (the decision workspace)."
        )
        self.pages.setCurrentWidget(self.analysis_page)

    def open_demo_analysis(self, analysis: str) -> None:
        """Open the bundled demo project (built once, first) and select ``analysis`` in it."""
        from ..core.demo import ensure_demo_project

        try:
            path = ensure_demo_project()
        except StudioError as error:
            self._show_error(error)
            return
        self.open_project(path)
        if self.project is not None and not self.tree.select_target(("analysis", analysis)):
            self.statusBar().showMessage(f"The demo project has no analysis {analysis!r}.", 8000)

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
            ("encrypt", "&Encrypt Project…", "", self.encrypt_current),
            ("quit", "&Quit", QKeySequence.StandardKey.Quit, self.close),
        ]:
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            file_menu.addAction(action)
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
        """Show the selected table, column or analysis (the table page waits while a job runs)."""
        items = self.tree.selectedItems()
        target = items[0].data(0, ROLE) if items else None
        if self.project is None or target is None:
            return
        if target[0] == "analysis":
            self.show_analysis(target[1])
        elif self.jobs.busy:
            self.detail.clear_detail()
        elif target[0] == "table":
            self.show_table(target[1])
        elif target[0] == "column":
            self._show_column(target[1], target[2])

    def _show_column(self, table: str, column: str) -> None:
        """The distribution of a numeric column, on the table page."""
        assert self.project is not None
        try:
            histogram = summaries.histogram(self.project, table, column)
        except StudioError as error:
            self._show_error(error)
            return
        self.detail.show_histogram(f"{table}.{column}", histogram)
        self.pages.setCurrentWidget(self.table_page)

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
        for key in ("import", "model", "score", "encrypt"):
            self.actions[key].setEnabled(info is not None)
        self.project_dock.setVisible(info is not None)
        if info is not None:
            self.pages.setCurrentWidget(self.table_page)
            self.setWindowTitle(f"{Path(info.path).name} — Tradeoff Studio")
            self.status_label.setText(
                f"{info.path} · {_count(len(info.tables), 'table')} · {_count(len(info.models), 'model')}"
            )
            self.tree.select_first_table()  # a first look at the data instead of an empty panel
        else:
            self.setWindowTitle("Tradeoff Studio")
            self.show_welcome()

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
        self._close_project()
        event.accept()


def _count(number: int, noun: str) -> str:
    """``1 table``, ``3 tables``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
