"""The shell's start-up (not a test; ``bench_ui.py`` runs it): ``cold_start_s``.

A fresh Python process starts the app on the demo project the way ``tradeoff-studio-app --demo``
does (application name and icon, preferences, the project opened) and reports when the main
window is shown; the clock runs from the spawn to the child's report (wall clock, same machine).
Goal: ≤ 1.5 s. The demo project is built first (not timed) in a private data folder, and the
preferences live there too, so the run neither reads nor changes the user's own. Median of :data:`RUNS` runs.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

RUNS = 5
_CHILD = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from tradeoff_studio.ui.app import start_window
app = QApplication(sys.argv)
window = start_window(__import__("pathlib").Path(sys.argv[1]))
window.show()
def shown():
    print("shown", repr(time.time()), window.windowTitle(), flush=True)
    window.close()
    app.quit()
QTimer.singleShot(0, shown)
app.exec()
"""


def _one_start(project: Path, env: dict[str, str]) -> float:
    """Seconds from spawning the process to its window shown (the child reports the wall clock)."""
    started = time.time()
    command = [sys.executable, "-c", _CHILD, str(project)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("shown ")]
    if not lines:
        raise RuntimeError(f"the app did not show its window (exit {done.returncode}): {done.stderr[-500:]}")
    return float(lines[0].split()[1]) - started


def measure() -> dict[str, float]:
    """``cold_start_s``: spawn to shown main window on the demo project, median of :data:`RUNS`."""
    root = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(root / "app"))
    from tradeoff_studio.core.demo import ensure_demo_project

    private = Path(tempfile.mkdtemp(prefix="bench-ui-shell-"))
    folders = {"XDG_DATA_HOME": str(private / "data"), "XDG_CONFIG_HOME": str(private / "config")}
    try:
        with mock.patch.dict(os.environ, folders):
            print("building the demo project (not timed)…", flush=True)
            project = ensure_demo_project()
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"), **folders)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root / "app"), env.get("PYTHONPATH", "")]))
        times = [_one_start(project, env) for _ in range(RUNS)]
    finally:
        shutil.rmtree(private, ignore_errors=True)
    shown = ", ".join(f"{value:.2f}" for value in times)
    print(f"cold start to shown window on {project.name}: {shown} s")
    return {"cold_start_s": statistics.median(times), "cold_start_first_s": times[0]}


if __name__ == "__main__":
    for key, value in measure().items():
        print(f"{key}={value:.4g}")
