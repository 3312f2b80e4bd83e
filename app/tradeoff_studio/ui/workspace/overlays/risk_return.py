"""Risk–return overlay: the selected portfolio's weights as bars, and its in-sample (fit window)
against out-of-sample (test window) figures with the gap."""

from __future__ import annotations

from html import escape

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from ..analysis_data import LoadedAnalysis, cell_text
from ..palette import active_palette
from . import Overlay
from .common import fill_table, plot_widget, table_widget

FIGURES = ("return", "volatility", "sharpe", "sortino", "cvar", "max_drawdown")
HEADERS = ["metric", "in-sample (fit)", "out-of-sample (test)", "gap"]
GIVEN = ["given portfolio", "return", "volatility", "frontier vol. at same return", "excess vol."]


class RiskReturnOverlay(Overlay):
    """Weights and in/out-of-sample figures (objectName ``riskReturnOverlay``)."""

    title = "Portfolio"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("riskReturnOverlay")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.weights = plot_widget("weightsChart", self)
        self.weights.setLabel("bottom", "weight")
        self.figures = table_widget(HEADERS, [], "sampleTable", self)
        self.frontiers = plot_widget("samplesChart", self)
        self.frontiers.setLabel("bottom", "volatility ↓")
        self.frontiers.setLabel("left", "return ↑")
        self.frontiers.addLegend(offset=(10, 10))  # top left: high return at low risk is out of reach
        self.given = table_widget(GIVEN, [], "givenTable", self)
        self.pages = QTabWidget(self)
        self.pages.setObjectName("riskReturnPages")
        for title, widgets in (
            ("Weights", (self.weights, self.figures)),
            ("Fit vs test", (self.frontiers, self.given)),
        ):
            page = QWidget()
            column = QVBoxLayout(page)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(widgets[0], 3)
            column.addWidget(widgets[1], 2)
            self.pages.addTab(page, title)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.pages, 1)
        self.bars: list[tuple[str, float]] = []

    def show_candidate(self, data: LoadedAnalysis, row: int | None, details: object = None) -> None:
        """Bars of the non-zero weights, largest first; the fit against test window figures."""
        self.weights.clear()
        if row is None:
            self.summary.setText("Select a portfolio to see its weights.")
            fill_table(self.figures, HEADERS, [])
            self.frontiers.clear()
            return
        frame = data.table.frame
        columns = [c for c in frame.columns if str(c).startswith("weight_")]
        values = [(str(c)[len("weight_") :], float(frame[c].iloc[row])) for c in columns]
        self.bars = sorted(((n, v) for n, v in values if abs(v) > 1e-9), key=lambda item: -item[1])
        self._draw_bars()
        portfolio = cell_text(frame["portfolio"].iloc[row]) if "portfolio" in frame else data.ids[row]
        self.summary.setText(f"<b>{escape(portfolio)}</b>: {len(self.bars)} assets held")
        rows = []
        for metric in FIGURES:
            if metric in frame and f"oos_{metric}" in frame:
                fit, test = float(frame[metric].iloc[row]), float(frame[f"oos_{metric}"].iloc[row])
                rows.append([metric, cell_text(fit), cell_text(test), f"{test - fit:+.4g}"])
        fill_table(self.figures, HEADERS, rows)
        self._draw_frontiers(data, row)
        given = data.table.notes.get("given_portfolios") or {}
        fill_table(self.given, GIVEN, [[name, *(cell_text(figures.get(key)) for key in (
            "return", "volatility", "frontier_volatility_at_same_return", "excess_volatility"))]
            for name, figures in given.items() if isinstance(figures, dict)])  # fmt: skip

    def _draw_frontiers(self, data: LoadedAnalysis, row: int) -> None:
        """The frontier as fitted and the same portfolios on the test window; the selection ringed."""
        self.frontiers.clear()
        frame = data.table.frame
        if not {"return", "volatility", "oos_return", "oos_volatility"} <= set(frame.columns):
            return
        frontier = frame[frame["source"] == "frontier"] if "source" in frame else frame
        frontier = frontier.sort_values("volatility")
        colours = active_palette()
        for prefix, colour, name in (
            ("", colours.front, "fit (in-sample)"),
            ("oos_", colours.selected, "test (out-of-sample)"),
        ):
            self.frontiers.plot(frontier[f"{prefix}volatility"].to_numpy(dtype=float),
                                frontier[f"{prefix}return"].to_numpy(dtype=float),
                                pen=pg.mkPen(colour, width=2), name=name)  # fmt: skip
        for prefix in ("", "oos_"):
            ring = pg.ScatterPlotItem([float(frame[f"{prefix}volatility"].iloc[row])],
                                      [float(frame[f"{prefix}return"].iloc[row])], size=12, brush=None,
                                      pen=pg.mkPen(colours.foreground, width=2))  # fmt: skip
            self.frontiers.addItem(ring)

    def _draw_bars(self) -> None:
        if not self.bars:
            return
        colours = active_palette()
        y = np.arange(len(self.bars), dtype=float)
        widths = np.array([value for _, value in self.bars])
        bars = pg.BarGraphItem(x0=np.zeros_like(widths), y=y, width=widths, height=0.7,
                               brush=colours.front, pen=None)  # fmt: skip
        self.weights.addItem(bars)
        for position, (name, value) in zip(y, self.bars, strict=True):
            label = pg.TextItem(f"{name} {value:.1%}", color=colours.foreground, anchor=(0, 0.5))
            label.setPos(0.0, float(position))
            self.weights.addItem(label)
        self.weights.getAxis("left").setTicks([[]])
        self.weights.getViewBox().invertY(True)
        self.weights.setXRange(0.0, max(1e-9, float(widths.max())) * 1.05)
        self.weights.setYRange(-0.5, len(self.bars) - 0.5)
