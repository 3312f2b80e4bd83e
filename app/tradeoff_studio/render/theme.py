"""The report's colours and typeface: colours from ``resources/styles/palettes.json`` (key ``report``)."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, fields
from functools import lru_cache

from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication

from ..core.errors import StudioError
from ..core.paths import resources_dir

FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
FONT_FAMILY = "DejaVu Sans"

_APPS: list[QGuiApplication] = []  # the application this module created, kept alive for the process


class ReportRenderError(StudioError):
    """A report cannot be rendered or written (missing font, unwritable file)."""


@dataclass(frozen=True)
class ReportTheme:
    """Named colours of the printed report and its figures (``#rrggbb`` or ``#rrggbbaa``)."""

    text: str
    muted: str
    heading: str
    rule: str
    table_header: str
    table_stripe: str
    card: str
    good: str
    warning: str
    bad: str
    plot_background: str
    axis: str
    grid: str
    candidate: str
    front: str
    whisker: str
    knee: str
    chosen: str
    constraint: str
    infeasible: str
    bar: str
    bar_negative: str
    reference: str

    def color(self, name: str, alpha: float | None = None) -> QColor:
        """The named colour as a QColor (``#rrggbbaa`` keeps its alpha); ``alpha`` overrides it."""
        value: str = getattr(self, name)
        colour = QColor(value[:7])
        if len(value) == 9:
            colour.setAlpha(int(value[7:], 16))
        if alpha is not None:
            colour.setAlphaF(alpha)
        return colour

    def tone(self, tone: str) -> str:
        """The text colour of a block tone ("neutral", "good", "warning", "bad")."""
        return {"good": self.good, "warning": self.warning, "bad": self.bad}.get(tone, self.text)


@lru_cache(maxsize=1)
def report_theme() -> ReportTheme:
    """The report theme read from ``resources/styles/palettes.json``."""
    path = resources_dir() / "styles" / "palettes.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))["report"]
        return ReportTheme(**{f.name: str(data[f.name]) for f in fields(ReportTheme)})
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ReportRenderError(
            f"The report colours in {path} cannot be read ({error}); reinstall Tradeoff Studio."
        ) from error


def ensure_gui_application() -> QGuiApplication:
    """The running Qt application, or a new QGuiApplication (offscreen when there is no display)."""
    existing = QGuiApplication.instance()
    if isinstance(existing, QGuiApplication):
        return existing
    if existing is not None:
        raise ReportRenderError("A Qt core application is running without GUI support; reports need QtGui.")
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and headless:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _APPS.append(QGuiApplication(["tradeoff-studio"]))
    return _APPS[0]


@lru_cache(maxsize=1)
def report_font_family() -> str:
    """Load the shipped DejaVu Sans (regular and bold) once; the family name to use everywhere."""
    ensure_gui_application()
    folder = resources_dir() / "fonts"
    for name in FONT_FILES:
        path = folder / name
        if QFontDatabase.addApplicationFont(str(path)) < 0:
            raise ReportRenderError(f"The report font {path} cannot be loaded; reinstall Tradeoff Studio.")
    return FONT_FAMILY


def report_font(*, pixels: int | None = None, points: float | None = None, bold: bool = False) -> QFont:
    """The shipped typeface at a size, ligatures off (pdftotext must read "trade-off", not "trade-oﬀ")."""
    font = QFont(report_font_family())
    if pixels is not None:
        font.setPixelSize(pixels)
    if points is not None:
        font.setPointSizeF(points)
    font.setBold(bold)
    for tag in ("liga", "clig", "dlig"):
        font.setFeature(QFont.Tag(tag), 0)
    return font
