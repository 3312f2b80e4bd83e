"""Pieces the figure painters share: fonts, title and caption, the plot frame with axes, the legend.

Fonts have pixel sizes, so a figure measures the same on a 96-dpi PDF page, an image and a screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPen,
    QPolygonF,
    QTextLayout,
    QTextOption,
)

from .axes import Axis
from .theme import ReportTheme, report_font

_SIZES = {
    "title": (13, True),
    "label": (11, False),
    "tick": (10, False),
    "small": (9, False),
    "caption": (11, False),
}


def figure_font(role: str) -> QFont:
    """The font of a figure part: "title", "label", "tick", "small" or "caption"."""
    size, bold = _SIZES[role]
    return report_font(pixels=size, bold=bold)


def _wrapped(text: str, font: QFont, width: float) -> tuple[QTextLayout, float]:
    """``text`` laid out in lines of at most ``width`` (at word boundaries, inside a too-long word)."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    height = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        line.setPosition(QPointF(0.0, height))
        height += line.height()
    layout.endLayout()
    return layout, height


def text_height(text: str, font: QFont, width: float) -> float:
    """The height of ``text`` wrapped at ``width`` in ``font`` (0 for no text), plus a small gap."""
    return _wrapped(text, font, width)[1] + 4.0 if text else 0.0


def draw_wrapped(painter: QPainter, rect: QRectF, text: str, font: QFont) -> None:
    """Draw ``text`` wrapped inside ``rect`` (no word is cut off: a too-long one breaks)."""
    if text:
        layout, _ = _wrapped(text, font, rect.width())
        painter.setFont(font)
        layout.draw(painter, rect.topLeft())


def draw_title(painter: QPainter, rect: QRectF, title: str, theme: ReportTheme) -> float:
    """Draw the title at the top of ``rect``; the height it took."""
    font = figure_font("title")
    painter.setPen(theme.color("text"))
    draw_wrapped(painter, rect, title, font)
    return text_height(title, font, rect.width())


def draw_caption(painter: QPainter, rect: QRectF, caption: str, theme: ReportTheme) -> None:
    """Draw the caption wrapped inside ``rect`` in the muted colour."""
    painter.setPen(theme.color("muted"))
    draw_wrapped(painter, rect, caption, figure_font("caption"))


def diamond(painter: QPainter, centre: QPointF, size: float, colour: QColor) -> None:
    """A filled diamond marker (the knee)."""
    painter.setPen(QPen(QColor("#ffffff"), 0.8))
    painter.setBrush(QBrush(colour))
    painter.drawPolygon(
        QPolygonF(
            [
                QPointF(centre.x(), centre.y() - size),
                QPointF(centre.x() + size, centre.y()),
                QPointF(centre.x(), centre.y() + size),
                QPointF(centre.x() - size, centre.y()),
            ]
        )
    )


def ring(painter: QPainter, centre: QPointF, colour: QColor) -> None:
    """The chosen point: a ring around a dot."""
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(colour, 2.0))
    painter.drawEllipse(centre, 7.0, 7.0)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(colour))
    painter.drawEllipse(centre, 2.6, 2.6)


@dataclass(frozen=True)
class PlotFrame:
    """The plot area inside ``outer`` (room left for tick and axis labels) and its two axes."""

    outer: QRectF
    plot: QRectF
    x: Axis
    y: Axis

    @classmethod
    def fit(cls, painter: QPainter, outer: QRectF, x: Axis, y: Axis) -> PlotFrame:
        """Leave room for the y tick labels and the rotated y label on the left, x labels below."""
        tick = QFontMetricsF(figure_font("tick"))
        label = QFontMetricsF(figure_font("label"))
        left = max(tick.horizontalAdvance(y.label(v)) for v in y.ticks) + label.height() + 12.0
        bottom = tick.height() + label.height() + 10.0
        plot = QRectF(
            outer.left() + left, outer.top() + 6.0, outer.width() - left - 10.0, outer.height() - bottom - 6.0
        )
        return cls(outer, plot, x, y)

    def px(self, value: float) -> float:
        """The page x of a value on the x axis."""
        return self.plot.left() + self.x.fraction(value) * self.plot.width()

    def py(self, value: float) -> float:
        """The page y of a value on the y axis (up is larger)."""
        return self.plot.bottom() - self.y.fraction(value) * self.plot.height()

    def draw_axes(self, painter: QPainter, theme: ReportTheme, x_label: str, y_label: str) -> None:
        """Background, grid at the ticks, the frame, tick labels and both axis labels."""
        painter.fillRect(self.plot, theme.color("plot_background"))
        tick_font = figure_font("tick")
        painter.setFont(tick_font)
        height = QFontMetricsF(tick_font).height()
        for value in self.x.ticks:
            at = self.px(value)
            self._grid(painter, theme, QPointF(at, self.plot.top()), QPointF(at, self.plot.bottom()))
            box = QRectF(at - 45.0, self.plot.bottom() + 3.0, 90.0, height)
            painter.drawText(
                box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, self.x.label(value)
            )
        for value in self.y.ticks:
            at = self.py(value)
            self._grid(painter, theme, QPointF(self.plot.left(), at), QPointF(self.plot.right(), at))
            box = QRectF(
                self.outer.left(), at - height / 2, self.plot.left() - self.outer.left() - 4.0, height
            )
            painter.drawText(
                box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, self.y.label(value)
            )
        painter.setPen(QPen(theme.color("axis"), 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(self.plot)
        self._axis_labels(painter, theme, x_label, y_label, height)

    def _grid(self, painter: QPainter, theme: ReportTheme, start: QPointF, end: QPointF) -> None:
        painter.setPen(QPen(theme.color("grid"), 0.8))
        painter.drawLine(start, end)
        painter.setPen(theme.color("muted"))

    def _axis_labels(
        self, painter: QPainter, theme: ReportTheme, x_label: str, y_label: str, tick_h: float
    ) -> None:
        font = figure_font("label")
        painter.setFont(font)
        painter.setPen(theme.color("text"))
        line = QFontMetricsF(font).height()
        below = QRectF(self.plot.left(), self.plot.bottom() + tick_h + 5.0, self.plot.width(), line + 2.0)
        painter.drawText(below, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, x_label)
        painter.save()
        painter.translate(self.outer.left() + line * 0.85, self.plot.center().y())
        painter.rotate(-90.0)
        width = self.plot.height()
        text = QFontMetricsF(font).elidedText(y_label, Qt.TextElideMode.ElideRight, width)
        painter.drawText(QRectF(-width / 2, -line, width, line + 2.0), Qt.AlignmentFlag.AlignHCenter, text)
        painter.restore()


@dataclass
class Legend:
    """A row of legend entries (wrapping onto more rows when they do not fit)."""

    theme: ReportTheme
    entries: list[tuple[str, str]] = field(default_factory=list)
    width: float = 0.0

    def add(self, text: str, kind: str) -> None:
        """Add an entry: ``kind`` is "dot", "front", "knee", "chosen" or "constraint"."""
        self.entries.append((text, kind))

    @property
    def height(self) -> float:
        """One row of 16 px (the painters keep entries few enough for one or two rows)."""
        return 16.0 * max(1, self._rows(self.width or 640.0)) if self.entries else 0.0

    def _rows(self, width: float) -> int:
        metrics = QFontMetricsF(figure_font("small"))
        rows, used = 1, 0.0
        for text, _ in self.entries:
            need = metrics.horizontalAdvance(text) + 34.0
            if used and used + need > width:
                rows, used = rows + 1, 0.0
            used += need
        return rows

    def draw(self, painter: QPainter, rect: QRectF) -> None:
        """Draw the entries left to right inside ``rect``, each a symbol and its text."""
        font = figure_font("small")
        metrics = QFontMetricsF(font)
        x, y = rect.left() + 4.0, rect.top()
        for text, kind in self.entries:
            need = metrics.horizontalAdvance(text) + 34.0
            if x > rect.left() + 4.0 and x + need > rect.right():
                x, y = rect.left() + 4.0, y + 16.0
            self._symbol(painter, QPointF(x + 8.0, y + 8.0), kind)
            painter.setFont(font)
            painter.setPen(self.theme.color("text"))
            painter.drawText(QPointF(x + 20.0, y + 11.5), text)
            x += need

    def _symbol(self, painter: QPainter, centre: QPointF, kind: str) -> None:
        theme = self.theme
        if kind == "dot":
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(theme.color("candidate", 0.6)))
            painter.drawEllipse(centre, 2.5, 2.5)
        elif kind == "front":
            painter.setPen(QPen(theme.color("front"), 1.6))
            painter.drawLine(QPointF(centre.x() - 8.0, centre.y()), QPointF(centre.x() + 8.0, centre.y()))
            painter.setBrush(QBrush(theme.color("front")))
            painter.drawEllipse(centre, 3.0, 3.0)
        elif kind == "knee":
            diamond(painter, centre, 5.0, theme.color("knee"))
        elif kind == "chosen":
            ring(painter, centre, theme.color("chosen"))
        else:
            painter.fillRect(QRectF(centre.x() - 8.0, centre.y() - 6.0, 8.0, 12.0), theme.color("infeasible"))
            painter.setPen(QPen(theme.color("constraint"), 1.2, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(centre.x(), centre.y() - 6.0), QPointF(centre.x(), centre.y() + 6.0))
