"""The parallel-coordinates view offscreen: brushes by API and by mouse, the mask, highlight caps."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray
from pytestqt.qtbot import QtBot

from support.plot_mouse import data_of, double_click, drag, pixel_of, settle
from tradeoff_studio.core.errors import NotFoundError
from tradeoff_studio.core.pareto.front import non_dominated
from tradeoff_studio.ui.workspace import ParallelView
from tradeoff_studio.ui.workspace.palette import LIGHT
from tradeoff_studio.ui.workspace.parallel_view import HIGHLIGHT_CAP, normalise

OBJECTIVES = ["cost", "accuracy", "latency", "dp_ratio"]
SENSES = ["min", "max", "min", "max"]
N = 8_000


@pytest.fixture(scope="module")
def data() -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    rng = np.random.default_rng(11)
    points = np.column_stack([rng.random(N) * 3, rng.random(N), rng.gamma(2, 10, N), rng.random(N)])
    return points, non_dominated(points, maximize=[False, True, False, True])


@pytest.fixture
def view(qtbot: QtBot, data) -> ParallelView:
    widget = ParallelView(palette=LIGHT)
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_candidates(*data[:1], OBJECTIVES, SENSES, data[1])
    settle()
    return widget


def reference(points: NDArray[np.float64], brushes: dict[int, tuple[float, float]]) -> NDArray[np.bool_]:
    mask = np.ones(points.shape[0], dtype=bool)
    for column, (low, high) in brushes.items():
        mask &= (points[:, column] >= low) & (points[:, column] <= high)
    return mask


def test_brushing_two_axes_gives_the_reference_mask(qtbot: QtBot, view: ParallelView, data) -> None:
    points, front = data
    with qtbot.waitSignal(view.brushChanged) as first:
        view.set_brush("accuracy", 0.7, 0.2)  # either order
    np.testing.assert_array_equal(first.args[0], reference(points, {1: (0.2, 0.7)}))
    with qtbot.waitSignal(view.brushChanged) as second:
        view.set_brush("latency", 5.0, 20.0)
    expected = reference(points, {1: (0.2, 0.7), 2: (5.0, 20.0)})
    np.testing.assert_array_equal(second.args[0], expected)
    assert view.brushes == {"accuracy": (0.2, 0.7), "latency": (5.0, 20.0)}
    assert view.count_label.text().startswith(f"{int(expected.sum()):,} of {N:,} candidates in the brush")
    with qtbot.waitSignal(view.brushChanged) as cleared:
        view.clear_brushes()
    assert cleared.args == [None] and view.brushes == {} and view.regions == {}
    assert view.count_label.text() == f"{N:,} candidates · {int(front.sum()):,} on the front"


def test_the_brush_region_sits_on_its_axis(view: ParallelView, data) -> None:
    points, _front = data
    view.set_brush("latency", 5.0, 20.0)
    region = view.regions[2]
    low, high = region.getRegion()
    span = points[:, 2].max() - points[:, 2].min()
    assert low == pytest.approx((5.0 - points[:, 2].min()) / span)
    assert high == pytest.approx((20.0 - points[:, 2].min()) / span)
    left, right = region.boundingRect().left(), region.boundingRect().right()
    assert 1.5 < left < 2.0 < right < 2.5  # spans axis 2 only


def test_dragging_a_brush_region_updates_the_mask(qtbot: QtBot, view: ParallelView, data) -> None:
    points, _front = data
    view.set_brush("cost", 0.0, 1.5)
    with qtbot.waitSignal(view.brushChanged) as changed:
        view.regions[0].setRegion((0.5, 1.0))  # normalised: cost 1.5 … 3.0 over its range
    low, high = view.brushes["cost"]
    cost_low, cost_high = points[:, 0].min(), points[:, 0].max()
    assert low == pytest.approx(cost_low + 0.5 * (cost_high - cost_low))
    assert high == pytest.approx(cost_high)
    np.testing.assert_array_equal(changed.args[0], reference(points, {0: (low, high)}))


def test_a_mouse_drag_along_an_axis_makes_a_brush(qtbot: QtBot, view: ParallelView, data) -> None:
    points, _front = data
    box = view.box
    start, end = pixel_of(view.plot, box, 1.0, 0.25), pixel_of(view.plot, box, 1.0, 0.75)
    masks: list[object] = []
    view.brushChanged.connect(masks.append)
    drag(qtbot, view.plot, start, end)
    assert set(view.brushes) == {"accuracy"}
    low, high = view.brushes["accuracy"]
    unit = box.viewPixelSize()[1]
    accuracy_low, accuracy_high = points[:, 1].min(), points[:, 1].max()
    to_units = accuracy_high - accuracy_low
    assert low == pytest.approx(
        accuracy_low + data_of(view.plot, box, start).y() * to_units, abs=unit * to_units
    )
    assert high == pytest.approx(
        accuracy_low + data_of(view.plot, box, end).y() * to_units, abs=unit * to_units
    )
    np.testing.assert_array_equal(masks[-1], reference(points, {1: (low, high)}))


def test_a_drag_between_axes_brushes_nothing(qtbot: QtBot, view: ParallelView) -> None:
    box = view.box
    drag(qtbot, view.plot, pixel_of(view.plot, box, 1.5, 0.2), pixel_of(view.plot, box, 1.5, 0.8))
    assert view.brushes == {}


def test_double_clicks_clear_one_axis_or_all(qtbot: QtBot, view: ParallelView) -> None:
    view.set_brush("cost", 0.5, 1.5)
    view.set_brush("dp_ratio", 0.8, 1.0)
    box = view.box
    double_click(view.plot, pixel_of(view.plot, box, 0.0, 0.02))  # on the cost axis, outside its brush
    assert set(view.brushes) == {"dp_ratio"}
    masks: list[object] = []
    view.brushChanged.connect(masks.append)
    double_click(view.plot, pixel_of(view.plot, box, 1.5, 0.5))  # between axes
    assert view.brushes == {} and masks[-1] is None


def test_brushed_lines_are_capped_and_counted(view: ParallelView, data) -> None:
    points, _front = data
    view.set_brush("accuracy", 0.0, 0.9)
    inside = int(reference(points, {1: (0.0, 0.9)}).sum())
    assert inside > HIGHLIGHT_CAP
    xs, _ys = view.brushed.getData()
    assert np.isnan(xs).sum() == HIGHLIGHT_CAP  # one NaN break after each drawn line
    assert (
        view.count_label.text()
        == f"{inside:,} of {N:,} candidates in the brush ({HIGHLIGHT_CAP:,} lines drawn)"
    )


def test_front_lines_highlight_and_axis_titles(view: ParallelView, data) -> None:
    points, front = data
    xs, _ys = view.front_lines.getData()
    assert np.isnan(xs).sum() == min(int(front.sum()), HIGHLIGHT_CAP)
    view.set_highlight(7)
    hx, hy = view.highlight.getData()
    np.testing.assert_allclose(hy[:4], normalise(points)[0][7], rtol=1e-6)
    assert hx[:4].tolist() == [0, 1, 2, 3]
    view.set_highlight(None)
    assert len(view.highlight.getData()[0]) == 0
    ticks = view.plot.plotItem.getAxis("bottom")._tickLevels[0]
    assert [label for _pos, label in ticks] == ["cost ↓", "accuracy ↑", "latency ↓", "dp_ratio ↑"]
    assert view.background.cacheMode() == view.background.CacheMode.DeviceCoordinateCache


def test_normalise_maps_each_axis_to_unit_range() -> None:
    points = np.array([[1.0, 5.0, 2.0], [3.0, 5.0, np.nan], [2.0, 5.0, 4.0]])
    scaled, low, high = normalise(points)
    np.testing.assert_allclose(scaled[:, 0], [0.0, 1.0, 0.5])
    np.testing.assert_allclose(scaled[:, 1], [0.5, 0.5, 0.5])  # a constant axis sits in the middle
    assert np.isnan(scaled[1, 2]) and low.tolist() == [1.0, 5.0, 2.0] and high.tolist() == [3.0, 5.0, 4.0]
    scaled, low, high = normalise(np.array([[np.nan, 1.0], [np.inf, 2.0]]))  # a column with no finite value
    assert np.isnan(scaled[:, 0]).all() and low.tolist() == [0.0, 1.0] and high.tolist() == [0.0, 2.0]
    assert normalise(np.zeros((0, 3)))[0].shape == (0, 3)


def test_no_candidates_draw_nothing(qtbot: QtBot) -> None:
    widget = ParallelView(palette=LIGHT)
    qtbot.addWidget(widget)
    widget.set_candidates(np.zeros((0, 3)), ["a", "b", "c"], ["min"] * 3, np.zeros(0, dtype=bool))
    widget.set_brush("a", 0, 1)
    assert widget.mask is not None and widget.mask.shape == (0,)
    assert widget.count_label.text() == "0 of 0 candidates in the brush"
    widget.grab()


def test_unknown_objectives_and_rows_are_refused(view: ParallelView) -> None:
    with pytest.raises(NotFoundError, match="'volatility' is not on the parallel axes; choose one of: cost"):
        view.set_brush("volatility", 0, 1)
    with pytest.raises(IndexError):
        view.set_highlight(N)


def test_background_lines_are_an_even_sample_beyond_the_cap(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, data
) -> None:
    from tradeoff_studio.ui.workspace import parallel_view

    monkeypatch.setattr(parallel_view, "BACKGROUND_CAP", 1_000)
    widget = ParallelView(palette=LIGHT)
    qtbot.addWidget(widget)
    points, front = data
    widget.set_candidates(points, OBJECTIVES, SENSES, front)
    xs, ys = widget.background.getData()
    assert np.isnan(xs).sum() == 1_000
    first_lines = ys.reshape(1_000, len(OBJECTIVES) + 1)[:, : len(OBJECTIVES)]
    np.testing.assert_allclose(first_lines[0], normalise(points)[0][0], rtol=1e-6)
    np.testing.assert_allclose(first_lines[-1], normalise(points)[0][-1], rtol=1e-6)
    assert (
        widget.count_label.text()
        == f"{N:,} candidates · {int(front.sum()):,} on the front (1,000 lines drawn)"
    )
