"""The front of a decision's analysis as figure data: candidates, front with CI whiskers, chosen point.

The first two objectives are the axes (x, y). Every front point, the chosen point and the knee are
kept; the dominated cloud is thinned by a fixed stride to at most :data:`MAX_POINTS` points in all,
so the figure (and the report's JSON) stay small and identical on every build.
"""

from __future__ import annotations

import math

import numpy as np

from ..analyses.candidates import CandidateTable
from ..decisions.store import DecisionRecord
from .model import FigureData

MAX_POINTS = 1500


def figure_data(
    decision: DecisionRecord, table: CandidateTable, knee_id: str | None = None
) -> FigureData | None:
    """The figure of ``decision``'s front (``knee_id``: the analysis's knee), or None with fewer than two
    numeric objectives."""
    frame = table.frame
    objectives = [o for o in table.objectives if o.metric in frame and frame[o.metric].dtype.kind in "iuf"]
    if len(objectives) < 2:
        return None
    x, y = objectives[0], objectives[1]
    xs, ys = frame[x.metric].to_numpy(np.float64), frame[y.metric].to_numpy(np.float64)
    ids = frame["candidate_id"].astype(str).to_numpy()
    on_front = frame["on_front"].to_numpy(bool) if "on_front" in frame else np.zeros(len(frame), bool)
    keep = _kept(xs, ys, on_front, ids, {decision.candidate_id, knee_id or ""})
    position = {int(row): index for index, row in enumerate(keep)}
    front = [position[int(row)] for row in keep if on_front[row]]
    figure = FigureData(
        decision.id,
        x.metric,
        y.metric,
        x.direction,
        y.direction,
        [float(xs[row]) for row in keep],
        [float(ys[row]) for row in keep],
        front,
        candidates=len(frame),
    )
    front_rows = [int(row) for row in keep if on_front[row]]
    for metric, names in ((x.metric, ("x_lo", "x_hi")), (y.metric, ("y_lo", "y_hi"))):
        if f"{metric}_lo" in frame and f"{metric}_hi" in frame:
            lo, hi = frame[f"{metric}_lo"].to_numpy(np.float64), frame[f"{metric}_hi"].to_numpy(np.float64)
            centre = xs if names[0] == "x_lo" else ys
            setattr(figure, names[0], [_finite(lo[row], centre[row]) for row in front_rows])
            setattr(figure, names[1], [_finite(hi[row], centre[row]) for row in front_rows])
    chosen = [
        position[int(row)] for row in np.flatnonzero(ids == decision.candidate_id) if int(row) in position
    ]
    figure.chosen = chosen[0] if chosen else None
    knees = [position[int(row)] for row in np.flatnonzero(ids == str(knee_id)) if int(row) in position]
    figure.knee = knees[0] if knees else None
    figure.constraints = _constraints(decision, x.metric, y.metric)
    return figure


def _kept(
    xs: np.ndarray, ys: np.ndarray, on_front: np.ndarray, ids: np.ndarray, named: set[str]
) -> np.ndarray:
    finite = np.isfinite(xs) & np.isfinite(ys)
    must = finite & (on_front | np.isin(ids, list(named)))
    rest = np.flatnonzero(finite & ~must)
    room = max(MAX_POINTS - int(must.sum()), 0)
    if rest.size > room:
        rest = rest[:: math.ceil(rest.size / room)] if room else rest[:0]
    return np.sort(np.concatenate([np.flatnonzero(must), rest]))


def _finite(value: float, fallback: float) -> float:
    return float(value) if math.isfinite(value) else float(fallback)


def _constraints(decision: DecisionRecord, x: str, y: str) -> list[tuple[str, float, str, bool]]:
    lines = []
    for item in decision.preferences.get("constraints") or []:
        bound = item.get("bound")
        if (
            item["metric"] in (x, y)
            and isinstance(bound, int | float)
            and item.get("op") in (">=", "<=", ">", "<")
        ):
            axis = "x" if item["metric"] == x else "y"
            lines.append((axis, float(bound), str(item["text"]), item["op"].startswith(">")))
    return lines
