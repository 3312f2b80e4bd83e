"""The right-hand panel: a table's first rows, or the distribution of a numeric column."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtWidgets import QLabel, QStackedWidget, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from ..core.summaries import Histogram, Preview

if TYPE_CHECKING:
    import pyqtgraph as pg


class DetailPanel(QWidget):
    """Shows a preview or a histogram; a hint when nothing is selected."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(
            "Select a table to preview its rows, or a numeric or score column to see its distribution."
        )
        self.title.setWordWrap(True)
        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self._plot: pg.PlotWidget | None = None  # pyqtgraph loads on the first histogram (start-up)
        self.stack = QStackedWidget()
        self.stack.addWidget(QWidget())
        self.stack.addWidget(self.table)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.stack, 1)

    @property
    def plot(self) -> pg.PlotWidget:
        """The histogram plot, made on first use."""
        if self._plot is None:
            import pyqtgraph as pg

            pg.setConfigOptions(antialias=True, background="w", foreground="k")
            self._plot = pg.PlotWidget()
            self._plot.setLabel("left", "rows")
            self._plot.showGrid(x=True, y=True, alpha=0.2)
            self.stack.addWidget(self._plot)
        return self._plot

    def show_preview(self, name: str, preview: Preview) -> None:
        """The first rows of table ``name``."""
        self.title.setText(f"{name}: first {len(preview.rows):,} of {preview.total_rows:,} rows")
        self.table.clear()
        self.table.setColumnCount(len(preview.columns))
        self.table.setRowCount(len(preview.rows))
        self.table.setHorizontalHeaderLabels(preview.columns)
        for row_index, row in enumerate(preview.rows):
            for column_index, value in enumerate(row):
                self.table.setItem(row_index, column_index, QTableWidgetItem(_cell_text(value)))
        self.table.resizeColumnsToContents()
        self.stack.setCurrentWidget(self.table)

    def show_histogram(self, label: str, histogram: Histogram) -> None:
        """The distribution of a numeric column as bars."""
        total = sum(histogram.counts)
        missing = f", {histogram.missing:,} missing" if histogram.missing else ""
        self.title.setText(
            f"{label}: {total:,} values from {histogram.low:.4g} to {histogram.high:.4g}{missing}"
        )
        self.plot.clear()
        if histogram.counts:
            edges = np.linspace(histogram.low, histogram.high, len(histogram.counts) + 1)
            import pyqtgraph as pg

            bars = pg.BarGraphItem(
                x0=edges[:-1],
                x1=edges[1:],
                height=histogram.counts,
                brush=pg.mkBrush(52, 101, 164, 200),
                pen=None,
            )
            self.plot.addItem(bars)
        self.plot.setLabel("bottom", label)
        self.stack.setCurrentWidget(self.plot)

    def clear_detail(self) -> None:
        """Back to the hint."""
        self.title.setText(
            "Select a table to preview its rows, or a numeric or score column to see its distribution."
        )
        self.stack.setCurrentIndex(0)


def _cell_text(value: object) -> str:
    """Readable cell text: thousands separators for large numbers, 4 significant digits for small."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) >= 100 else f"{value:.4g}"
    return str(value)
