"""The UI never imports the CLI (house rule 15), and opening the window loads no heavy module (rule 7)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap


def _loaded_after(code: str) -> list[str]:
    script = textwrap.dedent(code) + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_ui_never_imports_the_cli() -> None:
    modules = _loaded_after(
        """
        import importlib, pkgutil
        import tradeoff_studio.ui as ui
        for info in pkgutil.walk_packages(ui.__path__, ui.__name__ + "."):
            importlib.import_module(info.name)
        """
    )
    assert "tradeoff_studio.ui.main_window" in modules
    assert [name for name in modules if name.startswith("tradeoff_studio.cli")] == []


def test_window_start_up_does_not_load_heavy_modules() -> None:
    modules = _loaded_after(
        """
        from PySide6.QtWidgets import QApplication
        from tradeoff_studio.ui.main_window import MainWindow
        app = QApplication([])
        window = MainWindow()
        window.show()
        app.processEvents()
        window.close()
        """
    )
    top_level = {name.split(".")[0] for name in modules}
    assert top_level.isdisjoint({"onnxruntime", "pandas", "sklearn"})
