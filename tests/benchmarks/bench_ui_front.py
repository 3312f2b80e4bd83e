"""Benchmark the front and parallel-coordinates views (not a test; ``bench_ui.py`` runs ``measure()``).

Run alone with ``QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_ui_front.py``. A frame is
``ViewBox.setRange`` plus a synchronous repaint of the viewport plus an event flush, as in
research/workspace.md. Figures (milliseconds, p95 unless named otherwise):

- ``pan_1m_frame_ms_p95``: a 1,000,000-candidate front view (density cloud, ~1k-point front with CI
  whiskers, a ghost, two constraints, a selection) panned over the full view (20 frames) and zoomed
  4–16× near the front (20 frames). Goal < 50.
- ``hover_1m_ms_p95``: the pointer-move handler at 1M (grid pick + hover text), 200 positions.
- ``brush_100k_ms_p95``: ``ParallelView.set_brush`` at 100,000 candidates × 6 objectives
  (1 %, 10 % and 50 % selected) with the repaint.
- ``pan_1m_frame_cpu_ms_p95``: the same frames in the GUI thread's CPU time (robust to a busy machine).
- ``brush_100k_cpu_ms_p95``: the same in CPU time.
- ``front_set_1m_s``: ``set_candidates`` of the million (grid built lazily, at the first hover).
"""

from __future__ import annotations

import os
import time

import numpy as np
from numpy.typing import NDArray

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication

N_FRONT_VIEW = 1_000_000
N_PARALLEL = 100_000
Range = tuple[tuple[float, float], tuple[float, float]]


def p95(samples: list[float]) -> float:
    """95th percentile in milliseconds of samples in seconds."""
    return float(np.percentile(np.array(samples) * 1000, 95))


def front_data(n: int, seed: int = 5) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Cost (min) and quality (max) with a front of ~1k points, plus a third objective."""
    from tradeoff_studio.core.pareto.front import non_dominated

    rng = np.random.default_rng(seed)
    cost = rng.random(n)
    quality = np.sqrt(cost) * rng.random(n) ** 0.15
    points = np.column_stack([cost, quality, rng.random(n)])
    return points, non_dominated(points[:, :2], maximize=[False, True])


def _frames(app: QApplication, view: object, ranges: list[Range]) -> tuple[list[float], list[float]]:
    box = view.plotItem.getViewBox()  # type: ignore[attr-defined]
    samples, cpu = [], []
    for x_range, y_range in ranges:
        start, start_cpu = time.perf_counter(), time.thread_time()
        box.setRange(xRange=x_range, yRange=y_range, padding=0)
        view.viewport().repaint()  # type: ignore[attr-defined]
        app.processEvents()
        samples.append(time.perf_counter() - start)
        cpu.append(time.thread_time() - start_cpu)
    return samples, cpu


def view_ranges(view: object, front_points: NDArray[np.float64]) -> list[Range]:
    """20 pans over the full view, then 20 zooms of 4–16× centred on front points."""
    (x0, x1), (y0, y1) = view.plotItem.getViewBox().viewRange()  # type: ignore[attr-defined]
    width, height = x1 - x0, y1 - y0
    ranges = [((x0 + s, x1 + s), (y0, y1)) for s in np.linspace(-0.1, 0.1, 20) * width]
    for k, zoom in enumerate(np.geomspace(4, 16, 20)):
        cx, cy = front_points[(k * 37) % len(front_points)]
        half_w, half_h = width / zoom / 2, height / zoom / 2
        ranges.append(((cx - half_w, cx + half_w), (cy - half_h, cy + half_h)))
    return ranges


def _hovers(view: object, front_points: NDArray[np.float64]) -> list[float]:
    """Pointer-move handler times at 100 front points and 100 random places (seconds)."""
    view.reset_view()  # type: ignore[attr-defined]
    box = view.plotItem.getViewBox()  # type: ignore[attr-defined]
    rng = np.random.default_rng(1)
    targets = [box.mapViewToScene(QPointF(*front_points[k % len(front_points)])) for k in range(100)]
    targets += [box.mapViewToScene(QPointF(*rng.random(2))) for _ in range(100)]
    view.candidate_at(targets[0])  # type: ignore[attr-defined]  # builds the grid once
    hovers = []
    for target in targets:
        start = time.perf_counter()
        view.scene().sigMouseMoved.emit(target)  # type: ignore[attr-defined]
        hovers.append(time.perf_counter() - start)
    return hovers


def bench_front(app: QApplication) -> dict[str, float]:
    """Pan and zoom a million-candidate front view; time hovers."""
    from tradeoff_studio.ui.workspace import FrontView

    points, front = front_data(N_FRONT_VIEW)
    rows = np.flatnonzero(front)
    lo, hi = points - 0.004, points + 0.004
    view = FrontView()
    view.resize(1200, 800)
    view.show()
    app.processEvents()
    start = time.perf_counter()
    view.set_candidates(points, ["cost", "quality", "latency"], ["min", "max", "min"], front, lo=lo, hi=hi)
    set_s = time.perf_counter() - start
    view.keep_ghost()
    view.set_candidates(points, ["cost", "quality", "latency"], ["min", "max", "min"], front, lo=lo, hi=hi)
    view.set_constraints([("cost", "<=", 0.6), ("quality", ">=", 0.3)])
    view.set_selected(int(rows[len(rows) // 2]))
    app.processEvents()
    view.viewport().repaint()
    frames, frames_cpu = _frames(app, view, view_ranges(view, points[rows, :2]))
    hovers = _hovers(view, points[rows, :2])
    figures = {
        "pan_1m_frame_ms_p95": p95(frames),
        "pan_1m_frame_ms_p50": float(np.median(frames) * 1000),
        "pan_1m_frame_cpu_ms_p95": p95(frames_cpu),
        "hover_1m_ms_p95": p95(hovers),
        "front_set_1m_s": set_s,
    }
    view.close()
    return figures


def bench_brush(app: QApplication) -> dict[str, float]:
    """Brush a 100,000-candidate, 6-objective parallel view."""
    from tradeoff_studio.core.pareto.front import non_dominated
    from tradeoff_studio.ui.workspace import ParallelView

    rng = np.random.default_rng(2)
    points = rng.random((N_PARALLEL, 6))
    front = non_dominated(points[:, :2])
    view = ParallelView()
    view.resize(1200, 600)
    view.show()
    view.set_candidates(points, [f"o{j}" for j in range(6)], ["min"] * 6, front)
    app.processEvents()
    view.plot.viewport().repaint()
    samples, cpu = [], []
    for share in [0.01, 0.1, 0.5] * 10:
        start, start_cpu = time.perf_counter(), time.thread_time()
        view.set_brush("o1", 0.2, 0.2 + share)
        view.plot.viewport().repaint()
        app.processEvents()
        samples.append(time.perf_counter() - start)
        cpu.append(time.thread_time() - start_cpu)
    view.close()
    return {"brush_100k_ms_p95": p95(samples), "brush_100k_cpu_ms_p95": p95(cpu)}


def measure() -> dict[str, float]:
    """Every figure of this module, printed as it goes."""
    import pyqtgraph as pg

    pg.setConfigOptions(antialias=True)  # as in the app, where ui/detail_panel.py turns it on for all plots
    app = QApplication.instance() or QApplication([])
    figures = bench_front(app)
    figures.update(bench_brush(app))
    for key, value in figures.items():
        print(f"  {key}: {value:.4g}", flush=True)
    return figures


if __name__ == "__main__":
    for name, figure in measure().items():
        print(f"{name}={figure:.4g}")
