"""Render the application icon (``resources/icons/app.svg``) to PNGs at the standard hicolor sizes.

Usage: ``python packaging/linux/render_icons.py [OUT_DIR]`` (default ``packaging/linux/icons``);
writes ``OUT_DIR/<N>x<N>/apps/tradeoff-studio.png`` for each size in :data:`SIZES`, with QtSvg,
offscreen. ``install.sh`` copies them into ``$XDG_DATA_HOME/icons/hicolor``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "resources" / "icons" / "app.svg"
ICON_NAME = "tradeoff-studio"


def render(out_dir: Path, source: Path = SOURCE) -> list[Path]:
    """Write one PNG per size under ``out_dir`` and return their paths."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer
    from PySide6.QtWidgets import QApplication

    # A QApplication (not a bare QGuiApplication): in a test run, widget tests reuse the instance.
    _app = QApplication.instance() or QApplication([])
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: {source} is not a valid SVG")
    written = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = out_dir / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target), "PNG"):
            raise SystemExit(f"render_icons: could not write {target}")
        written.append(target)
    return written


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "icons"
    for path in render(out):
        print(path)
