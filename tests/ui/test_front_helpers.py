"""The front view's numpy parts against brute-force references: grid picking, density bins, key walk."""

from __future__ import annotations

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from tradeoff_studio.ui.workspace.density import DensityLayer, density_lut
from tradeoff_studio.ui.workspace.front_layers import front_order, rank_buckets, walk_step, whisker_segments
from tradeoff_studio.ui.workspace.palette import DARK, LIGHT, active_palette, qcolor
from tradeoff_studio.ui.workspace.pick_index import PointGrid


def brute_nearest(x, y, probe: tuple[float, float], scale: tuple[float, float]) -> int | None:
    distance = np.hypot((x - probe[0]) * scale[0], (y - probe[1]) * scale[1])
    best = int(np.argmin(distance))
    return best if distance[best] <= 6.0 else None


@pytest.mark.parametrize("scale", [(800.0, 600.0), (20_000.0, 900.0), (30.0, 25.0)])
def test_the_grid_answers_like_brute_force(scale: tuple[float, float]) -> None:
    rng = np.random.default_rng(4)
    x = rng.standard_normal(50_000) * 0.2 + 0.5
    y = rng.random(50_000) ** 3
    grid = PointGrid(x, y, np.arange(x.size))
    sx, sy = scale
    for px, py in rng.random((300, 2)) * 1.2 - 0.1:
        expected = brute_nearest(x, y, (px, py), scale)
        got = grid.nearest(px, py, sx, sy, 6.0)
        if expected is None:
            assert got is None
        else:  # equal distance in float32 may pick another point at the same spot
            assert got is not None
            d_expected = np.hypot((x[expected] - px) * sx, (y[expected] - py) * sy)
            d_got = np.hypot((x[got] - px) * sx, (y[got] - py) * sy)
            assert d_got == pytest.approx(d_expected, abs=1e-3)


def test_the_grid_maps_back_to_row_ids_and_skips_nan() -> None:
    x = np.array([0.0, np.nan, 1.0, 2.0])
    y = np.array([0.0, 1.0, np.nan, 2.0])
    grid = PointGrid(x, y, np.array([10, 11, 12, 13]))
    assert len(grid) == 2
    assert grid.nearest(2.0, 2.0, 100, 100, 6) == 13
    assert grid.nearest(1.0, 1.0, 100, 100, 6) is None
    assert PointGrid(np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int64)).nearest(0, 0, 1, 1, 6) is None


def test_walk_and_order() -> None:
    x = np.array([3.0, 1.0, 2.0, 1.5, 0.5])
    y = np.array([0.0, 2.0, 1.0, 5.0, 9.0])
    front = np.array([True, True, True, False, False])
    order = front_order(x, y, front)
    assert order.tolist() == [1, 2, 0]
    assert walk_step(order, x, None, 1) == 1 and walk_step(order, x, None, -1) == 0
    assert walk_step(order, x, 2, 1) == 0 and walk_step(order, x, 0, 1) == 0
    assert walk_step(order, x, 3, 1) == 2 and walk_step(order, x, 3, -1) == 1  # from off the front
    assert walk_step(order, x, 4, -1) == 1  # nothing to the left: the first
    assert walk_step(order[:0], x, None, 1) is None


def test_rank_buckets() -> None:
    front = np.array([True, False, False, False, False])
    assert rank_buckets(front, np.array([0, 1, 2, 3, 7])).tolist() == [-1, 0, 1, 2, 2]
    assert rank_buckets(front, None).tolist() == [-1, 1, 1, 1, 1]


def test_whiskers_skip_missing_intervals() -> None:
    x, y = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    nan = np.nan
    xs, ys = whisker_segments(
        x, y, (np.array([0.5, nan]), np.array([1.5, 2.5])), (np.array([2.0, 3.0]), np.array([4.0, 5.0]))
    )
    assert xs.tolist() == [0.5, 1.5, 1.0, 1.0, 2.0, 2.0]
    assert ys.tolist() == [3.0, 3.0, 2.0, 4.0, 3.0, 5.0]


def test_density_bins_equal_numpy_histogram2d(qtbot: QtBot) -> None:
    import pyqtgraph as pg

    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(640, 480)
    widget.show()
    qtbot.waitExposed(widget)
    box = widget.plotItem.getViewBox()
    layer = DensityLayer(box, qcolor(LIGHT.cloud), kept=qcolor(LIGHT.ranked), faded=qcolor(LIGHT.faded))
    rng = np.random.default_rng(9)
    x, y = rng.random(100_000), rng.random(100_000) * 2
    box.setRange(xRange=(0.13, 0.71), yRange=(0.2, 1.9), padding=0)
    layer.set_points(x, y)
    counts, rect = layer.histogram()
    (x0, x1), (y0, y1) = box.viewRange()
    assert (rect.left(), rect.width()) == pytest.approx((x0, x1 - x0))
    nx, ny = layer.bins()
    assert counts.shape == (nx, ny)
    inside = (x >= x0) & (x < x1) & (y >= y0) & (y < y1)
    assert counts.sum() == inside.sum()
    reference, _, _ = np.histogram2d(x[inside], y[inside], bins=(nx, ny), range=((x0, x1), (y0, y1)))
    assert np.abs(counts - reference).sum() <= 0.002 * inside.sum()  # float32 edges move a few points
    assert layer.item.image.shape == (nx, ny) and not layer.showing_points
    box.setRange(xRange=(0.5, 0.52), yRange=(0.5, 0.6), padding=0)  # ~100 points in view: drawn exactly
    in_view = (x >= 0.5) & (x < 0.52) & (y >= 0.5) & (y < 0.6)
    assert layer.showing_points and not layer.item.isVisible()
    assert sorted(layer.points.getData()[0]) == pytest.approx(sorted(x[in_view]))
    box.setRange(xRange=(0.13, 0.71), yRange=(0.2, 1.9), padding=0)
    assert not layer.showing_points and len(layer.points.getData()[0]) == 0
    layer.clear()
    assert layer.point_count == 0 and not layer.item.isVisible()


def test_density_lut_is_transparent_where_empty() -> None:
    lut = density_lut(qcolor("#336699"))
    assert lut.shape == (256, 4) and lut[0, 3] == 0 and lut[255, 3] > lut[1, 3] > 0
    assert tuple(lut[100, :3]) == (0x33, 0x66, 0x99)


def test_the_active_palette_follows_the_window_colour(qapp) -> None:
    from PySide6.QtGui import QPalette

    original = qapp.palette()
    try:
        dark = QPalette(original)
        dark.setColor(QPalette.ColorRole.Window, qcolor("#202020"))
        qapp.setPalette(dark)
        assert active_palette() is DARK
        light = QPalette(original)
        light.setColor(QPalette.ColorRole.Window, qcolor("#f0f0f0"))
        qapp.setPalette(light)
        assert active_palette() is LIGHT
    finally:
        qapp.setPalette(original)
    assert qcolor("#11223344").alpha() == 0x44 and qcolor("#11223344").red() == 0x11
