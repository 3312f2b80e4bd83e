"""House rules that are checkable: the core never imports Qt; start-up stays cheap."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

QT_MODULES = ("PySide6", "shiboken6", "pyqtgraph")


def _loaded_after(code: str) -> list[str]:
    script = textwrap.dedent(code) + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_core_never_imports_qt() -> None:
    modules = _loaded_after(
        """
        import importlib, pkgutil
        import tradeoff_studio.core as core
        for info in pkgutil.walk_packages(core.__path__, core.__name__ + "."):
            importlib.import_module(info.name)
        """
    )
    assert any(name.startswith("tradeoff_studio.core.workflows") for name in modules)
    offenders = [name for name in modules if name.split(".")[0] in QT_MODULES]
    assert offenders == []


def test_cli_start_up_does_not_load_heavy_modules() -> None:
    modules = _loaded_after("import tradeoff_studio.cli.main as cli; cli.build_parser()")
    top_level = {name.split(".")[0] for name in modules}
    assert top_level.isdisjoint({"onnxruntime", "pandas", "PySide6", "pyqtgraph", "sklearn"})
