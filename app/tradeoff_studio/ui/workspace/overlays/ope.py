"""OPE overlay: SharpeRatio@k against k, one line per estimator, the selected point ringed."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..analysis_data import LoadedAnalysis, value_with_ci
from ..palette import active_palette
from . import Overlay
from .common import plot_widget, series_colours

METRIC = "sharpe_ratio_at_k"


class OpeOverlay(Overlay):
    """SharpeRatio@k per estimator (objectName ``opeOverlay``)."""

    title = "SharpeRatio@k"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("opeOverlay")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # ids come from user data
        self.plot = plot_widget("sharpeChart", self)
        self.plot.setLabel("bottom", "k (shortlist size)")
        self.plot.setLabel("left", "SharpeRatio@k")
        self.plot.addLegend(offset=(-10, 10))
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.plot, 1)
        self.estimators: list[str] = []

    def show_candidate(self, data: LoadedAnalysis, row: int | None, details: object = None) -> None:
        """Every estimator's curve; the selected candidate's point ringed."""
        self.plot.clear()
        frame = data.table.frame
        if not {"estimator", "k", METRIC} <= set(frame.columns):
            self.summary.setText("This analysis has no SharpeRatio@k per estimator.")
            return
        self.estimators = sorted(map(str, frame["estimator"].unique()))
        colours = series_colours()
        for index, estimator in enumerate(self.estimators):
            rows = frame[frame["estimator"].astype(str) == estimator].sort_values("k")
            colour = colours[index % len(colours)]
            self.plot.plot(rows["k"].to_numpy(dtype=float), rows[METRIC].to_numpy(dtype=float),
                           pen=pg.mkPen(colour, width=2), symbol="o", symbolSize=5, symbolBrush=colour,
                           symbolPen=None, name=estimator)  # fmt: skip
        if row is None:
            self.summary.setText("Select a candidate to ring it.")
            return
        ring = pg.ScatterPlotItem([float(frame["k"].iloc[row])], [float(frame[METRIC].iloc[row])], size=16,
                                  brush=None, pen=pg.mkPen(active_palette().selected, width=2.5))  # fmt: skip
        self.plot.addItem(ring)
        finite = np.isfinite(frame[METRIC].to_numpy(dtype=float))
        self.summary.setText(
            f"{data.ids[row]}: SharpeRatio@k = {value_with_ci(data.table, METRIC, row)} "
            f"({int(finite.sum())} estimator × k candidates)"
        )
