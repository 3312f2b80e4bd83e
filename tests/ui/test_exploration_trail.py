"""The exploration trail in the workspace (issue #18): a stored ``navigate`` trail drawn on the front,
numbered and toggleable (``explorationTrail``), and navigation steps taken from the UI — typed or
clicked — that are stored, shown and undoable (offscreen, with a real project)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from support.plot_mouse import pixel_of, settle
from tradeoff_studio.core import workflows
from tradeoff_studio.core.analyses.candidates import parse_objectives
from tradeoff_studio.core.analyses.generic import GenericSpec
from tradeoff_studio.core.decisions.explorations import explore, list_steps
from tradeoff_studio.core.project import Project, create_project
from tradeoff_studio.ui.workspace.workspace import AnalysisWorkspace

JUDGES = pd.DataFrame({
    "judge": ["a", "b", "c", "d", "e", "f"],
    "agreement": [60.0, 66.0, 70.0, 72.0, 65.0, 68.0],
    "price": [1.0, 2.0, 6.0, 20.0, 3.0, 3.5],
})  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    with create_project(tmp_path / "trail.tsproj") as opened:
        opened.con.register("incoming", JUDGES)
        opened.con.execute("CREATE TABLE judges AS SELECT * FROM incoming")
        opened.con.unregister("incoming")
        spec = GenericSpec("judges", parse_objectives("agreement:max,price:min"), id_column="judge")
        workflows.analyze_generic(opened, spec, name="judges")
        explore(opened, "judges", reference={"agreement": 69.0, "price": 4.0})
        explore(opened, "judges", reference={"agreement": 61.0, "price": 1.5})
        yield opened


@pytest.fixture
def workspace(qtbot: QtBot, project: Project) -> Iterator[AnalysisWorkspace]:
    shown = AnalysisWorkspace()
    qtbot.addWidget(shown)
    shown.resize(1200, 800)
    shown.show()
    qtbot.waitExposed(shown)
    shown.set_project(project)
    with qtbot.waitSignal(shown.loaded, timeout=20_000):
        shown.load("judges")
    yield shown
    shown.shutdown()


def take_step(qtbot: QtBot, workspace: AnalysisWorkspace) -> None:
    qtbot.waitUntil(lambda: not workspace.loader.busy("navigate"), timeout=20_000)


def test_the_stored_trail_is_drawn_numbered_and_toggles(
    workspace: AnalysisWorkspace, project: Project
) -> None:
    trail = workspace.front.trail
    assert trail.count == 2 and trail.label_texts() == ["1", "2"]
    x, y = trail.references.getData()
    assert list(x) == [69.0, 61.0] and list(y) == [4.0, 1.5]  # the reference points, as asked
    stored = [step.details["values"] for step in list_steps(project, "judges")]
    px, py = trail.projections.getData()
    assert list(zip(px, py, strict=True)) == [(v["agreement"], v["price"]) for v in stored]
    assert [step.details["candidate_id"] for step in list_steps(project, "judges")] == ["f", "b"]
    assert list(trail.path.getData()[0]) == [68.0, 66.0]  # projections joined in step order
    links = trail.links.getData()
    assert list(links[0]) == [69.0, 68.0, 61.0, 66.0]  # each reference to its projection
    action = workspace.findChild(object, "explorationTrail")
    assert action is workspace.trail_action and action.isCheckable() and action.isChecked()
    assert action.text() == "Exploration trail (2)"
    action.trigger()
    assert not trail.path.isVisible() and not any(label.isVisible() for label in trail.labels)
    action.trigger()
    assert trail.projections.isVisible() and all(label.isVisible() for label in trail.labels)


def test_a_typed_reference_is_projected_stored_and_undoable(
    qtbot: QtBot, workspace: AnalysisWorkspace, project: Project
) -> None:
    edit = workspace.findChild(object, "navigateReference")
    edit.setText("agreement=71, price=8")
    edit.returnPressed.emit()
    take_step(qtbot, workspace)
    steps = list_steps(project, "judges")
    assert len(steps) == 3 and steps[-1].details["candidate_id"] == "c"
    assert workspace.front.trail.count == 3 and workspace.front.trail.label_texts()[-1] == "3"
    assert workspace.data is not None and workspace.selected == workspace.data.row_of("c")
    assert "projects on c" in workspace.status.text()
    workspace.undo_stack.undo()
    assert len(list_steps(project, "judges")) == 2 and workspace.front.trail.count == 2
    removed = project.con.execute(
        "SELECT count(*) FROM _ts.audit WHERE action = 'explore' AND details LIKE '%\"removed\": true%'"
    ).fetchone()
    assert removed == (1,)  # the audit log keeps the step and its taking back
    workspace.undo_stack.redo()
    again = list_steps(project, "judges")
    assert len(again) == 3 and again[-1].details["reference"] == {"agreement": 71.0, "price": 8.0}
    assert workspace.front.trail.count == 3


def test_a_clicked_reference_sets_the_shown_objectives(
    qtbot: QtBot, workspace: AnalysisWorkspace, project: Project
) -> None:
    workspace.findChild(object, "navigateClickAction").trigger()
    assert workspace.front.trail.picking
    settle()
    view_box = workspace.front.plotItem.getViewBox()
    pixel = pixel_of(workspace.front, view_box, 71.0, 12.0)  # an empty spot between judges c and d
    qtbot.mouseClick(workspace.front.viewport(), Qt.MouseButton.LeftButton, pos=pixel)
    take_step(qtbot, workspace)
    steps = list_steps(project, "judges")
    assert len(steps) == 3
    asked = steps[-1].details["reference"]
    assert asked["agreement"] == pytest.approx(71.0, abs=0.2) and asked["price"] == pytest.approx(
        12.0, abs=0.5
    )
    assert workspace.front.trail.count == 3


def test_a_refused_reference_changes_nothing(
    qtbot: QtBot, workspace: AnalysisWorkspace, project: Project, state: object
) -> None:
    before = state(project)  # type: ignore[operator]
    edit = workspace.findChild(object, "navigateReference")
    edit.setText("agreement=abc")
    edit.returnPressed.emit()
    assert "agreement" in workspace.status.text()
    edit.setText("quality=3,price=2")
    edit.returnPressed.emit()
    take_step(qtbot, workspace)
    assert "quality" in workspace.status.text() and "not an objective" in workspace.status.text()
    assert state(project) == before  # type: ignore[operator]
    assert workspace.front.trail.count == 2 and workspace.undo_stack.count() == 0


def test_a_new_analysis_view_forgets_the_trail(qtbot: QtBot, workspace: AnalysisWorkspace) -> None:
    from tradeoff_studio.ui.workspace.analysis_data import prepare

    assert workspace.data is not None
    workspace.show_data(prepare("plain", workspace.data.table, []))
    assert workspace.front.trail.count == 0 and workspace.front.trail.labels == []
    assert np.asarray(workspace.front.trail.path.getData()[0]).size == 0


def test_steps_on_one_candidate_share_a_label_and_missing_values_sit_on_the_projection(qtbot: QtBot) -> None:
    from tradeoff_studio.ui.workspace.front_view import FrontView

    view = FrontView()
    qtbot.addWidget(view)
    points = np.array([[1.0, 5.0], [2.0, 3.0], [3.0, 1.0]])
    view.set_candidates(points, ["a", "b"], ["max", "min"], np.array([True, True, True]))
    references = np.array([[1.5, 4.0], [2.5, np.nan], [0.5, 6.0]])
    view.set_trail(references, np.array([0, 1, 0]))
    assert view.trail.label_texts() == ["1, 3", "2"]
    x, y = view.trail.references.getData()
    assert list(x) == [1.5, 2.5, 0.5] and list(y) == [4.0, 3.0, 6.0]  # b not given: at the projection's b
    view.set_axes("b", "a")
    assert list(view.trail.projections.getData()[0]) == [5.0, 3.0, 5.0]  # redrawn on the new axes
