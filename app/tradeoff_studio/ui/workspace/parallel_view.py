"""Parallel coordinates: one axis per objective, brushing ranges filters the candidates.

Every axis is normalised to 0–1 over its objective's range (the direction that is better is in the
axis title). Background lines are one curve with NaN separators, cached as a device-coordinate
pixmap (research/workspace.md §4: 0.3 ms a repaint once drawn); the front's lines, the lines
inside the brush (at most ``HIGHLIGHT_CAP``, the count shown) and the highlighted candidate are
curves on top. A brush is a horizontal ``LinearRegionItem`` spanning one axis: drag along an axis to
make one, drag its edges or body to change it, double-click an axis to drop its brush (between
axes: every brush).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtWidgets import QGraphicsItem, QLabel, QVBoxLayout, QWidget

from tradeoff_studio.core.errors import NotFoundError
from tradeoff_studio.ui.workspace.front_layers import direction_label
from tradeoff_studio.ui.workspace.palette import Palette, active_palette, qcolor, with_alpha

BACKGROUND_CAP = 100_000  # background lines drawn at most (an even sample beyond)
HIGHLIGHT_CAP = 5_000  # brushed / front lines drawn at most
BRUSH_HALF_WIDTH = 0.12  # of the gap between two axes
AXIS_GRAB = 0.3  # a drag starting this close to an axis (in axis gaps) brushes it


def sample_rows(rows: NDArray[np.int64], cap: int) -> NDArray[np.int64]:
    """At most ``cap`` of ``rows``, evenly spread (deterministic)."""
    if rows.size <= cap:
        return rows
    return rows[np.linspace(0, rows.size - 1, cap).round().astype(np.int64)]


def line_alpha(count: int, full: int) -> int:
    """An alpha that keeps ``count`` overlapping lines from merging into one blob (``full`` for a few)."""
    return int(np.clip(full * np.sqrt(150 / max(count, 1)), 14, full))


def normalise(
    points: NDArray[np.float64],
) -> tuple[NDArray[np.float32], NDArray[np.float64], NDArray[np.float64]]:
    """Each column scaled to 0–1 over its finite range (a constant column sits at 0.5); its lows and highs."""
    finite = np.isfinite(points)
    low, high = np.zeros(points.shape[1]), np.zeros(points.shape[1])
    for column in range(points.shape[1]):  # an empty or all-NaN column keeps 0 … 0
        values = points[finite[:, column], column]
        if values.size:
            low[column], high[column] = values.min(), values.max()
    span = high - low
    scaled = np.where(span > 0, (points - low) / np.where(span > 0, span, 1.0), 0.5)
    scaled[~finite] = np.nan
    return scaled.astype(np.float32), low, high


class _BrushBox(pg.ViewBox):
    """A fixed view box that turns left drags into brushes and double-clicks into clearing them."""

    def __init__(
        self, on_drag: Callable[[QPointF, QPointF], None], on_double: Callable[[QPointF], None]
    ) -> None:
        super().__init__(enableMenu=False)
        self.setMouseEnabled(x=False, y=False)
        self._on_drag = on_drag
        self._on_double = on_double

    def mouseDragEvent(self, ev: object, axis: object = None) -> None:
        """Brush the axis under the drag's start."""
        if ev.button() != Qt.MouseButton.LeftButton:  # type: ignore[attr-defined]
            ev.ignore()  # type: ignore[attr-defined]
            return
        ev.accept()  # type: ignore[attr-defined]
        start = self.mapSceneToView(ev.buttonDownScenePos())  # type: ignore[attr-defined]
        self._on_drag(start, self.mapSceneToView(ev.scenePos()))  # type: ignore[attr-defined]

    def mouseClickEvent(self, ev: object) -> None:
        """A double-click clears brushes."""
        if ev.double() and ev.button() == Qt.MouseButton.LeftButton:  # type: ignore[attr-defined]
            ev.accept()  # type: ignore[attr-defined]
            self._on_double(self.mapSceneToView(ev.scenePos()))  # type: ignore[attr-defined]


class ParallelView(QWidget):
    """Parallel-coordinates view of candidates (objectName ``parallelView``)."""

    #: NDArray[bool] mask of the candidates inside every brushed range, or None when nothing is brushed
    brushChanged = Signal(object)  # noqa: N815 (Qt naming: the published API)

    def __init__(self, parent: QWidget | None = None, palette: Palette | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("parallelView")
        self.palette_ = palette or active_palette()
        self.box = _BrushBox(self._brush_by_drag, self._clear_by_double_click)
        self.plot = pg.PlotWidget(viewBox=self.box, background=qcolor(self.palette_.background))
        self.count_label = QLabel()
        self.count_label.setObjectName("parallelCount")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        layout.addWidget(self.count_label)
        self._points = np.zeros((0, 0))
        self._norm = np.zeros((0, 0), dtype=np.float32)
        self._low = self._high = np.zeros(0)
        self._objectives: list[str] = []
        self._front = np.zeros(0, dtype=bool)
        self._brushes: dict[int, tuple[float, float]] = {}
        self.regions: dict[int, pg.LinearRegionItem] = {}
        self.mask: NDArray[np.bool_] | None = None
        self._highlight: int | None = None
        self._labels: list[pg.TextItem] = []
        self._build_items()

    def _build_items(self) -> None:
        palette, item = self.palette_, self.plot.plotItem
        self.background = pg.PlotCurveItem(
            antialias=False, pen=pg.mkPen(with_alpha(palette.ranked, 45), width=1), connect="finite"
        )
        self.background.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.front_lines = pg.PlotCurveItem(
            antialias=False, pen=pg.mkPen(with_alpha(palette.front, 170), width=1), connect="finite"
        )
        self.brushed = pg.PlotCurveItem(
            antialias=False, pen=pg.mkPen(with_alpha(palette.highlight, 150), width=1), connect="finite"
        )
        self.highlight = pg.PlotCurveItem(pen=pg.mkPen(qcolor(palette.selected), width=3), connect="finite")
        self.axis_lines = pg.PlotCurveItem(
            pen=pg.mkPen(qcolor(palette.foreground), width=1.5), connect="pairs"
        )
        for z, curve in enumerate(
            [self.background, self.front_lines, self.brushed, self.axis_lines, self.highlight]
        ):
            curve.setZValue(z)
            item.addItem(curve)
        item.hideAxis("left")
        item.hideButtons()
        foreground = qcolor(palette.foreground)
        item.getAxis("bottom").setPen(foreground)
        item.getAxis("bottom").setTextPen(foreground)

    # ----------------------------------------------------------------- data
    def set_candidates(
        self,
        points: NDArray[np.float64],
        objectives: Sequence[str],
        senses: Sequence[str],
        front: NDArray[np.bool_],
    ) -> None:
        """Show ``points`` (n, m), one normalised axis per objective, the front's lines highlighted.

        Brushes and the highlight are cleared (``brushChanged(None)`` is emitted if there were any).
        """
        points = np.asarray(points, dtype=np.float64)
        if points.ndim != 2 or points.shape[1] != len(objectives) or len(senses) != len(objectives):
            raise ValueError(f"points {points.shape} do not match {len(objectives)} objectives and senses")
        had_brushes = bool(self._brushes)
        self._remove_regions()
        self._points, self._objectives = points, list(objectives)
        self._front = np.asarray(front, dtype=bool).reshape(points.shape[0])
        self._norm, self._low, self._high = normalise(points)
        self._highlight = None
        self._draw_axes(senses)
        background = sample_rows(np.arange(points.shape[0]), BACKGROUND_CAP)
        self.background.setPen(pg.mkPen(with_alpha(self.palette_.ranked, line_alpha(background.size, 90))))
        self.background.setData(*self._lines(background))
        front_rows = sample_rows(np.flatnonzero(self._front), HIGHLIGHT_CAP)
        self.front_lines.setPen(
            pg.mkPen(with_alpha(self.palette_.front, line_alpha(front_rows.size, 220)), width=1)
        )
        self.front_lines.setData(*self._lines(front_rows))
        self.highlight.setData(x=[], y=[])
        self._apply_brushes(emit=had_brushes)

    def _lines(self, rows: NDArray[np.int64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Vertices of the polylines of ``rows``, each followed by a NaN break."""
        m = self._norm.shape[1]
        xs = np.tile(np.append(np.arange(m, dtype=np.float64), np.nan), rows.size)
        ys = np.full((rows.size, m + 1), np.nan, dtype=np.float64)
        ys[:, :m] = self._norm[rows]
        return xs, ys.ravel()

    def _draw_axes(self, senses: Sequence[str]) -> None:
        m = len(self._objectives)
        axis = self.plot.plotItem.getAxis("bottom")
        axis.setTicks([[(j, direction_label(name, senses[j])) for j, name in enumerate(self._objectives)]])
        self.axis_lines.setData(x=np.repeat(np.arange(m, dtype=np.float64), 2), y=np.tile([0.0, 1.0], m))
        for label in self._labels:
            self.plot.plotItem.removeItem(label)
        self._labels = []
        for j in range(m):
            for value, y, anchor in ((self._low[j], 0.0, (0.5, -0.1)), (self._high[j], 1.0, (0.5, 1.1))):
                label = pg.TextItem(f"{value:.4g}", color=qcolor(self.palette_.foreground), anchor=anchor)
                label.setPos(j, y)
                self.plot.plotItem.addItem(label, ignoreBounds=True)
                self._labels.append(label)
        self.box.setRange(xRange=(-0.5, m - 0.5), yRange=(-0.08, 1.08), padding=0)

    # ------------------------------------------------------------- highlight
    def set_highlight(self, index: int | None) -> None:
        """Draw candidate ``index``'s line on top (None clears)."""
        if index is not None and not 0 <= index < self._points.shape[0]:
            raise IndexError(f"candidate {index} is not among the {self._points.shape[0]} shown")
        self._highlight = index
        if index is None:
            self.highlight.setData(x=[], y=[])
            return
        self.highlight.setData(*self._lines(np.array([index], dtype=np.int64)))

    # --------------------------------------------------------------- brushes
    @property
    def brushes(self) -> dict[str, tuple[float, float]]:
        """The brushed ranges, objective → (low, high) in the objective's units."""
        return {self._objectives[j]: bounds for j, bounds in sorted(self._brushes.items())}

    def clear_brushes(self) -> None:
        """Remove every brush; emits ``brushChanged(None)``."""
        self._remove_regions()
        self._apply_brushes(emit=True)

    def set_brush(self, objective: str, low: float, high: float) -> None:
        """Brush ``objective`` to [low, high] in its own units; emits the new mask."""
        if objective not in self._objectives:
            shown = ", ".join(self._objectives) or "none yet"
            raise NotFoundError(
                f"objective {objective!r} is not on the parallel axes; choose one of: {shown}"
            )
        column = self._objectives.index(objective)
        low, high = sorted((float(low), float(high)))
        self._brushes[column] = (low, high)
        self._show_region(column)
        self._apply_brushes(emit=True)

    def _to_unit(self, column: int, value: float) -> float:
        span = self._high[column] - self._low[column]
        return 0.5 if span <= 0 else (value - self._low[column]) / span

    def _from_unit(self, column: int, value: float) -> float:
        return float(self._low[column] + value * (self._high[column] - self._low[column]))

    def _show_region(self, column: int) -> None:
        values = tuple(self._to_unit(column, v) for v in self._brushes[column])
        region = self.regions.get(column)
        if region is None:
            m = len(self._objectives)
            span = ((column + 0.5 - BRUSH_HALF_WIDTH) / m, (column + 0.5 + BRUSH_HALF_WIDTH) / m)
            region = pg.LinearRegionItem(
                values=values,
                orientation="horizontal",
                brush=pg.mkBrush(qcolor(self.palette_.brush_region)),
                pen=pg.mkPen(qcolor(self.palette_.front), width=1.5),
                span=span,
            )
            region.setZValue(10)
            region.sigRegionChanged.connect(lambda item, c=column: self._on_region_dragged(c, item))
            self.plot.plotItem.addItem(region, ignoreBounds=True)
            self.regions[column] = region
        region.blockSignals(True)
        region.setRegion(values)
        region.blockSignals(False)

    def _on_region_dragged(self, column: int, region: pg.LinearRegionItem) -> None:
        low, high = region.getRegion()
        self._brushes[column] = (self._from_unit(column, low), self._from_unit(column, high))
        self._apply_brushes(emit=True)

    def _remove_regions(self) -> None:
        for region in self.regions.values():
            self.plot.plotItem.removeItem(region)
        self.regions = {}
        self._brushes = {}

    def _brush_by_drag(self, start: QPointF, now: QPointF) -> None:
        column = round(start.x())
        if (
            not self._objectives
            or not 0 <= column < len(self._objectives)
            or abs(start.x() - column) > AXIS_GRAB
        ):
            return
        low, high = sorted(float(np.clip(v, 0.0, 1.0)) for v in (start.y(), now.y()))
        self._brushes[column] = (self._from_unit(column, low), self._from_unit(column, high))
        self._show_region(column)
        self._apply_brushes(emit=True)

    def _clear_by_double_click(self, where: QPointF) -> None:
        """On an axis: drop its brush. Between axes: drop every brush. Emits only if one was dropped."""
        column = round(where.x())
        if abs(where.x() - column) > AXIS_GRAB:
            if self._brushes:
                self.clear_brushes()
            return
        if column in self._brushes:
            self.plot.plotItem.removeItem(self.regions.pop(column))
            del self._brushes[column]
            self._apply_brushes(emit=True)

    def _apply_brushes(self, emit: bool) -> None:
        """Recompute the mask, redraw the brushed lines and the count; emit ``brushChanged`` if asked."""
        n = self._points.shape[0]
        if not self._brushes:
            self.mask = None
            self.brushed.setData(x=[], y=[])
            text = f"{n:,} candidates · {int(self._front.sum()):,} on the front"
            drawn = min(n, BACKGROUND_CAP)
            self.count_label.setText(text + (f" ({drawn:,} lines drawn)" if drawn < n else ""))
        else:
            mask = np.ones(n, dtype=bool)
            for column, (low, high) in self._brushes.items():
                values = self._points[:, column]
                mask &= (values >= low) & (values <= high)
            self.mask = mask
            rows = np.flatnonzero(mask)
            drawn = sample_rows(rows, HIGHLIGHT_CAP)
            self.brushed.setPen(pg.mkPen(with_alpha(self.palette_.highlight, line_alpha(drawn.size, 220))))
            self.brushed.setData(*self._lines(drawn))
            text = f"{rows.size:,} of {n:,} candidates in the brush"
            self.count_label.setText(
                text + (f" ({drawn.size:,} lines drawn)" if drawn.size < rows.size else "")
            )
        if emit:
            self.brushChanged.emit(None if self.mask is None else self.mask.copy())
