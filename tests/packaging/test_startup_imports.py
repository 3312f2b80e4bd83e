"""Start-up stays cheap (house rule 7): the CLI's import and the project-open path load no heavy module.

Each check runs in a fresh interpreter and reads its ``sys.modules``: a module imported by an
earlier test in this process must not hide a regression.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tradeoff_studio.core.data.importer import import_files
from tradeoff_studio.core.project import create_project

HEAVY = ("onnx", "onnxruntime", "pandas", "pyqtgraph", "PySide6", "ml_dtypes", "tradeoff_studio.render",
         "tradeoff_studio.ui", "sklearn", "scipy")  # fmt: skip


def _loaded_after(code: str) -> set[str]:
    """The heavy modules loaded once ``code`` has run in a fresh interpreter."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    command = [sys.executable, "-c", probe]
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=120)
    modules = json.loads(done.stdout.splitlines()[-1])
    return {name for name in modules if any(name == h or name.startswith(h + ".") for h in HEAVY)}


def test_importing_the_cli_loads_no_heavy_module() -> None:
    assert _loaded_after("import tradeoff_studio.cli.main") == set()


def test_cli_help_loads_no_heavy_module() -> None:
    code = "from tradeoff_studio.cli.main import build_parser\nbuild_parser().format_help()"
    assert _loaded_after(code) == set()


def test_opening_a_project_and_its_info_load_no_pandas(tmp_path: Path) -> None:
    """DuckDB 1.5.5 imports pandas on the first query with a non-None parameter (it compares each value
    with pandas.NaT and pandas.NA): the open path and ``info`` bind none."""
    path = tmp_path / "p.tsproj"
    data = tmp_path / "t.csv"
    data.write_text("a,b\n1,x\n2,y\n", encoding="utf-8")
    with create_project(path) as project:
        import_files(project, [data])
    code = (
        "from tradeoff_studio.core import workflows\n"
        f"with workflows.open_project({str(path)!r}) as project:\n"
        "    info = workflows.project_info(project)\n"
        "    assert [t['name'] for t in info.tables] == ['t'], info.tables\n"
        "    assert [c['name'] for c in info.tables[0]['columns']] == ['a', 'b']\n"
    )
    assert _loaded_after(code) == set()
