"""Benchmark the non-dominated filter against moocore, pymoo and paretoset (not a test).

Run ``python tests/benchmarks/bench_pareto.py`` (``--n``, ``--repeats`` to change the size and
the repeats). For 2 and 3 objectives and two point sets, uniform random points in the unit
cube (a tiny front) and points on the unit sphere's positive orthant (every point
non-dominated), it times ``tradeoff_studio.core.pareto.non_dominated`` and each anchor: best of
the repeats, after a small warm-up call (paretoset's numba JIT compiles then), single-threaded.
paretoset is O(n^2) on an all-non-dominated set (minutes at 10^6), so there it runs on
``--small-n`` points and ours is re-timed at that size for the ratio. Goals: never slower than
moocore, at least 2x faster than moocore in 2-D. Then hypervolume (2-6 objectives) and ranks
beside moocore as ratios (see bench_pareto_indicators.py).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable

import moocore
import numpy as np
import paretoset
from bench_pareto_indicators import print_indicator_table
from numpy.typing import NDArray
from pymoo.util.nds.non_dominated_sorting import find_non_dominated

from tradeoff_studio.core.pareto import non_dominated

Filter = Callable[[NDArray[np.float64]], NDArray[np.bool_]]


def make_points(kind: str, n: int, m: int, seed: int) -> NDArray[np.float64]:
    """Uniform points in [0, 1]^m, or points on the unit sphere's positive orthant (all non-dominated)."""
    rng = np.random.default_rng(seed)
    if kind == "uniform":
        return rng.random((n, m))
    points = np.abs(rng.standard_normal((n, m)))
    return points / np.linalg.norm(points, axis=1, keepdims=True)


def pymoo_mask(points: NDArray[np.float64]) -> NDArray[np.bool_]:
    """pymoo's ``find_non_dominated`` (indices) as a mask."""
    mask = np.zeros(len(points), dtype=bool)
    mask[find_non_dominated(points)] = True
    return mask


ANCHORS: dict[str, Filter] = {
    "moocore.is_nondominated": lambda p: moocore.is_nondominated(p, keep_weakly=True),
    "pymoo find_non_dominated": pymoo_mask,
    "paretoset (numba)": lambda p: paretoset.paretoset(p, sense=["min"] * p.shape[1], distinct=False),
}


def best_time(function: Filter, points: NDArray[np.float64], repeats: int) -> tuple[float, NDArray[np.bool_]]:
    """Best wall time of ``repeats`` calls after a warm-up call on 1,000 points, and the mask."""
    function(points[:1_000])
    mask = np.zeros(0, dtype=bool)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        mask = function(points)
        best = min(best, time.perf_counter() - start)
    return best, np.asarray(mask, dtype=bool)


def seconds(value: float) -> str:
    return f"{value * 1e3:.1f} ms" if value < 1 else f"{value:.2f} s"


def run(n: int, small_n: int, repeats: int) -> list[tuple[str, ...]]:
    """Time every case; return the table rows."""
    rows = []
    for m in (2, 3):
        for kind in ("uniform", "front"):
            points = make_points(kind, n, m, seed=m)
            ours = best_time(non_dominated, points, repeats)
            for anchor, function in ANCHORS.items():
                size, base = n, ours
                if anchor.startswith("paretoset") and kind == "front":
                    size = small_n
                    base = best_time(non_dominated, points[:size], repeats)
                taken, mask = best_time(function, points[:size], 1 if size == small_n else repeats)
                agree = "yes" if np.array_equal(mask, base[1]) else "NO"
                case = f"{m}-D {kind} (front {int(base[1].sum()):,})"
                ratio = f"{taken / base[0]:.2f}"
                rows.append((case, f"{size:,}", seconds(base[0]), anchor, seconds(taken), ratio, agree))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument(
        "--small-n", type=int, default=10_000, help="paretoset size on all-non-dominated sets"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--indicator-scale", type=float, default=1.0, help="scale the hypervolume and rank sizes"
    )
    args = parser.parse_args()
    machine = platform.processor() or platform.machine()
    print(f"numpy {np.__version__}, moocore {moocore.__version__}, {machine}, {os.cpu_count()} CPUs")
    rows = run(args.n, args.small_n, args.repeats)
    header = ("case", "n", "ours", "anchor", "anchor time", "anchor/ours", "masks agree")
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |")
    moocore_rows = [row for row in rows if row[3].startswith("moocore")]
    never_slower = all(float(row[5]) >= 1 for row in moocore_rows)
    twice_in_2d = all(float(row[5]) >= 2 for row in moocore_rows if row[0].startswith("2-D"))
    print(
        f"\nnever slower than moocore: {'yes' if never_slower else 'NO'}; "
        f">= 2x faster than moocore in 2-D: {'yes' if twice_in_2d else 'NO'}"
    )
    print_indicator_table(args.repeats, args.indicator_scale)


if __name__ == "__main__":
    main()
