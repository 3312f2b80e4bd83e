"""Vector painters of the report's figures: a two-objective front and horizontal bars.

Both take any QPainter (a PDF page, an image for the app's preview or a figure export) and a
target rectangle, and draw only paths and text (no pixmaps: the PDF stays vector). Colours come
from the report theme (``resources/styles/palettes.json``), the typeface is the shipped one.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF

from ..core.reports.blocks import BarFigure, FrontFigure
from .axes import Axis, finite, nice_axis, short_number
from .figure_parts import Legend, PlotFrame, diamond, draw_caption, draw_title, figure_font, ring, text_height
from .theme import ReportTheme, report_theme

MAX_CANDIDATES = 3000  # candidates drawn as points; more are thinned evenly (the PDF stays small)
BAR_ROW = 19.0


def front_figure_height(fig: FrontFigure, width: float) -> float:
    """The height a front figure needs at ``width`` (plot about 0.55 × width, plus text)."""
    return min(width * 0.55, 380.0) + _text_overhead(fig.title, fig.caption, width)


def bar_figure_height(fig: BarFigure, width: float) -> float:
    """The height a bar figure needs at ``width``: one row per bar, axis, title and caption."""
    title = text_height(fig.title, figure_font("title"), width)
    return (
        BAR_ROW * max(len(fig.labels), 1)
        + 44.0
        + title
        + text_height(fig.caption, figure_font("caption"), width)
    )


def _text_overhead(title: str, caption: str, width: float) -> float:
    """Title, legend and caption heights above and below a plot."""
    return (
        text_height(title, figure_font("title"), width)
        + 26.0
        + text_height(caption, figure_font("caption"), width)
    )


def paint_front(painter: QPainter, rect: QRectF, fig: FrontFigure, theme: ReportTheme | None = None) -> None:
    """Draw a front: faded candidates, the front with CI whiskers, knee, chosen point, constraints."""
    theme = theme or report_theme()
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    top = rect.top() + draw_title(painter, rect, fig.title, theme)
    caption_h = text_height(fig.caption, figure_font("caption"), rect.width())
    legend = _front_legend(fig, theme, rect.width())
    bottom = rect.bottom() - caption_h - legend.height - 6.0
    x_axis = nice_axis(_axis_values(fig, "x"))
    y_axis = nice_axis(_axis_values(fig, "y"))
    frame = PlotFrame.fit(painter, QRectF(rect.left(), top, rect.width(), bottom - top), x_axis, y_axis)
    frame.draw_axes(painter, theme, fig.x_label, fig.y_label)
    painter.save()
    painter.setClipRect(frame.plot)
    _draw_constraints(painter, frame, fig, theme)
    _draw_candidates(painter, frame, fig, theme)
    _draw_front(painter, frame, fig, theme)
    _draw_markers(painter, frame, fig, theme)
    painter.restore()
    legend.draw(painter, QRectF(rect.left(), frame.outer.bottom() + 4.0, rect.width(), legend.height))
    draw_caption(
        painter, QRectF(rect.left(), rect.bottom() - caption_h, rect.width(), caption_h), fig.caption, theme
    )
    painter.restore()


def _axis_values(fig: FrontFigure, axis: str) -> list[float]:
    """Everything the axis must show: points, interval bounds, constraint values."""
    values = [*fig.points_x, *fig.x_lo, *fig.x_hi] if axis == "x" else [*fig.points_y, *fig.y_lo, *fig.y_hi]
    values += [line.value for line in fig.constraints if line.axis == axis]
    return finite(values)


def _point(fig: FrontFigure, index: int) -> tuple[float, float] | None:
    """Candidate ``index`` as (x, y), or None when out of range or not finite."""
    if not (0 <= index < min(len(fig.points_x), len(fig.points_y))):
        return None
    pair = finite((fig.points_x[index], fig.points_y[index]))
    return (pair[0], pair[1]) if len(pair) == 2 else None


def _draw_constraints(painter: QPainter, frame: PlotFrame, fig: FrontFigure, theme: ReportTheme) -> None:
    """Each bound as a dashed line, its infeasible side shaded, its label beside it."""
    plot = frame.plot
    painter.setFont(figure_font("small"))
    for line in fig.constraints:
        if line.axis == "x":
            at = frame.px(line.value)
            shade = QRectF(QPointF(plot.left(), plot.top()), QPointF(at, plot.bottom()))
            if not line.infeasible_below:
                shade = QRectF(QPointF(at, plot.top()), QPointF(plot.right(), plot.bottom()))
            ends = (QPointF(at, plot.top()), QPointF(at, plot.bottom()))
            label_at = QPointF(at + 3.0, plot.top() + 10.0)
        else:
            at = frame.py(line.value)
            shade = QRectF(QPointF(plot.left(), at), QPointF(plot.right(), plot.bottom()))
            if not line.infeasible_below:
                shade = QRectF(QPointF(plot.left(), plot.top()), QPointF(plot.right(), at))
            ends = (QPointF(plot.left(), at), QPointF(plot.right(), at))
            label_at = QPointF(plot.left() + 4.0, at - 3.0)
        painter.fillRect(shade.normalized(), theme.color("infeasible"))
        painter.setPen(QPen(theme.color("constraint"), 1.2, Qt.PenStyle.DashLine))
        painter.drawLine(*ends)
        painter.drawText(label_at, line.label)


def _draw_candidates(painter: QPainter, frame: PlotFrame, fig: FrontFigure, theme: ReportTheme) -> None:
    """Dominated candidates as small faded dots, thinned evenly past MAX_CANDIDATES."""
    on_front = set(fig.front)
    others = [i for i in range(min(len(fig.points_x), len(fig.points_y))) if i not in on_front]
    stride = max(1, -(-len(others) // MAX_CANDIDATES))
    path = QPainterPath()
    for index in others[::stride]:
        point = _point(fig, index)
        if point is not None:
            path.addEllipse(QPointF(frame.px(point[0]), frame.py(point[1])), 1.9, 1.9)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(theme.color("candidate", 0.45)))
    painter.drawPath(path)


def _draw_front(painter: QPainter, frame: PlotFrame, fig: FrontFigure, theme: ReportTheme) -> None:
    """The front: CI whiskers, then the line through its points (sorted by x), then its markers."""
    points = [(i, _point(fig, index)) for i, index in enumerate(fig.front)]
    valid = [(i, p) for i, p in points if p is not None]
    painter.setPen(QPen(theme.color("whisker", 0.85), 0.9))
    for i, (x, y) in valid:
        for lo, hi, vertical in ((fig.x_lo, fig.x_hi, False), (fig.y_lo, fig.y_hi, True)):
            if len(lo) == len(fig.front) and len(hi) == len(fig.front):
                _whisker(painter, frame, (x, y), (lo[i], hi[i]), vertical=vertical)
    ordered = sorted((p for _, p in valid), key=lambda p: (p[0], p[1]))
    polygon = QPolygonF([QPointF(frame.px(x), frame.py(y)) for x, y in ordered])
    painter.setPen(QPen(theme.color("front"), 1.6))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPolyline(polygon)
    painter.setPen(QPen(theme.color("plot_background"), 0.8))
    painter.setBrush(QBrush(theme.color("front")))
    for point in polygon:
        painter.drawEllipse(point, 3.2, 3.2)


def _whisker(
    painter: QPainter,
    frame: PlotFrame,
    at: tuple[float, float],
    bounds: tuple[float, float],
    *,
    vertical: bool,
) -> None:
    """One interval bar with small end caps (skipped when a bound is not finite)."""
    ends = finite(bounds)
    if len(ends) != 2:
        return
    x, y = frame.px(at[0]), frame.py(at[1])
    a, b = (frame.py(ends[0]), frame.py(ends[1])) if vertical else (frame.px(ends[0]), frame.px(ends[1]))
    if abs(a - b) < 0.5:  # an interval narrower than a pixel: no whisker (a zero-length line breaks PDFs)
        return
    if vertical:
        painter.drawLine(QPointF(x, a), QPointF(x, b))
        for end in (a, b):
            painter.drawLine(QPointF(x - 2.5, end), QPointF(x + 2.5, end))
    else:
        painter.drawLine(QPointF(a, y), QPointF(b, y))
        for end in (a, b):
            painter.drawLine(QPointF(end, y - 2.5), QPointF(end, y + 2.5))


def _draw_markers(painter: QPainter, frame: PlotFrame, fig: FrontFigure, theme: ReportTheme) -> None:
    """Point labels, the knee (diamond) and the chosen point (ring) on top of everything."""
    painter.setFont(figure_font("small"))
    painter.setPen(theme.color("axis"))
    for index, text in fig.labels:
        point = _point(fig, index)
        if point is not None:
            painter.drawText(QPointF(frame.px(point[0]) + 6.0, frame.py(point[1]) - 5.0), text)
    knee = _point(fig, fig.knee) if fig.knee is not None else None
    if knee is not None:
        diamond(painter, QPointF(frame.px(knee[0]), frame.py(knee[1])), 5.5, theme.color("knee"))
    chosen = _point(fig, fig.chosen) if fig.chosen is not None else None
    if chosen is not None:
        centre = QPointF(frame.px(chosen[0]), frame.py(chosen[1]))
        ring(painter, centre, theme.color("chosen"))


def _front_legend(fig: FrontFigure, theme: ReportTheme, width: float) -> Legend:
    """Legend entries for what the figure actually shows."""
    legend = Legend(theme, width=width)
    if len(fig.front) < min(len(fig.points_x), len(fig.points_y)):
        legend.add("candidates", "dot")
    has_ci = any(len(bound) == len(fig.front) and fig.front for bound in (fig.x_lo, fig.y_lo))
    legend.add("Pareto front with CI" if has_ci else "Pareto front", "front")
    if fig.knee is not None:
        legend.add("knee", "knee")
    if fig.chosen is not None:
        legend.add("chosen", "chosen")
    if fig.constraints:
        legend.add("constraint (infeasible side shaded)", "constraint")
    return legend


def paint_bars(painter: QPainter, rect: QRectF, fig: BarFigure, theme: ReportTheme | None = None) -> None:
    """Draw horizontal bars from zero (negative ones to the left), values at the ends, a reference rule."""
    theme = theme or report_theme()
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    top = rect.top() + draw_title(painter, rect, fig.title, theme)
    caption_h = text_height(fig.caption, figure_font("caption"), rect.width())
    values = list(fig.values[: len(fig.labels)])
    extra = [fig.reference] if fig.reference is not None else []
    axis = nice_axis([*values, *extra], include_zero=True)
    label_w = _bar_label_width(fig.labels, rect.width())
    value_w = QFontMetricsF(figure_font("small")).horizontalAdvance("−0.000e+00")
    rows = max(len(fig.labels), 1)
    room = rect.bottom() - caption_h - 38.0 - (top + 4.0)  # what the axis and caption leave
    row_h = max(1.0, min(BAR_ROW, room / rows))  # many bars in a capped figure get thinner
    plot = QRectF(
        rect.left() + label_w + 8.0, top + 4.0, rect.width() - label_w - 8.0 - value_w, row_h * rows
    )
    _draw_bar_axis(painter, plot, axis, fig.value_label, theme)
    if fig.reference is not None:
        at = plot.left() + axis.fraction(fig.reference) * plot.width()
        painter.setPen(QPen(theme.color("reference"), 1.2, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(at, plot.top() - 2.0), QPointF(at, plot.bottom() + 2.0))
    for row, (label, value) in enumerate(zip(fig.labels, values, strict=False)):
        _draw_bar(painter, plot, axis, (row, label, value), label_w=label_w, theme=theme, row_h=row_h)
    draw_caption(
        painter, QRectF(rect.left(), rect.bottom() - caption_h, rect.width(), caption_h), fig.caption, theme
    )
    painter.restore()


def _bar_label_width(labels: Sequence[str], width: float) -> float:
    """The label column: as wide as the longest label, at most 38 % of the figure."""
    metrics = QFontMetricsF(figure_font("tick"))
    widest = max((metrics.horizontalAdvance(label) for label in labels), default=0.0)
    return min(widest + 4.0, width * 0.38)


def _draw_bar(
    painter: QPainter,
    plot: QRectF,
    axis: Axis,
    item: tuple[int, str, float],
    *,
    label_w: float,
    theme: ReportTheme,
    row_h: float = BAR_ROW,
) -> None:
    """One bar with its (elided) label on the left and its value at its end."""
    row, label, value = item
    top = plot.top() + row * row_h
    font = figure_font("tick")
    legible = row_h >= QFontMetricsF(font).height() * 0.8  # too many bars: no labels rather than a smear
    if legible:
        painter.setFont(font)
        painter.setPen(theme.color("text"))
        text = QFontMetricsF(font).elidedText(label, Qt.TextElideMode.ElideMiddle, label_w - 4.0)
        painter.drawText(
            QRectF(plot.left() - label_w - 8.0, top, label_w, row_h),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            text,
        )
    if not finite([value]):
        return
    zero = plot.left() + axis.fraction(0.0) * plot.width()
    end = plot.left() + axis.fraction(value) * plot.width()
    colour = theme.color("bar" if value >= 0 else "bar_negative")
    inset = min(3.5, row_h / 5)
    if abs(end - zero) >= 0.5:
        painter.fillRect(
            QRectF(QPointF(min(zero, end), top + inset), QPointF(max(zero, end), top + row_h - inset)), colour
        )
    if legible:
        _bar_value(painter, plot, (zero, end, value), top + row_h / 2, theme)


def _bar_value(
    painter: QPainter, plot: QRectF, bar: tuple[float, float, float], centre: float, theme: ReportTheme
) -> None:
    """The value beside its bar: right of a positive bar, left of a negative one where it fits."""
    zero, end, value = bar
    font = figure_font("small")
    text = short_number(value)
    width = QFontMetricsF(font).horizontalAdvance(text)
    left = max(zero, end) + 4.0
    if value < 0 and min(zero, end) - 4.0 - width >= plot.left():
        left = min(zero, end) - 4.0 - width
    box = QFontMetricsF(font).boundingRect(text).translated(left, centre + 3.5)
    painter.fillRect(box.adjusted(-1.5, 0.0, 1.5, 0.0), theme.color("plot_background"))
    painter.setFont(font)
    painter.setPen(theme.color("axis"))
    painter.drawText(QPointF(left, centre + 3.5), text)


def _draw_bar_axis(painter: QPainter, plot: QRectF, axis: Axis, label: str, theme: ReportTheme) -> None:
    """Vertical grid lines at the ticks, the zero line, tick labels and the value label below."""
    font = figure_font("tick")
    painter.setFont(font)
    height = QFontMetricsF(font).height()
    for tick in axis.ticks:
        at = plot.left() + axis.fraction(tick) * plot.width()
        painter.setPen(QPen(theme.color("grid"), 0.8))
        painter.drawLine(QPointF(at, plot.top()), QPointF(at, plot.bottom()))
        painter.setPen(theme.color("muted"))
        box = QRectF(at - 40.0, plot.bottom() + 3.0, 80.0, height)
        painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, axis.label(tick))
    zero = plot.left() + axis.fraction(0.0) * plot.width()
    painter.setPen(QPen(theme.color("axis"), 1.0))
    painter.drawLine(QPointF(zero, plot.top()), QPointF(zero, plot.bottom()))
    if label:
        painter.setFont(figure_font("label"))
        box = QRectF(plot.left(), plot.bottom() + 4.0 + height, plot.width(), height + 4.0)
        painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)
