"""Model-variants overlay: quality against p95 latency, each model's marker sized by its memory."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..analysis_data import LoadedAnalysis, cell_text
from ..palette import active_palette
from . import Overlay
from .common import plot_widget

QUALITY, LATENCY, MEMORY = "quality", "latency_p95_ms", "peak_memory_mb"


class ModelVariantsOverlay(Overlay):
    """Quality vs p95 latency with memory (objectName ``modelVariantsOverlay``)."""

    title = "Latency"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelVariantsOverlay")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # ids come from user data
        self.plot = plot_widget("latencyChart", self)
        self.plot.setLabel("bottom", "p95 latency (ms) ↓")
        self.plot.setLabel("left", "quality ↑")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.plot, 1)
        self.sizes = np.zeros(0)

    def show_candidate(self, data: LoadedAnalysis, row: int | None, details: object = None) -> None:
        """Every model as a disc sized by peak memory; the selected one ringed."""
        self.plot.clear()
        frame = data.table.frame
        if not {QUALITY, LATENCY} <= set(frame.columns):
            self.summary.setText("This analysis has no quality and p95 latency columns.")
            return
        x, y = frame[LATENCY].to_numpy(dtype=float), frame[QUALITY].to_numpy(dtype=float)
        memory = frame[MEMORY].to_numpy(dtype=float) if MEMORY in frame else np.ones(len(frame))
        self.sizes = marker_sizes(memory)
        colours = active_palette()
        self.plot.addItem(pg.ScatterPlotItem(x, y, size=self.sizes, brush=colours.front, pen=None))
        for index, name in enumerate(data.ids):
            label = pg.TextItem(name, color=colours.foreground, anchor=(0, 1))
            label.setPos(float(x[index]), float(y[index]))
            self.plot.addItem(label)
        self.plot.setRange(xRange=_padded(x, 0.1, 0.4), yRange=_padded(y, 0.15, 0.15), padding=0)
        if row is None:
            self.summary.setText("Marker area grows with peak memory. Select a model to ring it.")
            return
        ring = pg.ScatterPlotItem([x[row]], [y[row]], size=float(self.sizes[row]) + 8, brush=None,
                                  pen=pg.mkPen(colours.selected, width=2.5))  # fmt: skip
        self.plot.addItem(ring)
        self.summary.setText(
            f"{data.ids[row]}: quality {cell_text(y[row])}, p95 {cell_text(x[row])} ms, "
            f"peak memory {cell_text(memory[row])} MiB (marker area grows with memory)"
        )


def marker_sizes(memory: np.ndarray) -> np.ndarray:
    """Marker diameters 8–32 px, area proportional to memory (undefined memory: the smallest)."""
    values = np.nan_to_num(memory.astype(float), nan=0.0)
    top = values.max() if values.size and values.max() > 0 else 1.0
    return 8.0 + 24.0 * np.sqrt(np.clip(values, 0.0, None) / top)


def _padded(values: np.ndarray, before: float, after: float) -> tuple[float, float]:
    """The finite range of ``values`` widened by these shares of its span (room for the labels)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    span = high - low if high > low else max(abs(high), 1.0) * 0.1
    return low - before * span, high + after * span
