"""The column statistics panel (objectName ``columnStats``): type, NULLs, distinct, min/max, histogram.

It only draws what the data view's worker sends, step by step (basics first, then the bars), and
offers Cancel while a step runs. Colours come from the palette (house rule 12).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ..core.data.column_stats import BasicStats, Distribution

FIELDS = ("type", "rows", "nulls", "distinct", "min", "max")


class ColumnStatsPanel(QWidget):
    """Statistics of one column at a time; ``cancel_requested`` stops the running step."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("columnStats")
        self.title = QLabel("Select a column to see its statistics.")
        self.title.setObjectName("columnStatsTitle")
        self.title.setWordWrap(True)
        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        for field in FIELDS:
            label = QLabel("")
            label.setObjectName(f"stat_{field}")
            label.setWordWrap(True)
            self.values[field] = label
            form.addRow(f"{'distinct (≈)' if field == 'distinct' else field}:", label)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("columnStatsCancel")
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.cancel_button.setVisible(False)
        self.plot = pg.PlotWidget()
        self.plot.setObjectName("columnStatsPlot")
        self.plot.setMinimumHeight(160)
        self.plot.showGrid(x=False, y=True, alpha=0.2)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setBackground(self.palette().color(QPalette.ColorRole.Base))
        for side in ("left", "bottom"):
            self.plot.getAxis(side).setTextPen(self.palette().color(QPalette.ColorRole.Text))
            self.plot.getAxis(side).setPen(self.palette().color(QPalette.ColorRole.Mid))
        self.bars: pg.BarGraphItem | None = None
        self.distribution: Distribution | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(self.cancel_button)
        layout.addWidget(self.plot, 1)

    def show_pending(self, column: str, dtype: str) -> None:
        """A new column: its name and type at once, the rest as it arrives."""
        self.title.setText(f"Column {column!r}: computing…")
        for field in FIELDS:
            self.values[field].setText("…")
        self.values["type"].setText(dtype)
        self._clear_plot()
        self.cancel_button.setVisible(True)

    def show_basic(self, stats: BasicStats) -> None:
        """Rows, NULLs, approximate distinct count, min and max."""
        share = f" ({stats.nulls / stats.rows:.1%})" if stats.rows else ""
        self.values["rows"].setText(f"{stats.rows:,}")
        self.values["nulls"].setText(f"{stats.nulls:,}{share}")
        self.values["distinct"].setText(f"{stats.distinct_approx:,}")
        self.values["min"].setText("—" if stats.minimum is None else stats.minimum)
        self.values["max"].setText("—" if stats.maximum is None else stats.maximum)

    def show_distribution(self, column: str, distribution: Distribution) -> None:
        """The 50-bin histogram, or the most frequent values, as bars; the step is done."""
        self.cancel_button.setVisible(False)
        self._clear_plot()
        self.distribution = distribution
        missing = f"; {distribution.missing:,} missing" if distribution.missing else ""
        what = "histogram, 50 bins" if distribution.kind == "histogram" else "most frequent values"
        self.title.setText(f"Column {column!r} ({what}{missing})")
        if not distribution.counts:
            return
        brush = pg.mkBrush(self.palette().color(QPalette.ColorRole.Highlight))
        pen = pg.mkPen(self.palette().color(QPalette.ColorRole.Base))
        if distribution.kind == "histogram":
            width = (distribution.high - distribution.low) / len(distribution.counts) or 1.0
            x0 = [distribution.low + index * width for index in range(len(distribution.counts))]
            self.bars = pg.BarGraphItem(x0=x0, width=width, height=distribution.counts, brush=brush, pen=pen)
            self.plot.getAxis("bottom").setTicks(None)
        else:
            positions = list(range(len(distribution.counts)))
            self.bars = pg.BarGraphItem(
                x=positions, width=0.8, height=distribution.counts, brush=brush, pen=None
            )
            ticks = [
                (index, _short(label)) for index, label in zip(positions, distribution.labels, strict=True)
            ]
            self.plot.getAxis("bottom").setTicks([ticks])
        self.plot.addItem(self.bars)
        self.plot.autoRange()

    def show_message(self, text: str) -> None:
        """A cancelled or failed step: say so, keep what was shown."""
        self.cancel_button.setVisible(False)
        self.title.setText(text)

    def clear_stats(self) -> None:
        """Back to the hint."""
        self.title.setText("Select a column to see its statistics.")
        for label in self.values.values():
            label.setText("")
        self.cancel_button.setVisible(False)
        self._clear_plot()

    def _clear_plot(self) -> None:
        self.plot.clear()
        self.bars = None
        self.distribution = None


def _short(label: str, limit: int = 12) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
