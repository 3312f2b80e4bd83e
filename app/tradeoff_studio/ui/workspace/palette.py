"""The one place the workspace plots take their colours from (house rule 12).

Two palettes, light and dark, built on the Okabe–Ito colour-blind-safe set. Widgets ask for
``active_palette()`` (which follows the application's window colour) or take a palette explicitly,
and never spell a colour themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QGuiApplication


@dataclass(frozen=True)
class Palette:
    """Named colours of the front and parallel-coordinates views (``#rrggbb`` or ``#rrggbbaa``)."""

    name: str
    background: str
    foreground: str
    front: str  # the Pareto front: markers and the line through them
    ranked: str  # dominated candidates drawn as points (faded further per rank)
    cloud: str  # the dominated density image
    whisker: str  # confidence-interval whiskers of front points
    ghost: str  # the previous run's front, dashed
    selected: str  # the ring around the selected candidate
    pinned: str  # the compare marker
    knee: str
    recommended: str
    constraint: str  # draggable constraint lines
    infeasible: str  # the shading on a constraint's infeasible side (translucent)
    faded: str  # candidates outside the parallel view's brush
    brush_region: str  # a brushed range on a parallel axis (translucent)
    highlight: str  # lines inside the brush, and the highlighted candidate
    tooltip_fill: str  # behind the hover text
    trail: str = "#6a3d9a"  # the exploration trail: reference points, projections, the path


LIGHT = Palette(
    name="light",
    background="#ffffff",
    foreground="#1f1f1f",
    front="#0072b2",
    ranked="#7a7a7a",
    cloud="#5a5a5a",
    whisker="#3b8cc2",
    ghost="#8c8c8c",
    selected="#d55e00",
    pinned="#cc79a7",
    knee="#009e73",
    recommended="#c98a00",
    constraint="#d55e00",
    infeasible="#d55e0030",
    faded="#c8c8c8",
    brush_region="#0072b040",
    highlight="#d55e00",
    tooltip_fill="#ffffffe6",
)

DARK = Palette(
    name="dark",
    background="#1e1e1e",
    foreground="#e6e6e6",
    front="#56b4e9",
    ranked="#9a9a9a",
    cloud="#bdbdbd",
    whisker="#0072b2",
    ghost="#8c8c8c",
    selected="#ff8c42",
    pinned="#e29ac6",
    knee="#2ec99b",
    recommended="#f0c040",
    constraint="#ff8c42",
    infeasible="#ff8c4238",
    faded="#4a4a4a",
    brush_region="#56b4e950",
    highlight="#ff8c42",
    tooltip_fill="#2a2a2ae6",
    trail="#c9a0ff",
)


def qcolor(spec: str) -> QColor:
    """A ``QColor`` from ``#rrggbb`` or ``#rrggbbaa`` (Qt reads 8 digits as ``#aarrggbb``)."""
    if len(spec) == 9:
        color = QColor(spec[:7])
        color.setAlpha(int(spec[7:], 16))
        return color
    return QColor(spec)


def with_alpha(spec: str, alpha: int) -> QColor:
    """The palette colour ``spec`` with its alpha replaced by ``alpha`` (0–255)."""
    color = qcolor(spec)
    color.setAlpha(alpha)
    return color


def active_palette() -> Palette:
    """The dark palette when the application's window colour is dark, else the light one."""
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication) and app.palette().window().color().lightness() < 128:
        return DARK
    return LIGHT


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio between two palette colours (1 = none, 21 = black on white)."""

    def luminance(spec: str) -> float:
        color = qcolor(spec)
        channels = []
        for value in (color.redF(), color.greenF(), color.blueF()):
            channels.append(value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4)
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)
