"""The dominated cloud as a density image, re-binned to the viewport on every range change.

Drawing a million points costs 175–1,300 ms a frame in pyqtgraph; a 2-D histogram at half the
viewport's pixel resolution, recomputed with ``np.bincount`` when the range changes, costs
~20 ms (research/workspace.md §1, variant I) and keeps the density visible.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor

BIN_PX = 2  # one histogram bin per 2×2 screen pixels
MAX_BINS = 2048  # per axis, whatever the screen
POINTS_BELOW = 3_000  # fewer candidates than this in view are drawn as exact points instead


def density_lut(color: QColor, max_alpha: int = 170) -> NDArray[np.uint8]:
    """A 256-entry RGBA lookup table: ``color`` with alpha ramping from 0 (empty bins) to ``max_alpha``."""
    lut = np.zeros((256, 4), dtype=np.uint8)
    lut[:, 0], lut[:, 1], lut[:, 2] = color.red(), color.green(), color.blue()
    ramp = np.linspace(0.0, 1.0, 256) ** 0.7
    lut[:, 3] = (40 + (max_alpha - 40) * ramp).astype(np.uint8)
    lut[0, 3] = 0
    return lut


class DensityLayer:
    """An ``ImageItem`` in ``view_box`` that shows where the given points lie, binned to the viewport.

    Zoomed in so far that fewer than ``POINTS_BELOW`` of them are in view, it draws those points
    exactly instead (``kept`` colour, or ``faded`` for points weighted below 1).
    """

    def __init__(self, view_box: pg.ViewBox, color: QColor, kept: QColor, faded: QColor) -> None:
        self.view_box = view_box
        self.item = pg.ImageItem()
        self.item.setLookupTable(density_lut(color))
        self.item.setZValue(-20)
        view_box.addItem(self.item, ignoreBounds=True)
        self.points = pg.ScatterPlotItem(size=4, pen=pg.mkPen(None), brush=pg.mkBrush(kept))
        self.points_faded = pg.ScatterPlotItem(size=4, pen=pg.mkPen(None), brush=pg.mkBrush(faded))
        for z, scatter in ((-9, self.points), (-11, self.points_faded)):
            scatter.setZValue(z)
            view_box.addItem(scatter, ignoreBounds=True)
        self._active = False
        self._x: NDArray[np.float32] | None = None
        self._y: NDArray[np.float32] | None = None
        self._weights: NDArray[np.float32] | None = None
        self._y_limits = (0.0, 0.0)
        view_box.sigRangeChanged.connect(self.rebin)
        view_box.sigResized.connect(self.rebin)

    @property
    def point_count(self) -> int:
        """How many points the layer holds (0 when cleared)."""
        return 0 if self._x is None else int(self._x.size)

    def set_points(
        self, x: NDArray[np.float64], y: NDArray[np.float64], weights: NDArray[np.float64] | None = None
    ) -> None:
        """Show the density of (x, y); ``weights`` (default 1) let filtered-out points count for less.

        The points are kept sorted by x, so a re-bin reads only the slice inside the view's x range.
        """
        finite = np.isfinite(x) & np.isfinite(y)
        order = np.argsort(x[finite], kind="stable")
        self._x = np.asarray(x[finite][order], dtype=np.float32)
        self._y = np.asarray(y[finite][order], dtype=np.float32)
        self._weights = None if weights is None else np.asarray(weights[finite][order], dtype=np.float32)
        self._y_limits = (float(self._y.min()), float(self._y.max())) if self._y.size else (0.0, 0.0)
        self._active = True
        self.rebin()

    def clear(self) -> None:
        """Hold no points and draw nothing."""
        self._x = self._y = self._weights = None
        self._active = False
        self.item.clear()
        self.item.setVisible(False)
        self.points.setData(x=[], y=[])
        self.points_faded.setData(x=[], y=[])

    def bins(self) -> tuple[int, int]:
        """Histogram bins across and up for the current viewport size."""
        width, height = self.view_box.width(), self.view_box.height()
        return (
            int(min(max(width // BIN_PX, 1), MAX_BINS)),
            int(min(max(height // BIN_PX, 1), MAX_BINS)),
        )

    @property
    def showing_points(self) -> bool:
        """Whether the view is zoomed in far enough that the points are drawn exactly."""
        return self._active and not self.item.isVisible()

    def _in_view(
        self,
    ) -> tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.float32] | None, QRectF] | None:
        """The points (x, y, weights) inside the view range, and that range."""
        if self._x is None or self._y is None:
            return None
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        if not (x1 > x0 and y1 > y0):
            return None
        start = np.searchsorted(self._x, np.float32(x0), "left")
        stop = np.searchsorted(self._x, np.float32(x1), "left")
        xs, ys = self._x[start:stop], self._y[start:stop]
        weights = None if self._weights is None else self._weights[start:stop]
        if not (y0 <= self._y_limits[0] and self._y_limits[1] < y1):  # some points are above or below
            inside = (ys >= np.float32(y0)) & (ys < np.float32(y1))
            xs, ys = xs[inside], ys[inside]
            weights = None if weights is None else weights[inside]
        return xs, ys, weights, QRectF(x0, y0, x1 - x0, y1 - y0)

    def _counts(
        self,
        xs: NDArray[np.float32],
        ys: NDArray[np.float32],
        weights: NDArray[np.float32] | None,
        rect: QRectF,
    ) -> NDArray[np.float64]:
        nx, ny = self.bins()
        ix = ((xs - np.float32(rect.left())) * np.float32(nx / rect.width())).astype(np.int64)
        iy = ((ys - np.float32(rect.top())) * np.float32(ny / rect.height())).astype(np.int64)
        np.clip(ix, 0, nx - 1, out=ix)  # float32 rounding at the edges
        np.clip(iy, 0, ny - 1, out=iy)
        return np.bincount(ix * ny + iy, weights=weights, minlength=nx * ny).reshape(nx, ny)

    def histogram(self) -> tuple[NDArray[np.float64], QRectF] | None:
        """Counts (bins across × up, weighted) of the points in the visible range, and that range."""
        view = self._in_view()
        if view is None:
            return None
        xs, ys, weights, rect = view
        return self._counts(xs, ys, weights, rect), rect

    def rebin(self, *_args: object) -> None:
        """Redraw for the current view range (connected to the view's range changes)."""
        view = self._in_view() if self._active else None
        if view is None:
            return
        xs, ys, weights, rect = view
        if xs.size < POINTS_BELOW:
            self.item.setVisible(False)
            kept = np.ones(xs.size, dtype=bool) if weights is None else weights >= 1
            self.points.setData(x=xs[kept], y=ys[kept])
            self.points_faded.setData(x=xs[~kept], y=ys[~kept])
            return
        self.points.setData(x=[], y=[])
        self.points_faded.setData(x=[], y=[])
        image = np.log1p(self._counts(xs, ys, weights, rect)).astype(np.float32)
        top = float(image.max()) if image.size else 0.0
        self.item.setImage(image, levels=(0.0, max(top, 1e-6)), autoLevels=False)
        self.item.setRect(rect)
        self.item.setVisible(True)
