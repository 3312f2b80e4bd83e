"""Small widgets the overlays share: a key–value table and a plot in the palette's colours."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from ..palette import active_palette


def table_widget(
    headers: list[str], rows: list[list[str]], name: str, parent: QWidget | None = None
) -> QTableWidget:
    """A read-only table with ``headers`` and text ``rows``."""
    table = QTableWidget(parent)
    table.setObjectName(name)
    fill_table(table, headers, rows)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(20)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


def fill_table(table: QTableWidget, headers: list[str], rows: list[list[str]]) -> None:
    """Replace the table's contents."""
    table.clear()
    table.setColumnCount(len(headers))
    table.setRowCount(len(rows))
    table.setHorizontalHeaderLabels(headers)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))


def plot_widget(name: str, parent: QWidget | None = None) -> pg.PlotWidget:
    """A small plot in the active palette's background and foreground."""
    colours = active_palette()
    plot = pg.PlotWidget(parent, background=colours.background)
    plot.setObjectName(name)
    for axis in ("left", "bottom"):
        plot.getAxis(axis).setPen(colours.foreground)
        plot.getAxis(axis).setTextPen(colours.foreground)
        plot.getAxis(axis).enableAutoSIPrefix(False)  # "0.8", not "800 (x0.001)"
    plot.showGrid(x=True, y=True, alpha=0.2)
    return plot


def percent(value: object) -> str:
    """``0.1234`` → ``12.3%``; "—" when missing."""
    return "—" if not isinstance(value, int | float) else f"{value:.1%}"


def series_colours() -> list[str]:
    """Distinct palette colours for several series (estimators, models), in a fixed order."""
    colours = active_palette()
    return [colours.front, colours.selected, colours.knee, colours.pinned, colours.recommended,
            colours.whisker, colours.ranked]  # fmt: skip
