"""Two fronts that each mean one thing: ``on_front`` (deterministic options) and ``on_hull`` (mixtures).

- ``on_front``: the Pareto front, on the analysis's objectives, of the **deterministic**
  options: the single systems and the cascades (every item gets a fixed treatment). A
  randomized mixture is never on it, so a system no other system or cascade beats on both
  quality and cost is on the front even when a coin-flip mixture of two others beats it.
  ``rank`` and ``near_front`` are taken among the same options; a mixture's ``rank`` is the rank
  it would take among them (1 + the highest rank of a deterministic option dominating it; 0
  when none does) and its ``near_front`` is false.
- ``on_hull``: the upper convex hull of quality against cost, reachable by mixing two adjacent
  vertices at random: its vertices (systems or cascades) and every mixture along its edges.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..candidates import CandidateTable

DETERMINISTIC_KINDS = ("system", "cascade")
FRONTS_NOTE = {
    "on_front": "Pareto front of the deterministic options (single systems and cascades) on the objectives; "
    "rank and near_front are taken among the same options (a mixture's rank: the rank it would take among "
    "them; its near_front: false)",
    "on_hull": "upper convex hull of quality against cost, reachable by random mixing: its vertices and "
    "every mixture on its edges",
}


def with_fronts(table: CandidateTable, on_hull: np.ndarray) -> CandidateTable:
    """``table`` with ``on_front``, ``rank``, ``near_front`` (see the module doc) and ``on_hull`` as given
    (the hull's vertices and every mixture, including a target met at a vertex)."""
    frame = table.frame
    fixed = frame["kind"].isin(DETERMINISTIC_KINDS).to_numpy()
    ranked = replace(table, frame=frame[fixed].reset_index(drop=True)).with_front().frame
    out = frame.copy()
    out["on_front"] = False
    out["rank"] = _mixture_ranks(table, fixed, ranked["rank"].to_numpy(np.int64))
    out["near_front"] = False
    rows = np.flatnonzero(fixed)
    for column in ("on_front", "near_front"):
        out.loc[rows, column] = ranked[column].to_numpy(bool)
    out["on_front"] = out["on_front"].astype(bool)
    out["near_front"] = out["near_front"].astype(bool)
    out["on_hull"] = np.asarray(on_hull, dtype=bool)
    return replace(table, frame=out)


def _mixture_ranks(table: CandidateTable, fixed: np.ndarray, fixed_ranks: np.ndarray) -> np.ndarray:
    """Every candidate's rank: the deterministic ones' own; a mixture's among the deterministic ones."""
    signs = np.array([1.0 if o.direction == "max" else -1.0 for o in table.objectives])
    good = table.frame[[o.metric for o in table.objectives]].to_numpy(np.float64) * signs
    ranks = np.zeros(len(good), dtype=np.int64)
    ranks[fixed] = fixed_ranks
    base, mixed = good[fixed], np.flatnonzero(~fixed)
    for row in mixed:
        dominating = (base >= good[row]).all(axis=1) & (base > good[row]).any(axis=1)
        ranks[row] = 1 + int(fixed_ranks[dominating].max()) if dominating.any() else 0
    return ranks
