"""Start-up (not a test; minutes): ``cli_help_s``, ``info_demo_s``, ``gui_cold_start_s``.

Goals (issue 14, on this kind of machine): ``tradeoff-studio --help`` ≤ 0.3 s, ``tradeoff-studio info``
on the demo project ≤ 0.6 s, the desktop app's cold start to a shown window ≤ 1.5 s. Each figure is
the median of :data:`RUNS` fresh processes, wall clock from spawn to exit (CLI) or to the child's
"shown" report (GUI, the same child as ``bench_ui_shell.py``). The commands run as
``python -m tradeoff_studio.cli.main`` with this checkout first on ``PYTHONPATH``; the demo project is
built first (not timed) in a private data folder. The three ``key=value`` lines come last.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

RUNS = 7
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "app"))

from bench_ui_shell import _one_start  # noqa: E402  (the same GUI child and clock as the shell's figure)


def _seconds(command: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one run; its CPU seconds (user + system, steadier on a busy machine) are printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, env=env, capture_output=True, check=True, timeout=120)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    print(f"  {' '.join(command[3:])[:40]}: {wall:.3f} s wall, {cpu:.3f} s CPU", flush=True)
    return wall


def _median(label: str, runs: list[float]) -> float:
    print(f"{label}: " + ", ".join(f"{value:.3f}" for value in runs) + " s", flush=True)
    return statistics.median(runs)


def measure() -> dict[str, float]:
    """The three start-up figures, each a median of :data:`RUNS` runs."""
    from tradeoff_studio.core.demo import ensure_demo_project

    private = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    folders = {"XDG_DATA_HOME": str(private / "data"), "XDG_CONFIG_HOME": str(private / "config")}
    try:
        with mock.patch.dict(os.environ, folders):
            print("building the demo project (not timed)…", flush=True)
            demo = ensure_demo_project()
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"), **folders)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "app"), env.get("PYTHONPATH", "")]))
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # an install has its .pyc files; the warm-up run writes them
        cli = [sys.executable, "-m", "tradeoff_studio.cli.main"]
        _seconds([*cli, "--help"], env)  # warm the file cache and the .pyc files, not timed
        figures = {
            "cli_help_s": _median("--help", [_seconds([*cli, "--help"], env) for _ in range(RUNS)]),
            "info_demo_s": _median("info", [_seconds([*cli, "info", str(demo)], env) for _ in range(RUNS)]),
            "gui_cold_start_s": _median("gui cold start", [_one_start(demo, env) for _ in range(RUNS)]),
        }
    finally:
        shutil.rmtree(private, ignore_errors=True)
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    return figures


if __name__ == "__main__":
    for key, value in measure().items():
        print(f"{key}={value:.3f}")
