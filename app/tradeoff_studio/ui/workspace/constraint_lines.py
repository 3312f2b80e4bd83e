"""Constraint lines of the front view: a draggable ``InfiniteLine`` per constraint on a shown axis,
with its infeasible side shaded by a non-movable ``LinearRegionItem``.

While a line is dragged, ``moved`` carries the new bound at most every ``MIN_INTERVAL_S`` (the last
one is delivered by a single-shot timer, so nothing is lost); ``finished`` fires once at release.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QObject, QTimer, Signal

from tradeoff_studio.ui.workspace.palette import Palette, qcolor

MIN_INTERVAL_S = 0.01  # ~100 Hz at most
FAR = 1e3  # the shading reaches this many data spans past the bound
SYMBOLS = {"<=": "≤", ">=": "≥"}


@dataclass
class _Drawn:
    objective: str
    op: str
    line: pg.InfiniteLine
    region: pg.LinearRegionItem
    vertical: bool  # the line is vertical: the objective is on the x axis
    span: float


class ConstraintLines(QObject):
    """Draws constraints on a ``PlotItem`` and reports their drags."""

    moved = Signal(str, float)
    finished = Signal(str, float)

    def __init__(self, plot_item: pg.PlotItem, palette: Palette) -> None:
        super().__init__()
        self._plot = plot_item
        self._palette = palette
        self._constraints: list[tuple[str, str, float]] = []
        self.drawn: list[_Drawn] = []
        self._last_emit = float("-inf")
        self._pending: tuple[str, float] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._flush)

    @property
    def constraints(self) -> list[tuple[str, str, float]]:
        """The constraints with their current bounds (dragging updates them)."""
        return list(self._constraints)

    def set_constraints(self, constraints: Sequence[tuple[str, str, float]]) -> None:
        """Replace the constraints; call ``redraw`` to show them."""
        for objective, op, _bound in constraints:
            if op not in ("<=", ">="):
                raise ValueError(f"constraint on {objective!r}: operator {op!r} is not '<=' or '>='")
        self._constraints = [(objective, op, float(bound)) for objective, op, bound in constraints]

    def redraw(self, x_name: str, y_name: str, x_span: float, y_span: float) -> None:
        """Draw the constraints on ``x_name`` (vertical lines) and ``y_name`` (horizontal ones)."""
        self.clear_items()
        for position, (objective, _op, _bound) in enumerate(self._constraints):
            if objective == x_name:
                self._draw(position, vertical=True, span=x_span)
            if objective == y_name:
                self._draw(position, vertical=False, span=y_span)

    def clear_items(self) -> None:
        """Take every drawn line and shading off the plot."""
        for drawn in self.drawn:
            self._plot.removeItem(drawn.line)
            self._plot.removeItem(drawn.region)
        self.drawn = []

    def _draw(self, position: int, vertical: bool, span: float) -> None:
        objective, op, bound = self._constraints[position]
        pen = pg.mkPen(qcolor(self._palette.constraint), width=2)
        escaped = objective.replace("{", "{{").replace("}", "}}")
        line = pg.InfiniteLine(
            pos=bound,
            angle=90 if vertical else 0,
            movable=True,
            pen=pen,
            hoverPen=pg.mkPen(qcolor(self._palette.constraint), width=4),
            label=f"{escaped} {SYMBOLS[op]} {{value:.4g}}",
            labelOpts={"position": 0.92, "color": qcolor(self._palette.constraint), "movable": True},
        )
        region = pg.LinearRegionItem(
            values=self._region_values(op, bound, span),
            orientation="vertical" if vertical else "horizontal",
            movable=False,
            brush=pg.mkBrush(qcolor(self._palette.infeasible)),
            pen=pg.mkPen(None),
        )
        region.setZValue(-15)
        line.setZValue(30)
        drawn = _Drawn(objective, op, line, region, vertical, max(span, 1e-12))
        line.sigPositionChanged.connect(lambda _line, d=drawn, p=position: self._on_moved(d, p))
        line.sigPositionChangeFinished.connect(lambda _line, d=drawn, p=position: self._on_finished(d, p))
        self._plot.addItem(region, ignoreBounds=True)
        self._plot.addItem(line, ignoreBounds=True)
        self.drawn.append(drawn)

    @staticmethod
    def _region_values(op: str, bound: float, span: float) -> tuple[float, float]:
        far = FAR * max(span, 1e-12)
        return (bound, bound + far) if op == "<=" else (bound - far, bound)

    def _on_moved(self, drawn: _Drawn, position: int) -> None:
        bound = float(drawn.line.value())
        drawn.region.setRegion(self._region_values(drawn.op, bound, drawn.span))
        self._constraints[position] = (drawn.objective, drawn.op, bound)
        now = time.monotonic()
        if now - self._last_emit >= MIN_INTERVAL_S:
            self._timer.stop()
            self._pending = None
            self._last_emit = now
            self.moved.emit(drawn.objective, bound)
            return
        self._pending = (drawn.objective, bound)
        if not self._timer.isActive():
            wait_ms = (MIN_INTERVAL_S - (now - self._last_emit)) * 1000
            self._timer.start(max(1, round(wait_ms)))

    def _flush(self) -> None:
        if self._pending is not None:
            objective, bound = self._pending
            self._pending = None
            self._last_emit = time.monotonic()
            self.moved.emit(objective, bound)

    def _on_finished(self, drawn: _Drawn, position: int) -> None:
        self._timer.stop()
        self._flush()
        bound = float(drawn.line.value())
        self._constraints[position] = (drawn.objective, drawn.op, bound)
        self.finished.emit(drawn.objective, bound)
