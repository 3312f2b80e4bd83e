"""The drawn items of the front view, except the density image and the constraint lines.

Every layer is one item with one shared pen and brush (per-point brushes cost ~2 s at 1M points):
faded point layers for dominated ranks, the front line and markers, CI whiskers as one
``connect="pairs"`` curve, the dashed ghost of the previous run, one-point markers for the
selected, pinned, knee and recommended candidates, and the hover text.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import Qt

from tradeoff_studio.ui.workspace.front_layers import LAYER_ALPHAS, whisker_segments
from tradeoff_studio.ui.workspace.palette import Palette, qcolor, with_alpha

Floats = NDArray[np.float64]
CHOICES = ("selected", "pinned", "knee", "recommended")


def _scatter(z: float, **options: object) -> pg.ScatterPlotItem:
    item = pg.ScatterPlotItem(pxMode=True, **options)
    item.setZValue(z)
    return item


class FrontMarks:
    """Creates the view's items on ``plot_item`` and keeps them in step with the data."""

    def __init__(self, plot_item: pg.PlotItem, palette: Palette) -> None:
        self._plot = plot_item
        self._palette = palette
        self._build_layers(palette)
        self._build_markers(palette)
        for item in [*self.cloud, self.cloud_faded, self.ghost, self.whiskers, self.front_line]:
            plot_item.addItem(item)
        for item in [self.front_faded, self.front, *self.markers.values()]:
            plot_item.addItem(item)
        plot_item.addItem(self.hover, ignoreBounds=True)
        self.legend = plot_item.addLegend(
            offset=(-10, 10),
            labelTextColor=qcolor(palette.foreground),
            brush=pg.mkBrush(qcolor(palette.tooltip_fill)),
            pen=pg.mkPen(with_alpha(palette.foreground, 60)),
        )
        for name in ("Pareto front", "knee", "recommended", "selected", "pinned"):
            self.legend.addItem(self.front if name == "Pareto front" else self.markers[name], name)
        self._choices: dict[str, int | None] = dict.fromkeys(CHOICES)
        self._x: Floats = np.zeros(0)
        self._y: Floats = np.zeros(0)
        self._ghost_columns: dict[str, Floats] | None = None

    def _build_layers(self, palette: Palette) -> None:
        """The faded cloud layers, the ghost, the whiskers, the front line and the front markers."""
        no_pen = pg.mkPen(None)
        self.cloud = [
            _scatter(-10 + k, size=4, pen=no_pen, brush=with_alpha(palette.ranked, alpha))
            for k, alpha in enumerate(LAYER_ALPHAS)
        ]
        self.cloud_faded = _scatter(-12, size=4, pen=no_pen, brush=with_alpha(palette.faded, 110))
        # thousands of vertices: never antialiased, whatever the application's default
        ghost_pen = pg.mkPen(with_alpha(palette.ghost, 170), width=2, style=Qt.PenStyle.DashLine)
        self.ghost = pg.PlotCurveItem(antialias=False, pen=ghost_pen)
        self.ghost.setZValue(-5)
        whisker_pen = pg.mkPen(with_alpha(palette.whisker, 70), width=1)  # faint: wide CIs must not hide it
        self.whiskers = pg.PlotCurveItem(antialias=False, pen=whisker_pen, connect="pairs")
        self.whiskers.setZValue(0)
        self.front_line = pg.PlotCurveItem(antialias=False, pen=pg.mkPen(qcolor(palette.front), width=1.5))
        self.front_line.setZValue(1)
        outline = pg.mkPen(qcolor(palette.background), width=0.8)
        self.front = _scatter(3, size=7, pen=outline, brush=qcolor(palette.front), name="Pareto front")
        self.front_faded = _scatter(2, size=7, pen=no_pen, brush=with_alpha(palette.faded, 200))

    def _build_markers(self, palette: Palette) -> None:
        """One-point markers for the choices, each its own shape, and the hover text."""
        outline = pg.mkPen(qcolor(palette.background), width=0.8)
        knee_brush, recommended_brush = qcolor(palette.knee), qcolor(palette.recommended)
        self.markers = {
            "knee": _scatter(5, size=15, symbol="d", pen=outline, brush=knee_brush, name="knee"),
            "recommended": _scatter(6, size=19, symbol="star", pen=outline, brush=recommended_brush),
            "pinned": _scatter(
                7, size=17, symbol="s", pen=pg.mkPen(qcolor(palette.pinned), width=2.5), brush=None
            ),
            "selected": _scatter(8, size=19, pen=pg.mkPen(qcolor(palette.selected), width=2.5), brush=None),
        }
        self.hover = pg.TextItem(
            color=qcolor(palette.foreground),
            fill=pg.mkBrush(qcolor(palette.tooltip_fill)),
            border=pg.mkPen(qcolor(palette.foreground), width=0.5),
            anchor=(-0.05, 1.05),
        )
        self.hover.setZValue(40)
        self.hover.setVisible(False)

    # ----------------------------------------------------------------- layers
    def set_cloud_points(
        self, x: Floats, y: Floats, buckets: NDArray[np.int8], keep: NDArray[np.bool_] | None
    ) -> None:
        """Dominated candidates as faded points: ``buckets`` 0–2 per row (-1: not drawn), empty = none."""
        if buckets.size == 0:
            for item in [*self.cloud, self.cloud_faded]:
                item.setData(x=[], y=[])
            return
        inside = np.ones(buckets.shape, dtype=bool) if keep is None else keep
        for bucket, item in enumerate(self.cloud):
            rows = np.flatnonzero((buckets == bucket) & inside)
            item.setData(x=x[rows], y=y[rows])
        rows = np.flatnonzero((buckets >= 0) & ~inside)
        self.cloud_faded.setData(x=x[rows], y=y[rows])

    def set_data(  # noqa: PLR0917 (one call per redraw, all of it positional state)
        self,
        x: Floats,
        y: Floats,
        order: NDArray[np.int64],
        axes: tuple[int, int],
        bounds: tuple[Floats, Floats] | None,
        objectives: Sequence[str],
        keep: NDArray[np.bool_] | None,
    ) -> None:
        """The front (line through ``order``, markers, whiskers), the ghost and the choice markers."""
        self._x, self._y = x, y
        self.front_line.setData(x=x[order], y=y[order])
        kept = order if keep is None else order[keep[order]]
        faded = order[:0] if keep is None else order[~keep[order]]
        self.front.setData(x=x[kept], y=y[kept])
        self.front_faded.setData(x=x[faded], y=y[faded])
        if bounds is None:
            self.whiskers.setData(x=[], y=[])
        else:
            lo, hi = bounds
            xs, ys = whisker_segments(
                x[order],
                y[order],
                (lo[order, axes[0]], hi[order, axes[0]]),
                (lo[order, axes[1]], hi[order, axes[1]]),
            )
            self.whiskers.setData(x=xs, y=ys, connect="pairs")
        self.draw_ghost(objectives[axes[0]], objectives[axes[1]])
        for name in CHOICES:
            self._place(name)

    # ---------------------------------------------------------------- ghost
    def keep_ghost(self, columns: dict[str, Floats]) -> None:
        """Remember a front (objective → values) to draw dashed under the next ones."""
        self._ghost_columns = columns
        if not any(label.text == "previous run" for _sample, label in self.legend.items):
            self.legend.addItem(self.ghost, "previous run")

    def draw_ghost(self, x_name: str, y_name: str) -> None:
        """Draw the kept front on these axes (nothing when it lacks either objective)."""
        columns = self._ghost_columns
        if columns is None or x_name not in columns or y_name not in columns:
            self.ghost.setData(x=[], y=[])
            return
        gx, gy = columns[x_name], columns[y_name]
        finite = np.isfinite(gx) & np.isfinite(gy)
        gx, gy = gx[finite], gy[finite]
        order = np.lexsort((gy, gx))
        self.ghost.setData(x=gx[order], y=gy[order])

    # -------------------------------------------------------------- choices
    def clear_choices(self) -> None:
        """Forget the selected, pinned, knee and recommended candidates."""
        self._choices = dict.fromkeys(CHOICES)
        for name in CHOICES:
            self.markers[name].setData(x=[], y=[])

    def set_choice(self, name: str, row: int | None) -> None:
        """Mark ``row`` as the ``name`` choice (None clears it)."""
        if row is not None and not 0 <= row < self._x.size:
            raise IndexError(f"candidate {row} is not among the {self._x.size} shown")
        self._choices[name] = None if row is None else int(row)
        self._place(name)

    def choice(self, name: str) -> int | None:
        """The row marked as ``name``, if any."""
        return self._choices[name]

    def _place(self, name: str) -> None:
        row = self._choices[name]
        if row is None or row >= self._x.size:
            self.markers[name].setData(x=[], y=[])
            return
        self.markers[name].setData(x=[self._x[row]], y=[self._y[row]])

    def show_hover(
        self, row: int | None, x: float, y: float, text: str, inward: tuple[bool, bool] = (False, False)
    ) -> None:
        """Show ``text`` beside (x, y), or hide it when ``row`` is None.

        ``inward`` (left, down): open the text to the left of the point and below it, so that near the
        right or top edge of the view it stays inside.
        """
        if row is None:
            self.hover.setVisible(False)
            return
        left, down = inward
        self.hover.setAnchor((1.05 if left else -0.05, -0.05 if down else 1.05))
        self.hover.setText(text)
        self.hover.setPos(x, y)
        self.hover.setVisible(True)
