"""Icons by name from ``resources/icons`` (house rule 12): ``icon("front")``.

Each icon is an SVG drawn in ``currentColor``; it is rendered in the palette's text colour (so
it follows light and dark themes) at every size from 16 to 256 px and at the screen's device
pixel ratio, so it stays sharp at high DPI. The application icon (``app``) keeps its own colours.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from ..core.paths import resources_dir

SIZES = (16, 20, 24, 32, 48, 64, 128, 256)


def icons_dir() -> Path:
    """Where the SVG icons live."""
    return resources_dir() / "icons"


def icon_names() -> list[str]:
    """Every icon name available, sorted."""
    return sorted(path.stem for path in icons_dir().glob("*.svg"))


def icon_path(name: str) -> Path:
    """The SVG file of icon ``name``; a name with no file is a programming error, said plainly."""
    path = icons_dir() / f"{name}.svg"
    if not path.is_file():
        raise KeyError(f"No icon named {name!r} in {icons_dir()} (known: {', '.join(icon_names())}).")
    return path


def icon(name: str) -> QIcon:
    """The icon ``name`` in the current palette's text colour."""
    return _rendered(name, _text_colour())


def app_icon() -> QIcon:
    """The application icon (window, taskbar, About box)."""
    return _rendered("app", "")


def _text_colour() -> str:
    app = QGuiApplication.instance()
    palette = app.palette() if isinstance(app, QGuiApplication) else QPalette()
    return palette.color(QPalette.ColorRole.WindowText).name()


@cache
def _rendered(name: str, colour: str) -> QIcon:
    text = icon_path(name).read_text(encoding="utf-8")
    if colour:
        text = text.replace("currentColor", colour)
    renderer = QSvgRenderer(QByteArray(text.encode("utf-8")))
    ratio = _device_ratio()
    result = QIcon()
    for size in SIZES:
        pixels = round(size * ratio)
        pixmap = QPixmap(pixels, pixels)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, pixels, pixels))
        painter.end()
        pixmap.setDevicePixelRatio(ratio)
        result.addPixmap(pixmap)
    return result


def _device_ratio() -> float:
    app = QGuiApplication.instance()
    screen = app.primaryScreen() if isinstance(app, QGuiApplication) else None
    return float(screen.devicePixelRatio()) if screen is not None else 1.0
