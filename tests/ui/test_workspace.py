"""The decision workspace in the real main window on the demo project (offscreen): open every demo
analysis, select, drag a constraint, pin and compare, lock, undo, redo, reopen and find the decision."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from support.plot_mouse import drag, pixel_of, settle
from tradeoff_studio.core import workflows
from tradeoff_studio.core.analyses.candidates import CandidateTable, parse_objectives
from tradeoff_studio.core.decisions.preferences import Constraint, Preferences
from tradeoff_studio.core.decisions.recommend import recommend
from tradeoff_studio.ui.main_window import MainWindow
from tradeoff_studio.ui.workspace.analysis_data import prepare
from tradeoff_studio.ui.workspace.front_view import FrontView
from tradeoff_studio.ui.workspace.overlays import overlay_for
from tradeoff_studio.ui.workspace.undo import UNDO_REASON
from tradeoff_studio.ui.workspace.workspace import AnalysisWorkspace

OVERLAYS = {"fairness": "fairnessOverlay", "risk-return": "riskReturnOverlay", "ope": "opeOverlay",
            "cost-quality": "costQualityOverlay", "model-variants": "modelVariantsOverlay"}  # fmt: skip


@pytest.fixture
def window(demo_window: MainWindow) -> MainWindow:
    return demo_window


def open_analysis(qtbot: QtBot, window: MainWindow, name: str) -> AnalysisWorkspace:
    workspace = window.workspace
    with qtbot.waitSignal(workspace.loaded, timeout=20_000) as blocker:
        window.show_analysis(name)
    assert blocker.args == [name]
    assert workspace.isVisibleTo(window) and not window.detail.isVisibleTo(window)
    return workspace


def wait_details(qtbot: QtBot, workspace: AnalysisWorkspace) -> None:
    qtbot.waitUntil(lambda: not workspace.loader.busy("details"), timeout=20_000)


def test_every_demo_analysis_opens_with_its_front_inspector_and_overlay(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert window.project is not None
    analyses = workflows.list_analyses(window.project)
    assert {record.kind for record in analyses} >= set(OVERLAYS)  # the five demo kinds, each with its overlay
    for record in analyses:
        workspace = open_analysis(qtbot, window, record.name)
        data = workspace.data
        assert data is not None and data.name == record.name and len(data.ids) == record.rows
        assert data.points.shape == (record.rows, len(data.axes)) and len(data.axes) >= 2
        assert int(data.front.sum()) == record.to_dict()["front"]
        (decision,) = workflows.list_decisions(window.project, record.name)
        # the stored preferences come back, and the live recommendation is the decided candidate
        assert workspace.choice is not None and workspace.choice.candidate_id == decision.candidate_id
        assert decision.candidate_id in workspace.recommendation.text()
        assert workspace.selected == data.row_of(decision.candidate_id)
        text = workspace.inspector.browser.toPlainText()
        assert decision.candidate_id in text and "Trade-offs here" in text
        constraint = decision.preferences["constraints"][0]["text"]
        assert f"{constraint}: met, judged on" in text and "P(violated) ≈" in text  # the risk at that point
        assert workspace.overlay is not None and workspace.overlay.objectName() == OVERLAYS[record.kind]
        stored = record.spec["indicators"]  # issue #18: the indicators are shown, not only stored
        shown = workspace.indicators.text()
        assert shown.startswith(f"Knee: candidate {stored['knee']}.") and "Ideal:" in shown
        assert "Normalisation:" in workspace.indicators.toolTip()
        assert window.findChild(AnalysisWorkspace, "analysisWorkspace") is workspace
        for name in ("frontView", "parallelView", "inspector", "decisionsList", "constraintEditor"):
            assert workspace.findChild(object, name) is not None, name
        wait_details(qtbot, workspace)


def test_tree_selection_opens_the_analysis_and_a_table_closes_it(qtbot: QtBot, window: MainWindow) -> None:
    analyses = window.tree.topLevelItem(3)
    assert analyses.text(0) == "Analyses"
    with qtbot.waitSignal(window.workspace.loaded, timeout=20_000):
        window.tree.setCurrentItem(analyses.child(0))
    assert window.workspace.isVisibleTo(window)
    window.show_analysis("llm-routing")  # from scripting: the tree follows
    assert window.tree.currentItem().text(0) == "llm-routing"
    window.tree.select_first_table()
    assert not window.workspace.isVisibleTo(window) and window.detail.isVisibleTo(window)


def test_fairness_overlay_shows_groups_with_confusion_matrices(qtbot: QtBot, window: MainWindow) -> None:
    workspace = open_analysis(qtbot, window, "credit-fairness")
    wait_details(qtbot, workspace)
    table = workspace.overlay.groups  # type: ignore[union-attr]
    groups = [table.horizontalHeaderItem(c).text() for c in range(1, table.columnCount())]
    assert groups == ["sex=female", "sex=male"]
    figures = {table.item(r, 0).text(): r for r in range(table.rowCount())}
    for column in (1, 2):
        n = int(table.item(figures["n"], column).text().replace(",", ""))
        counts = [
            float(table.item(figures[c], column).text().replace(",", "")) for c in ("TP", "FP", "FN", "TN")
        ]
        assert sum(counts) == pytest.approx(n, abs=2)  # TP + FP + FN + TN = the group's rows
    assert "does not read the protected attribute" in workspace.overlay.summary.text()  # type: ignore[union-attr]


def test_select_by_click_and_arrow_keys_then_undo_redo(qtbot: QtBot, window: MainWindow) -> None:
    workspace = open_analysis(qtbot, window, "llm-routing")
    data, front = workspace.data, workspace.front
    assert data is not None
    start = workspace.selected
    order = [int(row) for row in front.walk_order()]  # the front in x order
    settle()
    target = isolated(front, data.points[:, :2], order[:-1])
    pixel = pixel_of(front, front.plotItem.getViewBox(), *data.points[target, :2])
    qtbot.mouseClick(front.viewport(), Qt.MouseButton.LeftButton, pos=pixel)
    assert workspace.selected == target and data.ids[target] in workspace.inspector.browser.toPlainText()
    window.activateWindow()
    front.setFocus()
    qtbot.keyClick(front, Qt.Key.Key_Right)
    walked = order[order.index(target) + 1]
    assert workspace.selected == walked and front.selected == walked
    qtbot.keyClick(front, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert workspace.selected == target and front.selected == target
    qtbot.keyClick(front, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert workspace.selected == start
    redo = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(front, Qt.Key.Key_Z, redo)
    assert workspace.selected == target


def isolated(front: FrontView, points: np.ndarray, rows: list[int]) -> int:
    """Of ``rows``, the point farthest (in pixels) from every other point: a click on it is unambiguous."""
    per_x, per_y = front.plotItem.getViewBox().viewPixelSize()
    pixels = points / np.array([per_x, per_y])
    gaps = [np.delete(np.hypot(*(pixels - pixels[row]).T), row).min() for row in rows]
    return rows[int(np.argmax(gaps))]


def test_dragging_a_constraint_changes_the_recommendation_live(qtbot: QtBot, window: MainWindow) -> None:
    workspace = open_analysis(qtbot, window, "credit-fairness")
    editor = workspace.constraints
    editor.metric.setCurrentText("dp_difference")
    editor.op.setCurrentText("<=")
    editor.bound.setValue(0.05)
    qtbot.mouseClick(editor.findChild(object, "addConstraintButton"), Qt.MouseButton.LeftButton)
    assert [str(c) for c in workspace.prefs.constraints] == ["dp_ratio>=0.8", "dp_difference<=0.05"]
    before = workspace.choice
    assert before is not None
    seen: list[object] = []
    finished: list[float] = []
    workspace.recommendationChanged.connect(seen.append)
    workspace.front.constraintFinished.connect(lambda _metric, bound: finished.append(bound))
    steps = workspace.undo_stack.count()
    settle()
    box = workspace.front.plotItem.getViewBox()
    low, high = box.viewRange()[0]
    x = low + 0.2 * (high - low)  # away from the line's label in the middle (it drags along the line)
    drag(
        qtbot,
        workspace.front,
        pixel_of(workspace.front, box, x, 0.05),
        pixel_of(workspace.front, box, x, 0.01),
    )
    assert len(finished) == 1 and finished[0] == pytest.approx(0.01, abs=2 * box.viewPixelSize()[1])
    assert len(seen) >= 2  # live updates while the line moved, then the release
    table = workspace.data.table  # type: ignore[union-attr]
    tight = Preferences((Constraint.parse("dp_ratio>=0.8"), Constraint("dp_difference", "<=", finished[0])),
                        weights=workspace.prefs.weights)  # fmt: skip
    expected = recommend(table, tight).candidate_id
    assert workspace.choice is not None and workspace.choice.candidate_id == expected != before.candidate_id
    assert expected in workspace.recommendation.text()
    assert workspace.undo_stack.count() == steps + 1
    assert workspace.prefs.constraints[1].bound == finished[0]
    workspace.undo_stack.undo()
    assert str(workspace.prefs.constraints[1]) == "dp_difference<=0.05"
    assert workspace.choice is not None and workspace.choice.candidate_id == before.candidate_id
    workspace.undo_stack.redo()
    assert workspace.choice is not None and workspace.choice.candidate_id == expected


def test_a_constraint_off_the_axes_moves_live_in_the_editor(qtbot: QtBot, window: MainWindow) -> None:
    workspace = open_analysis(qtbot, window, "credit-fairness")
    editor = workspace.constraints
    before = workspace.choice
    assert before is not None and str(workspace.prefs.constraints[0]) == "dp_ratio>=0.8"  # not on an axis
    editor.listing.setCurrentRow(0)
    assert editor.metric.currentText() == "dp_ratio" and editor.bound.value() == 0.8
    steps = workspace.undo_stack.count()
    for value in (0.85, 0.9, 0.97):  # the recommended rule has dp_ratio 0.962: 0.97 rules it out
        editor.bound.setValue(value)  # each step re-evaluates at once
    table = workspace.data.table  # type: ignore[union-attr]
    strict = Preferences((Constraint.parse("dp_ratio>=0.97"),), weights=workspace.prefs.weights)
    assert (
        workspace.choice is not None
        and workspace.choice.candidate_id == recommend(table, strict).candidate_id
    )
    assert workspace.choice.candidate_id != before.candidate_id
    assert workspace.undo_stack.count() == steps  # nothing recorded until the edit ends
    editor.bound.editingFinished.emit()
    assert (
        workspace.undo_stack.count() == steps + 1 and str(workspace.prefs.constraints[0]) == "dp_ratio>=0.97"
    )
    workspace.undo_stack.undo()
    assert str(workspace.prefs.constraints[0]) == "dp_ratio>=0.8" and workspace.choice.row == before.row


def test_pin_and_compare_shows_deltas_with_intervals(qtbot: QtBot, window: MainWindow) -> None:
    workspace = open_analysis(qtbot, window, "multi-asset-frontier")
    data = workspace.data
    assert data is not None
    first = workspace.selected
    assert first is not None
    qtbot.mouseClick(workspace.inspector.pin_button, Qt.MouseButton.LeftButton)
    assert workspace.pinned == first
    other = data.row_of("frontier-001")
    assert other is not None
    workspace.select(other)
    text = workspace.inspector.browser.toPlainText()
    assert f"Compared with pinned {data.ids[first]}" in text
    assert "return " in text and "95% CI" in text and "distinguishable" in text
    overlay = workspace.overlay
    assert overlay is not None and overlay.given.rowCount() == 4  # type: ignore[attr-defined]  # given portfolios
    curves = [
        item.name() for item in overlay.frontiers.listDataItems() if getattr(item, "name", lambda: None)()
    ]  # type: ignore[attr-defined]
    assert curves == ["fit (in-sample)", "test (out-of-sample)"]  # the two frontiers (and two rings)
    assert overlay.bars and abs(sum(value for _name, value in overlay.bars) - 1.0) < 1e-6  # type: ignore[attr-defined]
    workspace.undo_stack.undo()  # the selection
    workspace.undo_stack.undo()  # the pin
    assert workspace.pinned is None and workspace.selected == first


def test_lock_undo_redo_and_reopen(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    workspace = open_analysis(qtbot, window, "llm-routing")
    data = workspace.data
    assert data is not None and window.project is not None
    (old,) = workflows.list_decisions(window.project, "llm-routing")
    cheapest = int(data.table.frame["cost"].idxmin())
    workspace.select(cheapest)
    workspace.inspector.rationale.setPlainText("Cheapest system: quality is checked by a human anyway.")
    qtbot.mouseClick(workspace.inspector.lock_button, Qt.MouseButton.LeftButton)  # recorded on a worker
    qtbot.waitUntil(lambda: "does not meet quality>=0.75" in workspace.status.text(), timeout=20_000)
    assert len(workflows.list_decisions(window.project, "llm-routing")) == 1
    workspace.constraints.listing.setCurrentRow(0)
    qtbot.mouseClick(
        workspace.constraints.findChild(object, "removeConstraintButton"), Qt.MouseButton.LeftButton
    )
    assert workspace.prefs.constraints == ()
    assert workspace.inspector.lock_button.isEnabled()
    with qtbot.waitSignal(workspace.decisionLocked, timeout=20_000):
        qtbot.mouseClick(workspace.inspector.lock_button, Qt.MouseButton.LeftButton)
    records = {r.id: r for r in workflows.list_decisions(window.project, "llm-routing")}
    (new,) = [r for r in records.values() if r.id != old.id]
    assert new.candidate_id == data.ids[cheapest] and new.status == "current" and new.supersedes == old.id
    assert records[old.id].status == "superseded"
    # without the constraint the cheapest is the recommendation (cost weighs alone): chosen by preferences
    assert workspace.choice is not None and workspace.choice.row == cheapest
    assert new.preferences["method"] == "tchebycheff" and new.preferences["constraints"] == []
    workspace.undo_stack.undo()
    withdrawn = {r.id: r for r in workflows.list_decisions(window.project, "llm-routing")}[new.id]
    assert withdrawn.status == "withdrawn" and withdrawn.status_reason == UNDO_REASON.strip()
    workspace.undo_stack.redo()
    current = [r for r in workflows.list_decisions(window.project, "llm-routing") if r.status == "current"]
    assert [(r.candidate_id, r.rationale) for r in current] == [
        (data.ids[cheapest], "Cheapest system: quality is checked by a human anyway.")
    ]
    path = window.project.path
    window.close()
    reopened = MainWindow()
    qtbot.addWidget(reopened)
    reopened.open_project(path)
    workspace = open_analysis(qtbot, reopened, "llm-routing")
    assert workspace.selected == data.ids.index(current[0].candidate_id)
    listed = [
        workspace.decisions.tree.topLevelItem(i).text(0)
        for i in range(workspace.decisions.tree.topLevelItemCount())
    ]
    assert listed[0] == current[0].id and new.id in listed and old.id in listed
    reopened.close()


def test_locking_the_recommendation_uses_the_preferences(qtbot: QtBot, window: MainWindow) -> None:
    workspace = open_analysis(qtbot, window, "llm-routing")  # many feasible candidates to pick from
    assert workspace.choice is not None and workspace.selected == workspace.choice.row
    with qtbot.waitSignal(workspace.decisionLocked, timeout=20_000) as locked:
        workspace.lock("Same rule as before, re-checked.", supersede=True)
    record = locked.args[0]
    assert record.candidate_id == workspace.choice.candidate_id
    assert record.preferences["method"] == "tchebycheff"
    assert [c["text"] for c in record.preferences["constraints"]] == ["quality>=0.75"]
    feasible = workspace.live.feasible()  # type: ignore[union-attr]
    other = int(next(row for row in np.flatnonzero(feasible) if row != workspace.choice.row))
    workspace.select(other)
    with qtbot.waitSignal(workspace.decisionLocked, timeout=20_000) as locked:
        workspace.lock("Another feasible route: fewer calls to the large model.", supersede=True)
    manual = locked.args[0]
    assert manual.candidate_id == workspace.data.ids[other]  # type: ignore[union-attr]
    assert manual.preferences["method"] == "manual" and manual.supersedes == record.id
    workspace.withdraw(manual.id, "The route is on hold.")
    listed = workspace.decisions.tree.topLevelItem(0)
    assert (listed.text(0), listed.text(2)) == (manual.id, "withdrawn: The route is on hold.")
    assert workspace.inspector.supersede.isHidden()  # no current decision left to supersede
    earlier = workspace.decisions.tree.topLevelItem(1)
    workspace.decisions.tree.itemDoubleClicked.emit(earlier, 0)  # a decision's candidate, selected again
    assert workspace.data.ids[workspace.selected] == earlier.text(1) == record.candidate_id  # type: ignore[union-attr,index]


def test_refused_lock_and_withdraw_change_nothing(qtbot: QtBot, window: MainWindow) -> None:
    workspace = open_analysis(qtbot, window, "credit-fairness")
    project = window.project
    assert project is not None
    audit = len(workflows.audit_trail(project))
    decisions = workflows.list_decisions(project)
    workspace.lock("   ")
    assert "Give a rationale" in workspace.status.text()
    violating = int(np.flatnonzero(workspace.data.table.frame["dp_ratio"].to_numpy() < 0.5)[0])  # type: ignore[union-attr]
    workspace.select(violating)
    workspace.lock("Try a rule that breaks the four-fifths rule.")
    qtbot.waitUntil(lambda: "does not meet dp_ratio>=0.8" in workspace.status.text(), timeout=20_000)
    workspace.withdraw("no-such-id", "because")
    assert "no decision 'no-such-id'" in workspace.status.text()
    assert len(workflows.audit_trail(project)) == audit
    assert workflows.list_decisions(project) == decisions


def test_a_new_load_cancels_the_stale_one_and_close_joins(qtbot: QtBot, window: MainWindow) -> None:
    workspace = window.workspace
    shown: list[str] = []
    workspace.loaded.connect(shown.append)
    window.show_analysis("credit-fairness")
    with qtbot.waitSignal(workspace.loaded, timeout=20_000):
        window.show_analysis("llm-routing")
    qtbot.wait(200)
    assert shown == ["llm-routing"]
    window.show_analysis("multi-asset-frontier")
    window.close()  # cancels and joins the load (the fixture fails on a dangling job thread)
    assert not workspace.loader.busy("analysis")


def test_model_variants_overlay_draws_quality_against_latency(qtbot: QtBot) -> None:
    frame = pd.DataFrame({"candidate_id": ["fp32", "int8", "fp16"], "system": ["fp32", "int8", "fp16"],
                          "quality": [0.91, 0.88, 0.905], "latency_p95_ms": [12.0, 4.0, 7.0],
                          "peak_memory_mb": [400.0, 100.0, 0.0]})  # fmt: skip
    objectives = parse_objectives("quality:max,latency_p95_ms:min")
    metrics = ["quality", "latency_p95_ms", "peak_memory_mb"]
    table = CandidateTable("model-variants", frame, ["system"], metrics, objectives).with_front()
    overlay = overlay_for("model-variants")
    assert overlay is not None
    qtbot.addWidget(overlay)
    overlay.show_candidate(prepare("variants", table, []), 1)
    assert list(overlay.sizes) == [32.0, 20.0, 8.0]  # area ∝ memory: sqrt(100/400) = 0.5
    assert "int8: quality 0.88, p95 4 ms, peak memory 100 MiB" in overlay.summary.text()


def _synthetic(n: int) -> CandidateTable:
    """``n`` candidates on three objectives (a, b up; c down), each with an interval."""
    rng = np.random.default_rng(11)
    values = {name: rng.uniform(0.0, 1.0, n) for name in ("a", "b", "c")}
    columns: dict[str, object] = {"candidate_id": [f"c{i}" for i in range(n)], "knob": rng.uniform(0, 1, n)}
    for name, value in values.items():
        columns |= {name: value, f"{name}_lo": value - 0.01, f"{name}_hi": value + 0.01}
    objectives = parse_objectives("a:max,b:max,c:min")
    return CandidateTable(
        "generic", pd.DataFrame(columns), ["knob"], ["a", "b", "c"], objectives
    ).with_front()


@pytest.fixture
def big(qtbot: QtBot) -> Iterator[AnalysisWorkspace]:
    """A workspace showing 25,000 candidates on three objectives (no project: nothing to lock)."""
    workspace = AnalysisWorkspace()
    qtbot.addWidget(workspace)
    workspace.resize(1300, 800)
    workspace.show_data(prepare("synthetic", _synthetic(25_000), []))
    yield workspace
    workspace.shutdown()


def test_big_analyses_compute_the_evidence_off_the_ui_thread(qtbot: QtBot, big: AnalysisWorkspace) -> None:
    data = big.data
    assert data is not None and big.selected == big.choice.row  # type: ignore[union-attr]
    assert "Computing its evidence" in big.inspector.browser.toPlainText()
    qtbot.waitUntil(lambda: not big.loader.busy("inspect"), timeout=60_000)
    text = big.inspector.browser.toPlainText()
    assert data.ids[big.selected] in text and "Trade-offs here" in text and "Computing" not in text
    big.select(int(np.flatnonzero(data.front)[0]))
    big.select(int(np.flatnonzero(data.front)[1]))  # the first one's evidence is stale: never shown
    qtbot.waitUntil(lambda: not big.loader.busy("inspect"), timeout=60_000)
    assert big.inspector.browser.toPlainText().startswith(data.ids[int(np.flatnonzero(data.front)[1])])


def test_axis_choice_toggles_and_weights(qtbot: QtBot, big: AnalysisWorkspace) -> None:
    assert [big.x_axis.itemText(i) for i in range(big.x_axis.count())] == ["a", "b", "c"]
    assert all(action.isVisible() for action in big.axis_actions)  # shown for more than two objectives
    big.y_axis.setCurrentText("c")
    assert big.front.axes == ("a", "c")
    big.front_only.trigger()
    assert big.front_only.isChecked() and big.findChild(object, "showFrontOnlyAction") is big.front_only
    before = big.choice.candidate_id  # type: ignore[union-attr]
    weights = big.weights.spins
    weights["a"].setValue(10.0)
    weights["b"].setValue(0.0)
    weights["c"].setValue(0.0)
    weights["a"].editingFinished.emit()
    expected = recommend(big.data.table, Preferences(weights={"a": 10.0, "b": 0.0, "c": 0.0}))  # type: ignore[union-attr]
    assert big.choice.candidate_id == expected.candidate_id != before  # type: ignore[union-attr]
    big.undo_stack.undo()
    assert big.choice.candidate_id == before and weights["a"].value() == 1.0  # type: ignore[union-attr]
    assert big.front.hover_text(0) == big.data.tooltip(0)  # type: ignore[union-attr]  # knobs, metrics, CIs
    assert big.data.tooltip(0).startswith("c0\nknob = ")  # type: ignore[union-attr]
    assert "a = " in big.data.tooltip(0) and "[" in big.data.tooltip(0)  # type: ignore[union-attr]


def test_text_from_the_project_is_shown_as_text_not_markup(qtbot: QtBot) -> None:
    frame = pd.DataFrame({"candidate_id": ["<b>bold</b>", "<i>x</i>&amp;"], "a": [1.0, 2.0], "b": [2.0, 1.0]})
    table = CandidateTable("generic", frame, [], ["a", "b"], parse_objectives("a:max,b:max")).with_front()
    workspace = AnalysisWorkspace()
    qtbot.addWidget(workspace)
    workspace.show_data(prepare("<script>name</script>", table, []))
    workspace.select(1)
    assert workspace.inspector.browser.toPlainText().startswith("<i>x</i>&amp;")
    assert "<script>" not in workspace.title.text()  # the rich-text title holds it escaped
    assert workspace.title.text().startswith("<b>&lt;script&gt;name&lt;/script&gt;</b>")
    assert workspace.recommendation.textFormat() == Qt.TextFormat.PlainText
    assert workspace.choice is not None and workspace.choice.candidate_id in workspace.recommendation.text()
    workspace.shutdown()


def test_a_mixture_reads_as_on_the_hull_not_dominated(qtbot: QtBot, window: MainWindow) -> None:
    """Cost–quality mixtures are off the (deterministic) front but on the hull: the inspector says so."""
    workspace = open_analysis(qtbot, window, "llm-routing")
    assert workspace.data is not None
    frame = workspace.data.table.frame
    mixture = int(np.flatnonzero((frame["on_hull"] & ~frame["on_front"]).to_numpy())[0])
    workspace.select(mixture)
    text = workspace.inspector.browser.toPlainText()
    assert "on the mixture hull" in text and "dominated (rank" not in text
