"""The front view offscreen: click, keys, constraint drags, hover, axes, filter, layers, 1M candidates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from support.plot_mouse import data_of, drag, pixel_of, settle
from tradeoff_studio.core.errors import NotFoundError
from tradeoff_studio.core.pareto.front import non_dominated, nondominated_ranks
from tradeoff_studio.ui.workspace import FrontView
from tradeoff_studio.ui.workspace.front_view import ImageExportError
from tradeoff_studio.ui.workspace.palette import DARK, LIGHT

OBJECTIVES = ["cost", "accuracy", "latency"]
SENSES = ["min", "max", "min"]


def candidates(n: int, seed: int = 7) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """n candidates on three objectives; the front is taken on (cost, accuracy), the first two axes."""
    rng = np.random.default_rng(seed)
    cost = rng.random(n)
    accuracy = np.sqrt(cost) * rng.random(n) ** 0.3
    latency = rng.random(n) * 100
    points = np.column_stack([cost, accuracy, latency])
    return points, non_dominated(points[:, :2], maximize=[False, True])


def shown(qtbot: QtBot, view: FrontView) -> FrontView:
    qtbot.addWidget(view)
    view.resize(900, 650)
    view.show()
    qtbot.waitExposed(view)
    settle()
    return view


@pytest.fixture
def view(qtbot: QtBot) -> FrontView:
    return shown(qtbot, FrontView(palette=LIGHT))


@pytest.fixture
def data10k() -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    return candidates(10_000)


def nearest_by_pixels(view: FrontView, points: NDArray[np.float64], pixel: QPoint) -> int:
    """Reference: the candidate nearest a viewport pixel, by brute force in float64 pixel distances."""
    box = view.plotItem.getViewBox()
    target = data_of(view, box, pixel)
    per_x, per_y = box.viewPixelSize()
    distance = np.hypot((points[:, 0] - target.x()) / per_x, (points[:, 1] - target.y()) / per_y)
    return int(np.argmin(distance))


def test_click_selects_the_candidate_under_the_pointer(qtbot: QtBot, view: FrontView, data10k) -> None:
    points, front = data10k
    view.set_candidates(points, OBJECTIVES, SENSES, front, nondominated_ranks(points[:, :2], [False, True]))
    settle()
    target = int(np.flatnonzero(front)[len(np.flatnonzero(front)) // 2])
    pixel = pixel_of(view, view.plotItem.getViewBox(), *points[target, :2])
    expected = nearest_by_pixels(view, points, pixel)
    assert expected == target  # the reference agrees that the click lands on the chosen point
    with qtbot.waitSignal(view.candidateClicked) as clicked:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pixel)
    assert clicked.args == [target]
    assert view.selected == target
    ring_x, ring_y = view.marks.markers["selected"].getData()
    assert (ring_x[0], ring_y[0]) == (points[target, 0], points[target, 1])


def test_a_click_on_empty_space_selects_nothing(qtbot: QtBot, view: FrontView) -> None:
    points = np.array([[0.0, 0.0], [1.0, 1.0]])
    view.set_candidates(points, ["a", "b"], ["min", "min"], np.array([True, True]))
    settle()
    clicks: list[int] = []
    view.candidateClicked.connect(clicks.append)
    middle = pixel_of(view, view.plotItem.getViewBox(), 0.5, 0.5)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=middle)
    assert clicks == [] and view.selected is None


def test_arrow_keys_walk_the_front_in_x_order(qtbot: QtBot, view: FrontView, data10k) -> None:
    points, front = data10k
    view.set_candidates(points, OBJECTIVES, SENSES, front)
    rows = np.flatnonzero(front)
    in_x_order = rows[np.argsort(points[rows, 0], kind="stable")].tolist()
    visited: list[int] = []
    view.candidateClicked.connect(visited.append)
    view.setFocus()
    for _ in range(5):
        qtbot.keyClick(view, Qt.Key.Key_Right)
    assert visited == in_x_order[:5]
    qtbot.keyClick(view, Qt.Key.Key_Left)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert visited[5:] == [in_x_order[3], in_x_order[2]]
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert visited[-1] == in_x_order[3]
    view.set_selected(in_x_order[-1])
    qtbot.keyClick(view, Qt.Key.Key_Right)  # at the end it stays and says nothing
    assert visited[-1] == in_x_order[3] and view.selected == in_x_order[-1]
    box = view.plotItem.getViewBox()
    box.setRange(xRange=(0.0, 0.1), yRange=(0.0, 0.1), padding=0)
    qtbot.keyClick(view, Qt.Key.Key_Left)  # stepping off-screen pans to the candidate, same zoom
    (x0, x1), (y0, y1) = box.viewRange()
    assert x0 <= points[in_x_order[-2], 0] <= x1 and y0 <= points[in_x_order[-2], 1] <= y1
    assert x1 - x0 == pytest.approx(0.1)


def test_keys_from_a_dominated_candidate_step_onto_the_front(qtbot: QtBot, view: FrontView, data10k) -> None:
    points, front = data10k
    view.set_candidates(points, OBJECTIVES, SENSES, front)
    rows = np.flatnonzero(front)
    rows = rows[np.argsort(points[rows, 0])]
    dominated = int(np.flatnonzero(~front & (points[:, 0] > 0.5))[0])
    view.set_selected(dominated)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.selected == int(rows[np.searchsorted(points[rows, 0], points[dominated, 0], side="right")])


def test_a_constraint_line_reports_moves_and_the_release(qtbot: QtBot, view: FrontView, data10k) -> None:
    points, front = data10k
    view.set_candidates(points, OBJECTIVES, SENSES, front)
    view.set_constraints([("cost", "<=", 0.5), ("accuracy", ">=", 0.3), ("latency", "<=", 50.0)])
    drawn_on = [(d.objective, d.vertical) for d in view.constraints.drawn]
    assert drawn_on == [("cost", True), ("accuracy", False)]
    drawn = view.constraints.drawn[0]
    assert drawn.region.getRegion()[0] == pytest.approx(0.5)  # infeasible side: cost above the bound
    assert view.constraints.drawn[1].region.getRegion()[1] == pytest.approx(0.3)  # accuracy below it
    assert drawn.line.label.toPlainText() == "cost ≤ 0.5"
    with qtbot.waitSignal(view.constraintMoved) as moved:
        drawn.line.setPos(0.4)
    assert moved.args == ["cost", pytest.approx(0.4)]
    assert drawn.region.getRegion()[0] == pytest.approx(0.4)
    with qtbot.waitSignal(view.constraintFinished) as finished:
        drawn.line.sigPositionChangeFinished.emit(drawn.line)
    assert finished.args == ["cost", pytest.approx(0.4)]
    assert view.constraints.constraints[0] == ("cost", "<=", pytest.approx(0.4))


def test_a_burst_of_moves_is_thinned_but_the_last_bound_arrives(qtbot: QtBot, view: FrontView) -> None:
    points = np.array([[0.0, 0.0], [1.0, 1.0]])
    view.set_candidates(points, ["a", "b"], ["min", "min"], np.array([True, True]))
    view.set_constraints([("a", "<=", 0.5)])
    line = view.constraints.drawn[0].line
    bounds: list[float] = []
    view.constraintMoved.connect(lambda _objective, bound: bounds.append(bound))
    for step in range(1, 41):
        line.setPos(0.5 - step * 0.01)
    qtbot.waitUntil(lambda: bool(bounds) and bounds[-1] == pytest.approx(0.1))
    assert bounds == sorted(bounds, reverse=True)


def test_a_real_mouse_drag_moves_a_constraint(qtbot: QtBot, view: FrontView, data10k) -> None:
    points, front = data10k
    view.set_candidates(points, OBJECTIVES, SENSES, front)
    view.set_constraints([("cost", "<=", 0.5)])
    settle()
    box = view.plotItem.getViewBox()
    start, end = pixel_of(view, box, 0.5, 0.05), pixel_of(view, box, 0.3, 0.05)
    moves: list[float] = []
    finishes: list[tuple[str, float]] = []
    view.constraintMoved.connect(lambda _objective, bound: moves.append(bound))
    view.constraintFinished.connect(lambda objective, bound: finishes.append((objective, bound)))
    drag(qtbot, view, start, end)
    per_x = box.viewPixelSize()[0]
    assert len(finishes) == 1 and finishes[0][0] == "cost"
    assert finishes[0][1] == pytest.approx(data_of(view, box, end).x(), abs=2 * per_x)
    assert moves and all(0.3 - 2 * per_x <= bound <= 0.5 + 2 * per_x for bound in moves)
    assert view.constraints.drawn[0].region.getRegion()[0] == pytest.approx(finishes[0][1])


def test_hover_shows_the_tooltip_and_leaving_clears_it(qtbot: QtBot, view: FrontView, data10k) -> None:
    points, front = data10k
    view.set_candidates(points, OBJECTIVES, SENSES, front, tooltip=lambda row: f"row {row}: knobs t=0.{row}")
    settle()
    target = int(np.flatnonzero(front)[3])
    box = view.plotItem.getViewBox()
    hovered: list[int] = []
    view.candidateHovered.connect(hovered.append)
    qtbot.mouseMove(view.viewport(), pixel_of(view, box, *points[target, :2]))
    qtbot.waitUntil(lambda: hovered[-1:] == [target])
    assert view.marks.hover.isVisible()
    assert view.marks.hover.textItem.toPlainText() == f"row {target}: knobs t=0.{target}"
    qtbot.wait(15)  # pyqtgraph drops pointer moves that come less than 10 ms apart
    qtbot.mouseMove(view.viewport(), pixel_of(view, box, 0.05, 0.98))  # above the front: nothing there
    qtbot.waitUntil(lambda: hovered[-1:] == [-1])
    assert not view.marks.hover.isVisible()
    qtbot.wait(15)
    qtbot.mouseMove(view.viewport(), pixel_of(view, box, *points[target, :2]))
    qtbot.waitUntil(lambda: hovered[-1:] == [target])
    view.leaveEvent(QEvent(QEvent.Type.Leave))  # the pointer leaves the widget
    assert hovered[-1] == -1 and not view.marks.hover.isVisible()


def test_the_default_tooltip_lists_every_objective_with_its_interval(view: FrontView) -> None:
    points = np.array([[1.0, 2.0, 3.0], [2.0, 1.0, 0.5]])
    lo, hi = points - 0.25, points + 0.25
    lo[0, 2] = np.nan
    view.set_candidates(points, OBJECTIVES, SENSES, np.array([True, True]), lo=lo, hi=hi)
    assert view.hover_text(0).splitlines() == [
        "candidate #0",
        "cost = 1  [0.75, 1.25]",
        "accuracy = 2  [1.75, 2.25]",
        "latency = 3",
    ]


def test_set_axes_draws_other_objectives(view: FrontView, data10k) -> None:
    points, front = data10k
    view.set_candidates(points, OBJECTIVES, SENSES, front)
    assert view.plotItem.getAxis("bottom").labelText == "cost ↓"
    assert view.plotItem.getAxis("left").labelText == "accuracy ↑"
    view.set_axes("latency", "accuracy")
    assert view.axes == ("latency", "accuracy")
    assert view.plotItem.getAxis("bottom").labelText == "latency ↓"
    rows = np.flatnonzero(front)
    rows = rows[np.argsort(points[rows, 2], kind="stable")]
    line_x, line_y = view.marks.front_line.getData()
    np.testing.assert_array_equal(line_x, points[rows, 2])
    np.testing.assert_array_equal(line_y, points[rows, 1])
    np.testing.assert_array_equal(view.walk_order(), rows)
    low, high = view.plotItem.getViewBox().viewRange()[0]
    assert low <= points[:, 2].min() and high >= points[:, 2].max()
    with pytest.raises(NotFoundError, match="'volatility' is not in this analysis; choose one of: cost"):
        view.set_axes("volatility", "cost")
    view.set_candidates(points[:100], OBJECTIVES, SENSES, front[:100])  # a re-run keeps the axes
    assert view.axes == ("latency", "accuracy")
    view.set_candidates(points[:100, :2], ["cost", "accuracy"], SENSES[:2], front[:100])
    assert view.axes == ("cost", "accuracy")


def test_constraints_follow_the_axes(view: FrontView, data10k) -> None:
    points, front = data10k
    view.set_candidates(points, OBJECTIVES, SENSES, front)
    view.set_constraints([("latency", "<=", 40.0)])
    assert view.constraints.drawn == []
    view.set_axes("cost", "latency")
    assert [(d.objective, d.vertical) for d in view.constraints.drawn] == [("latency", False)]


def test_set_filter_fades_the_candidates_outside_the_brush(view: FrontView, data10k) -> None:
    points, front = data10k
    view.set_candidates(points, OBJECTIVES, SENSES, front, nondominated_ranks(points[:, :2], [False, True]))
    keep = points[:, 2] < 50
    view.set_filter(keep)
    kept_x, _ = view.marks.front.getData()
    faded_x, _ = view.marks.front_faded.getData()
    assert sorted(kept_x) == sorted(points[front & keep, 0])
    assert sorted(faded_x) == sorted(points[front & ~keep, 0])
    assert sorted(view.marks.cloud_faded.getData()[0]) == sorted(points[~front & ~keep, 0])
    drawn_plainly = sum(len(item.getData()[0]) for item in view.marks.cloud)
    assert drawn_plainly == int((~front & keep).sum())
    view.set_filter(None)
    assert len(view.marks.front_faded.getData()[0]) == 0
    assert len(view.marks.front.getData()[0]) == int(front.sum())


def test_ranked_layers_are_drawn_apart(view: FrontView, data10k) -> None:
    points, front = data10k
    ranks = nondominated_ranks(points[:, :2], [False, True])
    view.set_candidates(points, OBJECTIVES, SENSES, front, ranks)
    sizes = [len(item.getData()[0]) for item in view.marks.cloud]
    assert sizes == [int((ranks == 1).sum()), int((ranks == 2).sum()), int((ranks >= 3).sum())]
    alphas = [item.opts["brush"].color().alpha() for item in view.marks.cloud]
    assert alphas == sorted(alphas, reverse=True)  # deeper ranks are fainter


def test_show_front_only_and_include_dominated_limit_what_is_drawn_and_picked(
    qtbot: QtBot, view: FrontView, data10k
) -> None:
    points, front = data10k
    view.set_candidates(points, OBJECTIVES, SENSES, front)
    settle()
    dominated = int(np.flatnonzero(~front & (points[:, 0] > 0.6) & (points[:, 1] < 0.2))[0])
    pixel = pixel_of(view, view.plotItem.getViewBox(), *points[dominated, :2])
    assert view.candidate_at(view.mapToScene(pixel)) is not None
    view.set_include_dominated(False)
    assert sum(len(item.getData()[0]) for item in view.marks.cloud) == int((~front).sum())  # still drawn
    picked = view.candidate_at(view.mapToScene(pixel))
    assert picked is None or front[picked]
    view.set_include_dominated(True)
    view.set_show_front_only(True)
    assert sum(len(item.getData()[0]) for item in view.marks.cloud) == 0
    picked = view.candidate_at(view.mapToScene(pixel))
    assert picked is None or front[picked]
    view.set_show_front_only(False)
    assert sum(len(item.getData()[0]) for item in view.marks.cloud) == int((~front).sum())


def test_whiskers_are_one_pairs_curve_over_the_front(view: FrontView) -> None:
    points = np.array([[1.0, 5.0], [2.0, 4.0], [3.0, 1.0], [4.0, 4.0]])
    front = np.array([True, True, True, False])
    lo, hi = points - 0.1, points + 0.2
    lo[1, 0] = np.nan  # no x interval for the second point
    view.set_candidates(points, ["cost", "risk"], ["min", "min"], front, lo=lo, hi=hi)
    xs, ys = view.marks.whiskers.getData()
    starts = zip(xs[::2], ys[::2], strict=True)
    segments = sorted(zip(starts, zip(xs[1::2], ys[1::2], strict=True), strict=True))
    expected = sorted(
        [((0.9, 5.0), (1.2, 5.0)), ((2.9, 1.0), (3.2, 1.0))]
        + [((x, y - 0.1), (x, y + 0.2)) for x, y in points[:3]]
    )
    np.testing.assert_allclose(np.array(segments), np.array(expected))
    assert view.marks.whiskers.opts["connect"] == "pairs"


def test_markers_ghost_and_pin(qtbot: QtBot, view: FrontView) -> None:
    points = np.array([[1.0, 5.0], [2.0, 4.0], [3.0, 1.0], [4.0, 4.0]])
    front = np.array([True, True, True, False])
    view.set_candidates(points, ["cost", "risk"], ["min", "min"], front)
    clicks: list[int] = []
    view.candidateClicked.connect(clicks.append)
    view.set_selected(1)
    view.set_pinned(2)
    view.set_markers(knee=1, recommended=0)
    assert clicks == []
    assert view.marks.markers["pinned"].getData()[0].tolist() == [3.0]
    assert view.marks.markers["knee"].getData()[0].tolist() == [2.0]
    assert view.marks.markers["recommended"].getData()[1].tolist() == [5.0]
    assert view.marks.markers["pinned"].opts["symbol"] != view.marks.markers["selected"].opts["symbol"]
    legend = [label.text for _sample, label in view.marks.legend.items]
    assert {"Pareto front", "knee", "recommended", "selected", "pinned"} <= set(legend)
    view.keep_ghost()
    view.set_candidates(points * 2, ["cost", "risk"], ["min", "min"], front)
    assert view.marks.ghost.getData()[0].tolist() == [1.0, 2.0, 3.0]
    assert "previous run" in [label.text for _sample, label in view.marks.legend.items]
    assert view.selected is None  # new candidates clear the choices
    view.set_candidates(points, ["volatility", "return"], ["min", "max"], front)
    assert len(view.marks.ghost.getData()[0]) == 0  # another analysis's front is not drawn
    with pytest.raises(IndexError):
        view.set_selected(9)


def test_the_legend_sits_in_the_worst_corner(view: FrontView) -> None:
    points = np.array([[1.0, 5.0], [2.0, 4.0]])
    box = view.plotItem.getViewBox()
    view.set_candidates(points, ["cost", "accuracy"], ["min", "max"], np.array([True, True]))
    settle()
    legend = view.marks.legend.mapRectToItem(box, view.marks.legend.boundingRect())
    assert legend.right() > box.width() / 2 and legend.bottom() > box.height() / 2  # high cost, low accuracy
    view.set_candidates(points, ["return", "volatility"], ["max", "min"], np.array([True, True]))
    settle()
    legend = view.marks.legend.mapRectToItem(box, view.marks.legend.boundingRect())
    assert legend.left() < box.width() / 2 and legend.top() < box.height() / 2  # low return, high risk


def test_reset_view_shows_every_candidate(qtbot: QtBot, view: FrontView, data10k) -> None:
    points, front = data10k
    view.set_candidates(points, OBJECTIVES, SENSES, front)
    box = view.plotItem.getViewBox()
    box.setRange(xRange=(0.4, 0.45), yRange=(0.3, 0.31), padding=0)
    view.reset_action.trigger()
    (x0, x1), (y0, y1) = box.viewRange()
    assert x0 <= points[:, 0].min() and x1 >= points[:, 0].max()
    assert y0 <= points[:, 1].min() and y1 >= points[:, 1].max()
    assert view.reset_action in box.menu.actions()


@pytest.mark.slow
def test_a_million_candidates_use_the_density_image(qtbot: QtBot, view: FrontView) -> None:
    points, front = candidates(1_000_000, seed=3)
    view.set_candidates(points, OBJECTIVES, SENSES, front)
    settle()
    assert view.density_in_use
    assert sum(len(item.getData()[0]) for item in view.marks.cloud) == 0  # no million points as items
    counts, _rect = view.density.histogram()
    assert counts.shape == view.density.bins()
    assert counts.sum() == int((~front).sum())  # the reset view holds every dominated candidate
    assert view.density.item.image is not None and view.density.item.image.shape == counts.shape
    box = view.plotItem.getViewBox()
    box.setRange(xRange=(0.0, 0.5), yRange=(0.0, 0.5), padding=0)
    inside = ~front & (points[:, 0] < 0.5) & (points[:, 1] < 0.5)
    assert view.density.histogram()[0].sum() == int(inside.sum())  # re-binned to the new range
    keep = points[:, 2] < 25
    view.set_filter(keep)
    box.setRange(xRange=(0.5, 0.501), yRange=(0.2, 0.25), padding=0)  # zoomed in: exact points
    inside = (
        ~front
        & (points[:, 0] >= 0.5)
        & (points[:, 0] < 0.501)
        & (points[:, 1] >= 0.2)
        & (points[:, 1] < 0.25)
    )
    assert view.density.showing_points
    assert len(view.density.points.getData()[0]) == int((inside & keep).sum())
    assert len(view.density.points_faded.getData()[0]) == int((inside & ~keep).sum())
    view.reset_view()
    weighted = view.density.histogram()[0].sum()
    assert weighted == pytest.approx((~front & keep).sum() + 0.15 * (~front & ~keep).sum(), rel=1e-4)
    view.viewport().repaint()


def test_small_clouds_are_points(view: FrontView, data10k) -> None:
    points, front = data10k
    view.set_candidates(points, OBJECTIVES, SENSES, front)
    assert not view.density_in_use
    assert not view.density.item.isVisible()


@pytest.mark.parametrize("palette", [LIGHT, DARK], ids=["light", "dark"])
def test_export_image_writes_a_png_in_either_palette(qtbot: QtBot, tmp_path: Path, palette, data10k) -> None:
    view = shown(qtbot, FrontView(palette=palette))
    points, front = data10k
    view.set_candidates(points, OBJECTIVES, SENSES, front)
    view.set_selected(int(np.flatnonzero(front)[0]))
    view.export_image(tmp_path / "front.png")
    image = QImage(str(tmp_path / "front.png"))
    assert image.width() == view.width() and image.height() == view.height()
    corner = image.pixelColor(2, 2).name()
    assert corner == palette.background
    with pytest.raises(ImageExportError, match="no-such-folder"):
        view.export_image(tmp_path / "no-such-folder" / "front.png")


@pytest.mark.parametrize("palette", [LIGHT, DARK], ids=["light", "dark"])
def test_palettes_are_readable(palette) -> None:
    from tradeoff_studio.ui.workspace.palette import contrast_ratio

    assert contrast_ratio(palette.foreground, palette.background) >= 7
    for name in ("front", "selected", "pinned", "knee", "recommended", "constraint", "highlight", "whisker"):
        assert contrast_ratio(getattr(palette, name), palette.background) >= 2.5, name


def test_empty_missing_and_constant_values_draw(view: FrontView) -> None:
    view.set_candidates(np.zeros((0, 2)), ["a", "b"], ["min", "max"], np.zeros(0, dtype=bool))
    view.grab()
    assert view.candidate_at(view.mapToScene(QPoint(100, 100))) is None
    points = np.array([[1.0, np.nan], [2.0, 2.0], [3.0, 1.0]])
    view.set_candidates(
        points, ["a", "b"], ["min", "max"], np.ones(3, dtype=bool), lo=points - 0.1, hi=points + 0.1
    )
    view.grab()
    assert view.walk_order().tolist() == [1, 2]  # the NaN candidate is not on the line nor in the walk
    view.set_candidates(np.ones((5, 2)), ["a", "b"], ["min", "max"], np.ones(5, dtype=bool))
    (x0, x1), _ = view.plotItem.getViewBox().viewRange()
    assert x0 < 1.0 < x1


def test_bad_input_is_refused(view: FrontView) -> None:
    with pytest.raises(ValueError, match="do not match"):
        view.set_candidates(np.zeros((3, 2)), ["a", "b", "c"], ["min"] * 3, np.zeros(3, dtype=bool))
    with pytest.raises(ValueError, match="is not '<=' or '>='"):
        view.set_constraints([("a", "<", 1.0)])
