"""What the window's menus, welcome page, models panel and drops do: each a ``core.workflows`` call,
the long ones as jobs. A mixin of :class:`~.main_window.MainWindow`, kept apart for its size."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox

from ..core import keys, workflows
from ..core.errors import StudioError
from ..core.jobs import CancelToken, Progress
from ..core.preferences import save_preferences
from ..core.project import Project, ProjectKeyRequiredError
from .about import AboutDialog
from .drops import plan_drop
from .menus import PROJECT_ACTIONS
from .preferences_dialog import PreferencesDialog, apply_theme
from .score_dialog import ScoreDialog

if TYPE_CHECKING:
    from .main_window import MainWindow
    from .workspace.setup_form import AnalysisSetup

DATA_FILTER = "Data files (*.csv *.tsv *.txt *.parquet *.pq *.json *.ndjson *.jsonl *.xlsx *.gz *.zst *.zip)"
PROJECT_FILTER = "Projects (*.tsproj)"


class WindowActions:
    """File, Edit and Help actions; ``self`` is the :class:`MainWindow`."""

    # --- projects --------------------------------------------------------------------

    def new_project_dialog(self: MainWindow, reason: str = "New project") -> None:
        """Ask for a file name and create an empty project there."""
        name, _filter = QFileDialog.getSaveFileName(self, reason, "", PROJECT_FILTER)
        if not name:
            return
        try:
            created = workflows.create_project(name)
        except StudioError as error:
            self.report_error(error, now=True)
            return
        self._set_project(created)

    def open_project_dialog(self: MainWindow) -> None:
        """Ask for a project file and open it."""
        name, _filter = QFileDialog.getOpenFileName(self, "Open project", "", PROJECT_FILTER)
        if name:
            self.open_project(Path(name))

    def _open_with_prompt(self: MainWindow, path: Path) -> Project | None:
        """Open ``path``; an encrypted project whose key is not in the keyring asks for its recovery key."""
        try:
            return workflows.open_project(path)
        except ProjectKeyRequiredError as error:
            text, ok = QInputDialog.getText(
                self, "Recovery key needed", f"{error}\n\nRecovery key (TSK1-…):", QLineEdit.EchoMode.Password
            )
            if not ok or not text.strip():
                return None
            try:
                key = keys.parse_recovery_text(text, source=f"The recovery key given for {path}")
            except StudioError as mistyped:
                raise StudioError(str(mistyped)) from None
            return workflows.open_project(path, key=key)

    def save_as_dialog(self: MainWindow) -> None:
        """Save a copy of the project under a new name (a job), then work on the copy."""
        project = self._require_project()
        if project is None:
            return
        options = QFileDialog.Option.DontConfirmOverwrite  # an existing file is refused, never replaced
        name, _filter = QFileDialog.getSaveFileName(
            self, "Save project as", "", PROJECT_FILTER, options=options
        )
        if name:
            self.submit_project_job(
                f"Save a copy as {Path(name).name}",
                lambda view, progress, cancel: workflows.save_as(
                    view, Path(name), progress=progress, cancel=cancel
                ),
                on_done=self.open_project,
            )

    def open_demo_analysis(self: MainWindow, analysis: str) -> None:
        """Open the bundled demo project (built first, as a job, when missing) on ``analysis``."""
        from ..core.demo import demo_project_path, ensure_demo_project

        if demo_project_path().exists():
            self._open_demo(demo_project_path(), analysis)
            return
        self.jobs.submit(
            "Prepare the demo project (first run only)",
            ensure_demo_project,
            key="demo",
            on_done=lambda path: self._open_demo(path, analysis),
            on_error=self.report_error,
        )
        self.jobs_dock.show()

    def _open_demo(self: MainWindow, path: Path, analysis: str) -> None:
        if self.open_project(path) and not self.tree.select_target(("analysis", analysis)):
            self.status.showMessage(f"The demo project has no analysis {analysis!r}.", 8000)

    # --- data and models -------------------------------------------------------------

    def open_paths(self: MainWindow, paths: list[Path]) -> None:
        """Dropped paths: a .tsproj opens; data files, folders and ONNX models go into the open
        project, one job each (a project is created first when none is open)."""
        plan = plan_drop(paths)
        if plan.projects:
            self.open_project(plan.projects[0])
            if len(plan.projects) > 1:
                others = ", ".join(path.name for path in plan.projects[1:])
                self.status.showMessage(
                    f"Opened {plan.projects[0].name}; one project at a time ({others} not opened)."
                )
        if not (plan.data or plan.models):
            return
        if self.project is None:
            self.new_project_dialog("Create a project for the dropped files")
        if self.project is not None:
            self.import_paths(plan.data)
            self.add_models(plan.models)

    def import_dialog(self: MainWindow) -> None:
        """Pick data files and import them, one table per file."""
        names, _filter = QFileDialog.getOpenFileNames(self, "Import data", "", DATA_FILTER)
        if names:
            self.import_paths([Path(name) for name in names])

    def import_paths(self: MainWindow, paths: list[Path]) -> None:
        """Import each file or folder as its own job (each atomic: a broken file leaves nothing)."""
        for path in paths:
            self.submit_project_job(
                f"Import {path.name}",
                lambda view, progress, cancel, source=path: workflows.import_data(
                    view, [source], progress=progress, cancel=cancel
                ),
            )

    def add_model_dialog(self: MainWindow) -> None:
        """Pick ONNX files and add them to the project."""
        names, _filter = QFileDialog.getOpenFileNames(self, "Add model", "", "ONNX models (*.onnx)")
        if names:
            self.add_models([Path(name) for name in names])

    def add_models(self: MainWindow, paths: list[Path]) -> None:
        """Validate and copy each ONNX model into the project, a job each."""
        for path in paths:
            self.submit_project_job(
                f"Add model {path.name}",
                lambda view, _progress, _cancel, source=path: workflows.add_model(view, source),
            )

    def score_dialog(self: MainWindow) -> None:
        """Choose a model, a table and a provider, then score the table as a job."""
        project = self._require_project()
        if project is None:
            return
        models = [record.name for record in workflows.list_models(project)]
        dialog = ScoreDialog(models, project.tables(), self)
        dialog.provider.setCurrentText(self.preferences.provider)
        if dialog.exec():
            self.score(*dialog.choice())

    def score(self: MainWindow, model: str, table: str, provider: str) -> None:
        """Score ``table`` with ``model`` on ``provider`` into a new column (a job)."""

        def work(view: Project, progress: Progress, cancel: CancelToken) -> Any:
            return workflows.score(view, model=model, table=table, provider=provider, progress=progress,
                                   cancel=cancel)  # fmt: skip

        self.submit_project_job(
            f"Score {table} with {model}",
            work,
            on_done=lambda record: self.status.show_provider(record.provider, used=True),
        )

    def remove_model(self: MainWindow, name: str) -> None:
        """Ask, then remove model ``name`` (its score columns stay, with their provenance)."""
        answer = QMessageBox.question(
            self, "Remove model", f"Remove the model {name!r} from the project? Its score columns stay."
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.submit_project_job(
                f"Remove model {name}", lambda view, _p, _c: workflows.remove_model(view, name)
            )

    def new_analysis_dialog(self: MainWindow, kind: str | None = None) -> AnalysisSetup | None:
        """The setup form built from the analysis kinds' descriptors; Run starts the analysis as a job."""
        from .workspace.setup_form import AnalysisSetup

        project = self._require_project()
        if project is None:
            return None
        info = workflows.project_info(project)
        tables = {t["name"]: [(c["name"], c["type"]) for c in t["columns"]] for t in info.tables}
        dialog = AnalysisSetup(
            tables, [m["name"] for m in info.models], self, initial_kind=kind,
            role_defaults=lambda kind_name, table: workflows.analysis_defaults(project, kind_name, table),
        )  # fmt: skip
        if dialog.exec():
            self.run_analysis(dialog.result_spec, *dialog.name_and_where())
        return dialog

    def run_analysis(
        self: MainWindow, spec: object, name: str | None = None, where: str | None = None
    ) -> None:
        """Run and store an analysis as a job, then show it (the previous front of the same kind and
        table stays drawn as a faded ghost)."""
        from ..core import analysis_workflows as flows

        if self._require_project() is None:
            return
        self.workspace.keep_ghost_if_same(spec)
        self.submit_project_job(
            f"Analysis {name or ''}".strip(),
            lambda view, progress, cancel: flows.analyze(view, spec, name=name, progress=progress,
                                                         cancel=cancel, where=where),
            on_done=lambda record: self.show_analysis(record.name),
        )  # fmt: skip

    # --- encryption ------------------------------------------------------------------

    def encrypt_current(self: MainWindow) -> None:
        """Encrypt the open project as a job (progress, Cancel); show its recovery key once."""
        self._convert("encrypt")

    def decrypt_current(self: MainWindow) -> None:
        """Write the open project back unencrypted, as a job."""
        self._convert("decrypt")

    def _convert(self: MainWindow, action: str) -> None:
        project = self._require_project()
        if project is None:
            return
        if project.encrypted == (action == "encrypt"):
            self.status.showMessage(f"This project is already {action}ed.", 8000)
            return
        if self.jobs.busy:
            self.status.showMessage(
                f"Wait for the running jobs to finish (or cancel them), then {action}.", 8000
            )
            return
        self.release_views()
        self.converting, self.project = project, None  # nothing else touches it meanwhile
        self.tree.setEnabled(False)
        for key in PROJECT_ACTIONS:
            self.actions[key].setEnabled(False)
        convert = workflows.encrypt if action == "encrypt" else workflows.decrypt
        self.jobs.submit(
            f"{action.capitalize()} {project.path.name}",
            lambda progress, cancel: convert(project, progress=progress, cancel=cancel),
            exclusive=True,
            on_done=lambda key: self._converted(project, key),
            on_error=lambda error: self._not_converted(project, error),
        )
        self.jobs_dock.show()

    def _converted(self: MainWindow, project: Project, key: bytes | None) -> None:
        self.converting = None
        self.tree.setEnabled(True)
        if key is not None:
            where = (
                "It is also kept in this computer's keyring."
                if keys.keyring_available()
                else "This computer has no keyring: you will need this key every time you open the project."
            )
            QMessageBox.information(
                self,
                "Project encrypted",
                f"Store this recovery key safely. {where}\n\n{keys.recovery_text(key)}",
            )
        try:
            reopened = workflows.open_project(project.path, key=key)
        except StudioError as error:
            self._refresh()
            self.report_error(error, now=True)
            return
        self._set_project(reopened)

    def _not_converted(self: MainWindow, project: Project, error: Exception) -> None:
        """Cancelled or failed: the file is as it was and the project still open."""
        self.converting = None
        self.tree.setEnabled(True)
        self.project = project
        self._refresh()
        self.report_error(error)

    # --- preferences and About -------------------------------------------------------

    def preferences_dialog(self: MainWindow) -> None:
        """Edit the preferences; they are saved (versioned) and applied at once."""
        dialog = PreferencesDialog(self.preferences, self)
        if not dialog.exec():
            return
        self.preferences = dialog.chosen()
        save_preferences(self.preferences, self.preferences_file)
        self.apply_preferences()

    def apply_preferences(self: MainWindow) -> None:
        """Theme, jobs at once and the scoring provider, from ``self.preferences``."""
        apply_theme(self.preferences.theme)
        self.jobs.max_running = self.preferences.max_parallel_jobs
        self.models_panel.provider.setCurrentText(self.preferences.provider)
        self.status.show_provider(self.preferences.provider, used=False)

    def about_dialog(self: MainWindow) -> None:
        """Help ▸ About: versions of the app, Qt, DuckDB, onnxruntime and the execution providers."""
        AboutDialog(self).exec()
