"""Write PNG screenshots of the app on the demo project (``make screenshots``; needs a display).

Each area of the window keeps its shots in a ``shots_<area>.py`` module beside this file with a
``take(window, out: Path) -> list[Path]`` function that drives the real
:class:`~tradeoff_studio.ui.main_window.MainWindow` (already showing the demo project) and
grabs what a user would see. This runner starts the app once, calls each module in name order
and prints the files written. Run it under Xvfb for pictures with real fonts and window frames:
``xvfb-run -s "-screen 0 1400x900x24" python tests/screenshots/make_screenshots.py OUT_DIR``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path


def _load(path: Path) -> object:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    from PySide6.QtWidgets import QApplication

    from tradeoff_studio.core.demo import ensure_demo_project
    from tradeoff_studio.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    window.open_project(ensure_demo_project())
    app.processEvents()
    written: list[Path] = []
    for path in sorted(Path(__file__).resolve().parent.glob("shots_*.py")):
        written += _load(path).take(window, out)  # type: ignore[attr-defined]
    window.close()
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
