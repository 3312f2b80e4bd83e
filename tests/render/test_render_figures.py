"""The figure painters: nice axes, vector output, degenerate data drawn without error."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPageSize, QPainter, QPdfWriter

from support.pdf_tools import images, page_texts, render_pages
from support.report_documents import bar_figure, front_figure
from tradeoff_studio.core.reports.blocks import BarFigure, ConstraintLine, FrontFigure
from tradeoff_studio.render.axes import nice_axis, nice_step, short_number
from tradeoff_studio.render.figures import paint_bars, paint_front
from tradeoff_studio.render.theme import ensure_gui_application, report_theme


@pytest.fixture(autouse=True)
def _app() -> None:
    ensure_gui_application()


@pytest.mark.parametrize(
    ("span", "step"),
    [(1.0, 0.2), (0.15, 0.05), (0.1, 0.02), (0.125, 0.025), (7.0, 2.0), (1234.0, 250.0), (3e-5, 1e-5)],
)
def test_nice_steps(span: float, step: float) -> None:
    assert nice_step(span) == pytest.approx(step)


def test_axes_end_on_ticks_and_cover_the_data() -> None:
    axis = nice_axis([0.713, 0.851])
    assert axis.lo <= 0.713 and axis.hi >= 0.851
    assert all(abs(t / axis.step - round(t / axis.step)) < 1e-6 for t in (axis.lo, axis.hi))
    assert [axis.label(t) for t in axis.ticks] == ["0.70", "0.75", "0.80", "0.85", "0.90"]
    assert nice_axis([5.0, 5.0]).lo < 5.0 < nice_axis([5.0, 5.0]).hi
    assert nice_axis([]).ticks == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert nice_axis([0.4, 1.3], include_zero=True).lo == 0.0
    assert nice_axis([math.nan, 2.0, math.inf, 3.0]).hi >= 3.0


def test_short_numbers() -> None:
    assert [short_number(v) for v in (0.0, 0.4213, -1.35, 12345.6, 2.5e-7, math.nan)] == [
        "0",
        "0.421",
        "-1.35",
        "12,346",
        "2.50e-07",
        "n/a",
    ]


def _painted(draw) -> QImage:
    image = QImage(700, 460, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    draw(painter, QRectF(10, 10, 680, 440))
    painter.end()
    return image


def _count(image: QImage, colour: str, tolerance: int = 40) -> int:
    target = QColor(colour)
    hits = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            pixel = image.pixelColor(x, y)
            if (
                abs(pixel.red() - target.red())
                + abs(pixel.green() - target.green())
                + abs(pixel.blue() - target.blue())
                < tolerance
            ):
                hits += 1
    return hits


def test_the_front_shows_its_front_chosen_point_and_shaded_constraint() -> None:
    theme = report_theme()
    figure = front_figure()
    image = _painted(lambda p, r: paint_front(p, r, figure, theme))
    assert _count(image, theme.front) > 50
    assert _count(image, theme.chosen) > 10
    plain = _painted(
        lambda p, r: paint_front(p, r, FrontFigure(**{**figure.__dict__, "constraints": ()}), theme)
    )
    shade = theme.color("infeasible")
    assert (
        _count(image, QColor.fromRgbF(*_over_white(shade)).name(), 8)
        > _count(plain, QColor.fromRgbF(*_over_white(shade)).name(), 8) + 500
    )


def _over_white(colour: QColor) -> tuple[float, float, float]:
    a = colour.alphaF()
    return tuple(c * a + (1 - a) for c in (colour.redF(), colour.greenF(), colour.blueF()))


@pytest.mark.parametrize(
    "figure",
    [
        FrontFigure("t", "c", "x", "y", (), (), ()),
        FrontFigure("t", "c", "x", "y", (1.0,), (1.0,), (0,), chosen=0, knee=0),
        FrontFigure(
            "t", "c", "x", "y", (math.nan, 1.0, math.inf), (0.0, math.nan, 2.0), (0, 1, 2, 7), chosen=9
        ),
        FrontFigure(
            "t",
            "",
            "x",
            "y",
            (0.0, 1.0),
            (1.0, 0.0),
            (0, 1),
            x_lo=(0.0,),
            constraints=(ConstraintLine("x", 0.5, "x ≤ 0.5", False),),
        ),
    ],
)
def test_degenerate_fronts_draw_without_error(figure: FrontFigure) -> None:
    _painted(lambda p, r: paint_front(p, r, figure))


@pytest.mark.parametrize(
    "figure",
    [
        BarFigure("t", "c", (), ()),
        BarFigure("t", "c", ("a", "b"), (math.nan, -2.0), reference=-5.0),
        BarFigure("t", "c", ("a very long label " * 8,), (3.0, 4.0)),
    ],
)
def test_degenerate_bars_draw_without_error(figure: BarFigure) -> None:
    _painted(lambda p, r: paint_bars(p, r, figure))


def test_figures_on_a_pdf_are_vector_with_their_text(tmp_path: Path) -> None:
    ensure_gui_application()
    path = tmp_path / "figure.pdf"
    writer = QPdfWriter(str(path))
    writer.setResolution(96)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    painter = QPainter(writer)
    many = front_figure()
    xs = tuple(0.70 + 0.15 * (i % 997) / 997 for i in range(20_000))
    ys = tuple(0.5 + 0.3 * (i % 389) / 389 for i in range(20_000))
    many = FrontFigure(**{**many.__dict__, "points_x": many.points_x + xs, "points_y": many.points_y + ys})
    paint_front(painter, QRectF(0, 0, 640, 420), many)
    paint_bars(painter, QRectF(0, 440, 640, 200), bar_figure())
    painter.end()
    assert images(path) == []
    text = page_texts(path)[0]
    for expected in (
        "accuracy (higher is better)",
        "dp_ratio ≥ 0.8",
        "chosen",
        "knee",
        "Pareto front with CI",
        "Figure 1.",
        "<img src=x>",
        "-1.35",
        "0.80",
    ):
        assert expected in text
    assert path.stat().st_size < 400_000  # 20,000 candidates are thinned, not all drawn


def test_zero_width_intervals_and_zero_bars_keep_the_pdf_valid(tmp_path: Path) -> None:
    ensure_gui_application()
    path = tmp_path / "degenerate.pdf"
    writer = QPdfWriter(str(path))
    writer.setResolution(96)
    painter = QPainter(writer)
    front = FrontFigure(
        "t",
        "c",
        "x",
        "y",
        (0.0, 1.0, 0.5),
        (1.0, 0.0, 0.9),
        (0, 1),
        x_lo=(0.0, 1.0),
        x_hi=(0.0, 1.0),
        y_lo=(1.0, 0.0),
        y_hi=(1.0, 0.0),
        chosen=1,
        knee=0,
    )
    paint_front(painter, QRectF(0, 0, 600, 400), front)
    paint_front(painter, QRectF(0, 420, 600, 300), FrontFigure("t", "c", "x", "y", (0.0,), (1.0,), (0,)))
    paint_bars(painter, QRectF(0, 740, 600, 200), BarFigure("t", "c", ("a", "b"), (0.0, 1.0)))
    painter.end()
    assert len(render_pages(path, tmp_path / "png")) == 1  # pdftoppm reports no syntax error


def test_many_bars_in_a_short_figure_stay_above_the_caption() -> None:
    theme = report_theme()
    labels = tuple(f"knob {i}" for i in range(80))
    figure = BarFigure("Many bars", "Caption under the bars.", labels, tuple(float(i % 7) for i in range(80)))
    image = _painted(lambda p, r: paint_bars(p, QRectF(10, 10, 680, 300), figure, theme))
    bar = QColor(theme.bar)
    lowest = max(
        y for y in range(image.height()) for x in range(200, 680, 7) if image.pixelColor(x, y) == bar
    )
    assert lowest < 10 + 300 - 30  # the bars end above the axis labels and the caption
