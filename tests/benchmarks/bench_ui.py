"""Benchmark the desktop app's interactive paths (not a test): ``python tests/benchmarks/bench_ui.py``.

Each area of the window keeps its measurements in a ``bench_ui_<area>.py`` module beside this
file with a ``measure() -> dict[str, float]`` function (the workspace's front view, the shell's
start-up, the data view). This runner sets Qt offscreen, calls every module in name order, prints
what each says while it runs and, last, one ``key=value`` line per figure so that scripts can
read them (``pan_1m_frame_ms_p95=…``, ``cold_start_s=…``, …).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path


def _load(path: Path) -> object:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here.parent.parent / "app"))
    figures: dict[str, float] = {}
    for path in sorted(here.glob("bench_ui_*.py")):
        print(f"# {path.stem}", flush=True)
        figures.update(_load(path).measure())  # type: ignore[attr-defined]
    for key, value in figures.items():
        print(f"{key}={value:.4g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
