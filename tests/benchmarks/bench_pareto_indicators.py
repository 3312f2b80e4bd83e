"""Hypervolume and Pareto ranks beside moocore (part of bench_pareto.py; not a test).

Exact hypervolume for 2 to 6 objectives on two kinds of sets: all-non-dominated fronts (points
on the unit sphere's positive orthant, the worst case) and uniform clouds (most points
dominated, as in a table of candidates). Both sides get the same reference point (the front's
derived one: nadir + 10% of the range), so the ratio compares the same computation; the last
column adds our time when the reference is derived too (a front computation moocore does not
offer). Then non-dominated sorting (ranks of every point) of uniform random points. Each is
timed against moocore's public API, in turns: best of the repeats, single-threaded. The ratios
are moocore time / our time, of wall time and of the thread's CPU time (steadier on a shared
machine); goal: >= 1. Values must agree (hypervolume to 1e-12 relative, ranks
exactly). From 3 to 31 objectives our hypervolume and our ranks call moocore's C kernels
themselves (core/pareto/_native.py), so on fronts the ratio is parity less our input checks,
above it where we presort for moocore (3-D, 4-D, 2-D ranks) or drop dominated points first.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import moocore
import numpy as np

from tradeoff_studio.core.pareto import hypervolume, nondominated_ranks

HV_SIZES = {2: 100_000, 3: 10_000, 4: 500, 5: 150, 6: 60}
CLOUD_SIZES = {3: 100_000, 4: 20_000, 5: 5_000, 6: 1_000}
RANK_SIZES = {2: 100_000, 3: 20_000, 4: 5_000, 5: 5_000, 6: 2_000}


def sphere(n: int, m: int, seed: int) -> np.ndarray:
    """``n`` points on the unit sphere's positive orthant: every one non-dominated."""
    points = np.abs(np.random.default_rng(seed).standard_normal((n, m)))
    return points / np.linalg.norm(points, axis=1, keepdims=True)


Timing = tuple[float, float, Any]
"""Best wall time, best CPU time of the calling thread, and the last result."""


def paired(ours: Callable[[], Any], anchor: Callable[[], Any], repeats: int) -> tuple[Timing, Timing]:
    """Time ours and the anchor in turns (so both see the same load); best of ``repeats`` each."""
    wall, cpu, results = [float("inf")] * 2, [float("inf")] * 2, [None, None]
    for _ in range(repeats):
        for k, function in enumerate((ours, anchor)):
            wall_start, cpu_start = time.perf_counter(), time.thread_time()
            results[k] = function()
            cpu[k] = min(cpu[k], time.thread_time() - cpu_start)
            wall[k] = min(wall[k], time.perf_counter() - wall_start)
    return (wall[0], cpu[0], results[0]), (wall[1], cpu[1], results[1])


def timing_cells(ours: Timing, anchor: Timing) -> tuple[str, str, str, str]:
    """Our wall time, the anchor's, and the ratios anchor / ours of wall and of CPU time."""
    return _ms(ours[0]), _ms(anchor[0]), f"{anchor[0] / ours[0]:.2f}", f"{anchor[1] / ours[1]:.2f}"


def hypervolume_row(name: str, points: np.ndarray, repeats: int) -> tuple[str, ...]:
    """Time ours and moocore's against the same (derived) reference; then ours deriving it."""
    derived = hypervolume(points)
    ref = np.array(derived.reference)
    ours, anchor = paired(
        lambda: hypervolume(points, reference=ref), lambda: moocore.hypervolume(points, ref=ref), repeats
    )
    with_reference, _ = paired(lambda: hypervolume(points), lambda: None, repeats)
    difference = max(abs(ours[2].value - anchor[2]), abs(derived.value - anchor[2])) / abs(anchor[2])
    return (name, f"{len(points):,}", *timing_cells(ours, anchor), f"{difference:.1e}",
            _ms(with_reference[0]))  # fmt: skip


def hypervolume_rows(repeats: int, scale: float = 1.0) -> list[tuple[str, ...]]:
    """One row per number of objectives on fronts, then on uniform clouds."""
    rows = []
    for m, size in HV_SIZES.items():
        points = sphere(max(10, int(size * scale)), m, seed=m)
        rows.append(hypervolume_row(f"{m}-D hypervolume, front", points, repeats))
    for m, size in CLOUD_SIZES.items():
        points = np.random.default_rng(20 + m).random((max(10, int(size * scale)), m))
        rows.append(hypervolume_row(f"{m}-D hypervolume, cloud", points, repeats))
    return rows


def rank_rows(repeats: int, scale: float = 1.0) -> list[tuple[str, ...]]:
    """One row per number of objectives: non-dominated sorting of uniform points."""
    rows = []
    for m, size in RANK_SIZES.items():
        n = max(10, int(size * scale))
        points = np.random.default_rng(10 + m).random((n, m))
        ours, anchor = paired(lambda p=points: nondominated_ranks(p), lambda p=points: moocore.pareto_rank(p),
                              repeats)  # fmt: skip
        agree = "yes" if np.array_equal(ours[2], np.asarray(anchor[2]) - np.min(anchor[2])) else "NO"
        rows.append((f"{m}-D ranks ({int(ours[2].max()) + 1} fronts)", f"{n:,}", *timing_cells(ours, anchor),
                     agree, "—"))  # fmt: skip
    return rows


def _ms(value: float) -> str:
    if value < 1e-3:
        return f"{value * 1e3:.2f} ms"
    return f"{value * 1e3:.1f} ms" if value < 1 else f"{value:.2f} s"


def print_indicator_table(repeats: int, scale: float = 1.0) -> None:
    """Print both tables and whether ours is never slower than moocore."""
    header = ("case", "n", "ours", "moocore", "moocore/ours", "CPU ratio", "agree", "ours, reference derived")
    rows = hypervolume_rows(repeats, scale) + rank_rows(repeats, scale)
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    print()
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |")
    for column, what in ((4, "wall"), (5, "CPU")):
        slower = [row[0] for row in rows if float(row[column]) < 1]
        verdict = "yes" if not slower else f"NO (slower: {', '.join(slower)})"
        print(f"\nhypervolume and ranks never slower than moocore ({what} time): {verdict}")
