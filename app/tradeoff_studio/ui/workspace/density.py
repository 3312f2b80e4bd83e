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


def density_lut(color: QColor, max_alpha: int = 170) -> NDArray[np.uint8]:
    """A 256-entry RGBA lookup table: ``color`` with alpha ramping from 0 (empty bins) to ``max_alpha``."""
    lut = np.zeros((256, 4), dtype=np.uint8)
    lut[:, 0], lut[:, 1], lut[:, 2] = color.red(), color.green(), color.blue()
    ramp = np.linspace(0.0, 1.0, 256) ** 0.7
    lut[:, 3] = (40 + (max_alpha - 40) * ramp).astype(np.uint8)
    lut[0, 3] = 0
    return lut


class DensityLayer:
    """An ``ImageItem`` in ``view_box`` that shows where the given points lie, binned to the viewport."""

    def __init__(self, view_box: pg.ViewBox, color: QColor) -> None:
        self.view_box = view_box
        self.item = pg.ImageItem()
        self.item.setLookupTable(density_lut(color))
        self.item.setZValue(-20)
        view_box.addItem(self.item, ignoreBounds=True)
        self._x: NDArray[np.float32] | None = None
        self._y: NDArray[np.float32] | None = None
        self._weights: NDArray[np.float32] | None = None
        view_box.sigRangeChanged.connect(self.rebin)
        view_box.sigResized.connect(self.rebin)

    @property
    def point_count(self) -> int:
        """How many points the layer holds (0 when cleared)."""
        return 0 if self._x is None else int(self._x.size)

    def set_points(
        self, x: NDArray[np.float64], y: NDArray[np.float64], weights: NDArray[np.float64] | None = None
    ) -> None:
        """Show the density of (x, y); ``weights`` (default 1) let filtered-out points count for less."""
        finite = np.isfinite(x) & np.isfinite(y)
        self._x = np.asarray(x[finite], dtype=np.float32)
        self._y = np.asarray(y[finite], dtype=np.float32)
        self._weights = None if weights is None else np.asarray(weights[finite], dtype=np.float32)
        self.item.setVisible(True)
        self.rebin()

    def clear(self) -> None:
        """Hold no points and draw nothing."""
        self._x = self._y = self._weights = None
        self.item.clear()
        self.item.setVisible(False)

    def bins(self) -> tuple[int, int]:
        """Histogram bins across and up for the current viewport size."""
        width, height = self.view_box.width(), self.view_box.height()
        return (
            int(min(max(width // BIN_PX, 1), MAX_BINS)),
            int(min(max(height // BIN_PX, 1), MAX_BINS)),
        )

    def histogram(self) -> tuple[NDArray[np.float64], QRectF] | None:
        """Counts (bins across × up, weighted) of the points in the visible range, and that range."""
        if self._x is None or self._y is None:
            return None
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        if not (x1 > x0 and y1 > y0):
            return None
        nx, ny = self.bins()
        inside = (self._x >= x0) & (self._x < x1) & (self._y >= y0) & (self._y < y1)
        ix = np.minimum(((self._x[inside] - x0) * (nx / (x1 - x0))).astype(np.int64), nx - 1)
        iy = np.minimum(((self._y[inside] - y0) * (ny / (y1 - y0))).astype(np.int64), ny - 1)
        weights = None if self._weights is None else self._weights[inside]
        counts = np.bincount(ix * ny + iy, weights=weights, minlength=nx * ny).reshape(nx, ny)
        return counts, QRectF(x0, y0, x1 - x0, y1 - y0)

    def rebin(self, *_args: object) -> None:
        """Recompute the image for the current view range (connected to the view's range changes)."""
        if not self.item.isVisible():
            return
        result = self.histogram()
        if result is None:
            return
        counts, rect = result
        image = np.log1p(counts).astype(np.float32)
        top = float(image.max()) if image.size else 0.0
        self.item.setImage(image, levels=(0.0, max(top, 1e-6)), autoLevels=False)
        self.item.setRect(rect)
