"""The app shell offscreen, driving the real window: pages, drops, welcome page, recent projects,
encryption with Cancel, the models panel, About, closing with a running job."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import onnx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from support.data_files import write_parquet, write_xlsx
from support.onnx_builders import scaled
from support.qt_drop import drop_files
from tradeoff_studio.core import encryption, workflows
from tradeoff_studio.core.analyses.candidates import parse_objectives
from tradeoff_studio.core.analyses.generic import GenericSpec
from tradeoff_studio.core.data.importer import import_files
from tradeoff_studio.core.demo import demo_project_path, ensure_demo_project
from tradeoff_studio.core.errors import CancelledError
from tradeoff_studio.core.paths import resources_dir
from tradeoff_studio.core.project import create_project
from tradeoff_studio.ui.about import AboutDialog
from tradeoff_studio.ui.main_window import MainWindow


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Texts of the error dialogs the window shows (instead of blocking on them)."""
    texts: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: texts.append(text))
    return texts


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    made = MainWindow(preferences_file=tmp_path / "preferences.json")
    qtbot.addWidget(made)
    made.show()
    qtbot.waitExposed(made)
    yield made
    made.close()


@pytest.fixture(scope="module")
def built_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project, built once for this module in a folder of its own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("demo-data")))
        return ensure_demo_project()


def small_project(tmp_path: Path) -> Path:
    """A project with one table and one analysis."""
    path = tmp_path / "w.tsproj"
    csv = tmp_path / "options.csv"
    csv.write_text("option,cost,quality\na,1,0.5\nb,2,0.7\nc,3,0.6\n")
    with create_project(path) as project:
        import_files(project, [csv])
        spec = GenericSpec("options", parse_objectives("cost:min,quality:max"), id_column="option")
        workflows.analyze_generic(project, spec, name="opts")
    return path


def test_pages_follow_the_project_and_the_selection(window: MainWindow, tmp_path: Path) -> None:
    path = small_project(tmp_path)
    assert window.pages.currentWidget() is window.welcome
    assert window.welcome.objectName() == "welcomePage"
    assert window.open_project(path)
    assert window.pages.currentWidget() is window.table_page  # the first table is selected
    assert "options" in window.detail.title.text()
    assert window.status.rows.text() == "options: 3 rows"
    assert window.status.encryption.text() == "Not encrypted"
    assert window.tree.select_target(("analysis", "opts"))
    assert window.pages.currentWidget() is window.analysis_page is window.workspace
    assert window.workspace.project is window.project
    assert window.status.rows.isHidden()  # no table shown, no row count
    window.show_table("options")
    assert window.pages.currentWidget() is window.table_page
    window.show_welcome()
    assert window.pages.currentWidget() is window.welcome
    window.close_project()
    assert window.project is None and window.pages.currentWidget() is window.welcome


def test_drop_six_files_together_each_a_job(
    window: MainWindow, tmp_path: Path, shown: list[str], qtbot: QtBot
) -> None:
    project_path = tmp_path / "target.tsproj"
    create_project(project_path).close()
    csv = tmp_path / "loans.csv"
    csv.write_text("id,x\n1,0.5\n2,1.5\n3,2.5\n")
    parquet = write_parquet(tmp_path / "prices.parquet", "SELECT range AS id, range * 2.0 AS x FROM range(9)")
    xlsx = write_xlsx(tmp_path / "budget.xlsx", "SELECT 'a' AS item, 1.5 AS cost UNION ALL SELECT 'b', 2.5")
    broken = tmp_path / "broken.csv"
    broken.write_text("a,b\n1,2\n3\n")
    model = tmp_path / "doubler.onnx"
    onnx.save(scaled(2.0), model)

    dropped = [csv, parquet, xlsx, broken, model, project_path]
    assert drop_files(window.welcome, dropped)  # onto the welcome page: it reaches the window
    assert window.project is not None and window.project.path == project_path
    imported = ("loans.csv", "prices.parquet", "budget.xlsx", "broken.csv")
    titles = [job.title for job in window.jobs.jobs]
    assert titles == [*(f"Import {name}" for name in imported), "Add model doubler.onnx"]
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    states = {job.title: job.state for job in window.jobs.jobs}
    assert states.pop("Import broken.csv") == "failed" and set(states.values()) == {"done"}
    qtbot.waitUntil(lambda: bool(shown))
    assert len(shown) == 1 and "broken.csv" in shown[0] and "line 3" in shown[0]
    assert window.project.tables() == ["budget", "loans", "prices"]  # nothing of broken.csv
    assert [record.name for record in workflows.list_models(window.project)] == ["doubler"]
    assert not window.jobs_dock.isHidden() and len(window.jobs_dock.rows) == 5
    _title, ending, status, _elapsed = window.jobs_dock.row_texts(window.jobs.jobs[3].id)
    assert ending == "Failed" and "broken.csv" in status


def test_welcome_page_opens_a_demo_analysis(window: MainWindow, built_demo: Path, qtbot: QtBot) -> None:
    demo_project_path().parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(built_demo, demo_project_path())
    button = window.welcome.demo_buttons["multi-asset-frontier"]
    assert button.objectName() == "demoRiskReturn"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.project is not None and window.project.path == demo_project_path()
    assert window.pages.currentWidget() is window.analysis_page is window.workspace
    selected = window.tree.selectedItems()
    assert selected and selected[0].text(0) == "multi-asset-frontier"


def test_recent_projects_persist_and_missing_ones_are_greyed(qtbot: QtBot, tmp_path: Path) -> None:
    settings = tmp_path / "preferences.json"
    first, second = small_project(tmp_path), tmp_path / "other.tsproj"
    create_project(second).close()
    window = MainWindow(preferences_file=settings)
    qtbot.addWidget(window)
    assert window.open_project(first) and window.open_project(second)
    window.close()

    again = MainWindow(preferences_file=settings)
    qtbot.addWidget(again)
    listed = [again.welcome.recent.item(row) for row in range(again.welcome.recent.count())]
    assert [item.toolTip() for item in listed] == [str(second), str(first)]
    assert [action.isEnabled() for action in again.recent_menu.actions()] == [True, True]
    again.close()

    second.unlink()
    third = MainWindow(preferences_file=settings)
    qtbot.addWidget(third)
    missing = third.welcome.recent.item(0)
    assert "(missing" in missing.text() and not missing.flags() & Qt.ItemFlag.ItemIsEnabled
    assert third.welcome.recent.item(1).flags() & Qt.ItemFlag.ItemIsEnabled
    assert [action.isEnabled() for action in third.recent_menu.actions()] == [False, True]
    third.welcome.recent.itemActivated.emit(third.welcome.recent.item(1))
    assert third.project is not None and third.project.path == first
    third.close()


def test_encrypt_with_progress_cancel_half_way_then_for_real(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot, state
) -> None:
    path = tmp_path / "p.tsproj"
    with create_project(path) as project:
        import_files(project, [resources_dir() / "demo" / "credit_applications.parquet"])  # 60,000 rows
    monkeypatch.setattr(encryption, "CHUNK_ROWS", 10_000)
    half_way, release = threading.Event(), threading.Event()
    real_copy = encryption._copy_rows

    def held_at_half(con, action, progress, cancel):  # the real copy, paused once at 50 %
        def report(fraction: float, message: str) -> None:
            progress(fraction, message)
            if fraction >= 0.5 and not half_way.is_set():
                half_way.set()
                release.wait(30)

        return real_copy(con, action, report, cancel)

    monkeypatch.setattr(encryption, "_copy_rows", held_at_half)
    keys_shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: keys_shown.append(text))
    window.open_project(path)
    project = window.project
    assert project is not None
    before = state(project)

    window.encrypt_current()
    job = window.jobs.jobs[-1]
    qtbot.waitUntil(half_way.is_set, timeout=30_000)
    qtbot.waitUntil(lambda: window.jobs_dock.bars[job.id].value() >= 500)  # the 30 Hz poll showed it
    title, percent, status, _elapsed = window.jobs_dock.row_texts(job.id)
    assert (title, percent) == ("Encrypt p.tsproj", "50%") and status.startswith("Encrypting: table")
    assert not window.tree.isEnabled() and not window.actions["import"].isEnabled()
    qtbot.mouseClick(window.jobs_dock.cancel_buttons[job.id], Qt.MouseButton.LeftButton)
    release.set()
    qtbot.waitUntil(lambda: not job.active, timeout=30_000)
    assert job.state == "cancelled" and keys_shown == []
    assert window.project is project and not project.encrypted and state(project) == before
    assert [name.name for name in tmp_path.iterdir() if name.name.startswith(".")] == []  # no partial file
    assert window.tree.isEnabled() and window.status.encryption.text() == "Not encrypted"

    window.encrypt_current()
    qtbot.waitUntil(lambda: window.jobs.jobs[-1].state == "done", timeout=60_000)
    assert keys_shown and "TSK1-" in keys_shown[0]
    assert window.project is not None and window.project.encrypted
    assert window.status.encryption.text() == "Encrypted"
    assert window.project.row_count("credit_applications") == 60_000


def test_models_panel_maps_scores_and_removes(
    window: MainWindow, tmp_path: Path, qtbot: QtBot, monkeypatch
) -> None:
    path = tmp_path / "m.tsproj"
    csv = tmp_path / "points.csv"
    csv.write_text("id,x\n1,0.5\n2,1.5\n3,2.5\n")
    model = tmp_path / "doubler.onnx"
    onnx.save(scaled(2.0), model)
    with create_project(path) as project:
        import_files(project, [csv])
        workflows.add_model(project, model)
    window.open_project(path)
    assert window.tree.select_target(("model", "doubler"))
    panel = window.models_panel
    assert not window.models_dock.isHidden() and panel.objectName() == "modelsPanel"
    assert panel.model.currentText() == "doubler" and panel.table.currentText() == "points"
    assert [panel.inputs.item(0, column).text() for column in range(3)] == ["x", "float32 [N]", "x"]
    assert "SHA-256" in panel.details.text() and "(matches)" in panel.details.text()
    panel.provider.setCurrentText("cpu")
    qtbot.mouseClick(panel.score_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    assert window.jobs.jobs[-1].state == "done"
    assert window.status.provider.text() == "Provider: CPUExecutionProvider"
    assert any(column == "score_doubler" for column, _type in window.project.columns("points"))

    monkeypatch.setattr(QMessageBox, "question", lambda *_args: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=30_000)
    assert workflows.list_models(window.project) == [] and panel.model.count() == 0
    assert any(column == "score_doubler" for column, _type in window.project.columns("points"))


def test_about_lists_the_versions(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb
    from PySide6.QtCore import qVersion

    about = AboutDialog(window)
    text = about.text()
    assert about.objectName() == "aboutDialog"
    for expected in (f"Qt: {qVersion()}", f"DuckDB: {duckdb.__version__}", "Tradeoff Studio: 0.1.0"):
        assert expected in text
    assert "onnxruntime: 1." in text and "CPUExecutionProvider" in text
    assert "Execution providers working here: " in text
    opened: list[str] = []
    monkeypatch.setattr(AboutDialog, "exec", lambda self: opened.append(self.text()) or 0)
    window.actions["about"].trigger()
    assert opened and "DuckDB" in opened[0]


def test_closing_with_a_running_job_cancels_and_joins_it(qtbot: QtBot, tmp_path: Path) -> None:
    window = MainWindow(preferences_file=tmp_path / "preferences.json")
    qtbot.addWidget(window)
    window.open_project(small_project(tmp_path))
    started = threading.Event()

    def wait_for_cancel(_view, _progress, cancel) -> None:
        started.set()
        while not cancel.cancelled:
            threading.Event().wait(0.01)
        raise CancelledError()

    job = window.submit_project_job("Waits until cancelled", wait_for_cancel)
    assert job is not None
    qtbot.waitUntil(started.is_set)
    window.close()
    assert job.thread is not None and not job.thread.is_alive()
    assert window.project is None
