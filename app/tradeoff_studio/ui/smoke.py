"""``tradeoff-studio-app --smoke``: the installed app (wheel or bundle) exercised end to end, headless.

In a private, temporary data folder (the user's own projects and settings are not touched; a crash
report, if any, goes to the usual log folder) it builds the demo project (imports, scoring with the
three sample models, every demo analysis, one decision on each — the model-variant analysis runs its
models in child processes), imports a JSON file (through the JSON reader's child process), locks a
new decision that supersedes one of the demo's, exports the report on the current decisions as a
PDF with the app's renderer, then opens the window on the project, shows each analysis in the
workspace and quits. One line per step; exit 0 when every step passed. A failed step raises, and
the app's handler turns it into one line and exit 70.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow

TIMEOUT_S = 120.0


def _step(name: str, started: float, detail: str) -> None:
    print(f"smoke: {name}: ok ({detail}; {time.perf_counter() - started:.1f} s)", flush=True)


def _check(passed: bool, what: str) -> None:
    if not passed:
        raise RuntimeError(f"smoke: the step did not produce {what}")


def _core_steps(folder: Path) -> Path:
    """Build the demo, import a JSON file, lock a decision; return the demo project's path."""
    from ..core import analysis_workflows as flows
    from ..core import workflows
    from ..core.data.importer import import_files
    from ..core.demo import ensure_demo_project
    from ..core.demo_analyses import DEMO_ANALYSES

    started = time.perf_counter()
    demo = ensure_demo_project()
    with workflows.open_project(demo) as project:
        info = workflows.project_info(project)
        _check(
            len(info.analyses) == len(DEMO_ANALYSES) <= len(info.decisions),
            "every demo analysis and decision",
        )
        _step("demo project", started, f"{len(info.tables)} tables, {len(info.models)} models, "
              f"{len(info.analyses)} analyses, {len(info.decisions)} decisions")  # fmt: skip
        started = time.perf_counter()
        sample = folder / "smoke.ndjson"
        sample.write_text('{"system": "a", "cost": 1.5}\n{"system": "b", "cost": 2.0}\n', encoding="utf-8")
        import_files(project, [sample], table="smoke_json")
        _check(project.row_count("smoke_json") == 2, "both rows of the JSON file")
        _step("JSON import (child process)", started, f"{project.row_count('smoke_json')} rows")
        started = time.perf_counter()
        first = info.analyses[0]["name"]
        current = [record for record in flows.list_decisions(project, first) if record.status == "current"]
        locked = flows.decide(project, first, rationale="Smoke test: the decision is locked again.",
                              supersedes=current[0].id if current else None)  # fmt: skip
        _step("decision locked", started, f"{first}: candidate {locked.candidate_id}")
    return demo


def _export_pdf(demo: Path, folder: Path) -> None:
    """Export the report on every current decision as a PDF with the app's renderer (``render/pdf.py``)."""
    from ..core import analysis_workflows as flows
    from ..core import workflows
    from ..render.pdf import write_document

    started = time.perf_counter()
    target = folder / "smoke-report.pdf"
    with workflows.open_project(demo) as project:
        current = [record.id for record in flows.list_decisions(project) if record.status == "current"]
        written = workflows.export_report(project, current, target, write_pdf=write_document)
    _check(target.read_bytes()[:5] == b"%PDF-" and (written.pages or 0) > 0, "a PDF with pages")
    _step(
        "PDF report",
        started,
        f"{written.pages} pages on {len(current)} decisions, {target.stat().st_size:,} bytes",
    )


def _wait(condition: Callable[[], bool], what: str) -> None:
    """Run the event loop until ``condition`` holds (the window's jobs finish), or fail after a timeout."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.monotonic() + TIMEOUT_S
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: loop.quit() if condition() or time.monotonic() > deadline else None)
    timer.start(20)
    loop.exec()
    timer.stop()
    if not condition():
        raise TimeoutError(f"the window did not show {what} within {TIMEOUT_S:.0f} s")


def _showing(window: MainWindow, name: str) -> bool:
    data = window.workspace.data
    return data is not None and data.name == name


def _application() -> QApplication:
    """The app's QApplication with its crash handler, made first: the PDF renderer reuses it."""
    from PySide6.QtWidgets import QApplication

    from .crash_dialog import install_crash_handler

    app = QApplication.instance() or QApplication(sys.argv)
    install_crash_handler(app)  # type: ignore[arg-type]
    return app  # type: ignore[return-value]


def _window_steps(app: QApplication, demo: Path) -> None:
    """Open the window on the demo project and show each analysis in the workspace."""
    from ..core.demo_analyses import DEMO_ANALYSES
    from .app import start_window

    started = time.perf_counter()
    window = start_window(demo)
    window.show()
    for demo_analysis in DEMO_ANALYSES:
        window.show_analysis(demo_analysis.name)
        _wait(partial(_showing, window, demo_analysis.name), demo_analysis.name)
    _step("window", started, f"{len(DEMO_ANALYSES)} analyses shown")
    window.close()
    app.quit()


def run_smoke() -> int:
    """Run every step in a private temporary data folder; 0 when all passed."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="tradeoff-studio-smoke-") as name:
        folder = Path(name)
        for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):  # crash reports still go to the real log folder
            os.environ[variable] = str(folder / variable.lower())
        app = _application()
        demo = _core_steps(folder)
        _export_pdf(demo, folder)
        _window_steps(app, demo)
    print("smoke: passed", flush=True)
    return 0
