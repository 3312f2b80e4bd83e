"""Numpy helpers of the front view (no Qt): layer split, front order, whiskers, tooltip text, key walk."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

DENSITY_THRESHOLD = 20_000  # more dominated candidates than this are drawn as a density image
LAYER_ALPHAS = (150, 95, 55)  # rank 1, rank 2, rank 3 and beyond (or no ranks given)
ARROWS = {"min": "↓", "max": "↑"}

Floats = NDArray[np.float64]
Rows = NDArray[np.int64]


def direction_label(objective: str, sense: str) -> str:
    """The axis label: the objective with the direction that is better ("cost ↓", "accuracy ↑")."""
    return f"{objective} {ARROWS.get(sense, '')}".rstrip()


def rank_buckets(front: NDArray[np.bool_], ranks: NDArray[np.int64] | None) -> NDArray[np.int8]:
    """-1 for front candidates, else the faded layer 0, 1 or 2 (rank 1, rank 2, the rest)."""
    if ranks is None:
        buckets = np.full(front.shape, 1, dtype=np.int8)
    else:
        buckets = (np.clip(np.asarray(ranks, dtype=np.int64), 1, 3) - 1).astype(np.int8)
    buckets[front] = -1
    return buckets


def front_order(
    x: NDArray[np.float64], y: NDArray[np.float64], front: NDArray[np.bool_]
) -> NDArray[np.int64]:
    """Row indices of the front sorted by x (then y), NaN points left out: the line and the key walk."""
    rows = np.flatnonzero(front & np.isfinite(x) & np.isfinite(y))
    return rows[np.lexsort((y[rows], x[rows]))]


def whisker_segments(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    x_bounds: tuple[NDArray[np.float64], NDArray[np.float64]],
    y_bounds: tuple[NDArray[np.float64], NDArray[np.float64]],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Interleaved segment ends for ``connect="pairs"``: a horizontal whisker from the x interval and a
    vertical one from the y interval of each point; intervals with a NaN end are left out."""
    (x_lo, x_hi), (y_lo, y_hi) = x_bounds, y_bounds
    across = np.isfinite(x_lo) & np.isfinite(x_hi) & np.isfinite(y)
    upward = np.isfinite(y_lo) & np.isfinite(y_hi) & np.isfinite(x)
    xs = np.concatenate([np.column_stack((x_lo, x_hi))[across].ravel(), np.repeat(x[upward], 2)])
    ys = np.concatenate([np.repeat(y[across], 2), np.column_stack((y_lo, y_hi))[upward].ravel()])
    return xs, ys


def default_tooltip(
    row: int,
    points: NDArray[np.float64],
    objectives: Sequence[str],
    bounds: tuple[NDArray[np.float64], NDArray[np.float64]] | None,
) -> str:
    """ "candidate #row" and one line per objective: its value and, where known, its interval."""
    lines = [f"candidate #{row}"]
    for column, name in enumerate(objectives):
        text = f"{name} = {points[row, column]:.4g}"
        if bounds is not None:
            low, high = bounds[0][row, column], bounds[1][row, column]
            if np.isfinite(low) and np.isfinite(high):
                text += f"  [{low:.4g}, {high:.4g}]"
        lines.append(text)
    return "\n".join(lines)


def walk_step(
    order: NDArray[np.int64], x: NDArray[np.float64], selected: int | None, step: int
) -> int | None:
    """The front candidate after (``step`` = +1) or before (-1) ``selected`` in x order.

    With nothing selected: the first (or last) one. From a candidate off the front: the next front
    candidate to its right (or left). At either end it stays put; an empty front gives None.
    """
    if order.size == 0:
        return None
    if selected is None:
        return int(order[0] if step > 0 else order[-1])
    where = np.flatnonzero(order == selected)
    if where.size:
        position = int(np.clip(where[0] + step, 0, order.size - 1))
        return int(order[position])
    xs = x[order]
    if step > 0:
        position = int(np.searchsorted(xs, x[selected], side="right"))
        return int(order[min(position, order.size - 1)])
    position = int(np.searchsorted(xs, x[selected], side="left")) - 1
    return int(order[max(position, 0)])
