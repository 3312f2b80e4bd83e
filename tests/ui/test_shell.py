"""The app shell offscreen: pages, welcome page, drops, jobs dock, encryption, About, closing."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tradeoff_studio.core import workflows
from tradeoff_studio.core.analyses.candidates import parse_objectives
from tradeoff_studio.core.analyses.generic import GenericSpec
from tradeoff_studio.core.data.importer import import_files
from tradeoff_studio.core.project import create_project
from tradeoff_studio.ui.main_window import MainWindow


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


def test_pages_follow_the_project_and_the_selection(qtbot: QtBot, tmp_path: Path) -> None:
    path = small_project(tmp_path)
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.pages.currentWidget() is window.welcome
    assert window.welcome.objectName() == "welcomePage"
    window.open_project(path)
    assert window.pages.currentWidget() is window.table_page  # the first table is selected
    assert "options" in window.detail.title.text()
    assert window.tree.select_target(("analysis", "opts"))
    assert window.pages.currentWidget() is window.analysis_page
    assert "opts" in window.analysis_page.text()
    window.show_table("options")
    assert window.pages.currentWidget() is window.table_page
    window.show_welcome()
    assert window.pages.currentWidget() is window.welcome
    assert not window.tree.select_target(("analysis", "nope"))
    window.close()
