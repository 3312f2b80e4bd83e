"""Navigating a front by reference point (Wierzbicki's achievement scalarising function, as in
DESDEO's reference point method) and by NIMBUS-style classification.

Each objective is made larger-is-better and scaled over the analysis's Pareto front
(``u = 0`` at the nadir, ``1`` at the ideal), as for the decision methods. A reference point
``r`` (aspiration levels in the objectives' own units) is scaled the same way. The
**achievement** of a candidate is ``s = max_i w_i (r_i - u_i) + ρ Σ_i w_i (r_i - u_i)``
(``ρ = 1e-6``): ``s <= 0`` means the candidate reaches every aspiration, ``s > 0`` by how much
(in front ranges) it falls short of the hardest one. The **projection** of ``r`` is the front
candidate of least achievement among those meeting the bounds; ties go to the first in table
order. Its **neighbours** are the front candidates closest to it on the scaled objectives:
what a small step along the front trades.

A **classification** (NIMBUS) says, from the current candidate, what to do with each objective:
``improve`` (towards the ideal), ``improve`` to a level, ``keep`` (no worse than now),
``worsen`` down to a bound, or ``free`` (may get as bad as needed). It becomes a reference point
(the ideal, the level, the current value, the bound, the nadir) plus bounds ("no worse than")
for ``keep`` and ``worsen``. NIMBUS asks for something to improve and something to give up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..analyses.candidates import CandidateTable
from .frontier import candidate_ids, front_rows, goodness, row_of, signs
from .preferences import DecisionError

RHO = 1e-6
NEIGHBOURS = 3
CLASSES = ("improve", "keep", "worsen", "free")


@dataclass(frozen=True)
class Classification:
    """One objective's class, with its level (``improve`` to, ``worsen`` down to) in its own units."""

    metric: str
    kind: str
    level: float | None = None

    def text(self) -> str:
        """``improve price``, ``improve price to 2``, ``keep agreement``, ``worsen time to 30``."""
        level = "" if self.level is None else f" to {self.level:g}"
        return f"{self.kind} {self.metric}{level}"


@dataclass(frozen=True)
class Step:
    """One navigation step: what was asked, the projection and its neighbours (own units)."""

    reference: dict[str, float]
    bounds: dict[str, float]
    candidate_id: str
    achievement: float
    values: dict[str, float]
    neighbours: list[dict[str, Any]]
    classification: list[str] = field(default_factory=list)
    start: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as stored in the exploration trail."""
        return {"reference": self.reference, "bounds": self.bounds, "classification": self.classification,
                "start": self.start, "candidate_id": self.candidate_id, "achievement": self.achievement,
                "values": self.values, "neighbours": self.neighbours}  # fmt: skip


@dataclass(frozen=True)
class _Scale:
    """Larger-is-better values scaled over the front."""

    good: NDArray[np.float64]
    low: NDArray[np.float64]
    high: NDArray[np.float64]
    span: NDArray[np.float64]
    sign: NDArray[np.float64]
    front: NDArray[np.intp]

    @classmethod
    def of(cls, table: CandidateTable) -> _Scale:
        good = goodness(table)
        front = front_rows(good, np.ones(len(good), dtype=bool))
        low, high = good[front].min(axis=0), good[front].max(axis=0)
        return cls(good, low, high, np.where(high > low, high - low, 1.0), signs(table), front)

    def scaled(self, rows: NDArray[np.intp]) -> NDArray[np.float64]:
        return (self.good[rows] - self.low) / self.span

    def scale_point(self, values: NDArray[np.float64]) -> NDArray[np.float64]:
        return (values * self.sign - self.low) / self.span


def navigate(
    table: CandidateTable,
    reference: dict[str, float],
    *,
    bounds: dict[str, float] | None = None,
    weights: dict[str, float] | None = None,
) -> Step:
    """Project ``reference`` (objective → aspiration, own units) onto the front (module docstring).

    ``bounds`` (objective → worst acceptable value, own units) limit the front; ``weights``
    (objective → weight ≥ 0, default 1) scale each objective's shortfall. Raises
    :class:`DecisionError` for an unknown or missing objective, a non-finite value, or bounds
    that no front candidate meets.
    """
    names = [o.metric for o in table.objectives]
    _check_names(reference, names, "The reference point", every=True)
    _check_names(bounds or {}, names, "A bound", every=False)
    _check_names(weights or {}, names, "A weight", every=False)
    scale = _Scale.of(table)
    pool = _within_bounds(table, scale, bounds or {})
    w = np.array([(weights or {}).get(name, 1.0) for name in names])
    target = scale.scale_point(np.array([reference[name] for name in names]))
    gaps = w * (target - scale.scaled(pool))
    achievement = gaps.max(axis=1) + RHO * gaps.sum(axis=1)
    best = int(np.flatnonzero(achievement <= achievement.min() + 1e-12)[0])
    chosen = int(pool[best])
    ids = candidate_ids(table)
    return Step(
        reference=dict(reference), bounds=dict(bounds or {}), candidate_id=ids[chosen],
        achievement=float(achievement[best]), values=_values(table, chosen),
        neighbours=_neighbours(table, scale, chosen, ids),
    )  # fmt: skip


def _check_names(given: dict[str, float], names: list[str], what: str, *, every: bool) -> None:
    unknown = [name for name in given if name not in names]
    if unknown:
        raise DecisionError(
            f"{what} names {', '.join(unknown)}, not an objective of this analysis. Its objectives: "
            f"{', '.join(names)}."
        )
    missing = [name for name in names if name not in given]
    if every and missing:
        raise DecisionError(
            f"{what} needs a value for every objective; missing: {', '.join(missing)}. "
            f'Give e.g. --reference "{",".join(f"{name}=V" for name in names)}".'
        )
    bad = [name for name, value in given.items() if not math.isfinite(value)]
    if bad:
        raise DecisionError(f"{what} for {', '.join(bad)} must be a finite number.")


def _within_bounds(table: CandidateTable, scale: _Scale, bounds: dict[str, float]) -> NDArray[np.intp]:
    """Front rows whose values are no worse than every bound."""
    keep = np.ones(scale.front.size, dtype=bool)
    for j, objective in enumerate(table.objectives):
        if objective.metric in bounds:
            keep &= scale.good[scale.front, j] >= bounds[objective.metric] * scale.sign[j] - 1e-12
    if not keep.any():
        listed = ", ".join(f"{name} no worse than {value:g}" for name, value in bounds.items())
        raise DecisionError(
            f"No candidate on the front meets {listed}. Loosen a bound (keep less, let more worsen)."
        )
    return scale.front[keep]


def _values(table: CandidateTable, row: int) -> dict[str, float]:
    return {o.metric: float(table.frame[o.metric].iloc[row]) for o in table.objectives}


def _neighbours(table: CandidateTable, scale: _Scale, row: int, ids: list[str]) -> list[dict[str, Any]]:
    """The front candidates nearest ``row`` on the scaled objectives, with the change to each."""
    others = scale.front[scale.front != row]
    if others.size == 0:
        return []
    distance = np.linalg.norm(scale.scaled(others) - scale.scaled(np.array([row]))[0], axis=1)
    order = np.argsort(distance, kind="stable")[:NEIGHBOURS]
    here = _values(table, row)
    result = []
    for index in order.tolist():
        values = _values(table, int(others[index]))
        changes = {name: values[name] - here[name] for name in values}
        result.append({"candidate_id": ids[int(others[index])], "values": values, "changes": changes})
    return result


def classify(
    table: CandidateTable, start: str, classes: list[Classification]
) -> tuple[dict[str, float], dict[str, float]]:
    """The reference point and bounds a NIMBUS classification at candidate ``start`` stands for.

    Objectives not classified are ``free``. Raises :class:`DecisionError` when nothing is to
    improve or nothing may give way (NIMBUS needs both), or an objective is classified twice.
    """
    names = [o.metric for o in table.objectives]
    by_name = {item.metric: item for item in classes}
    if len(by_name) != len(classes):
        raise DecisionError("An objective is classified twice; give each objective one class.")
    _check_names({item.metric: 0.0 for item in classes}, names, "A classification", every=False)
    kinds = {name: by_name[name].kind if name in by_name else "free" for name in names}
    unknown = sorted({kind for kind in kinds.values() if kind not in CLASSES})
    if unknown:
        raise DecisionError(f"Unknown class {unknown[0]!r}; use one of {', '.join(CLASSES)}.")
    if "improve" not in kinds.values() or not {"worsen", "free"} & set(kinds.values()):
        raise DecisionError(
            "A classification needs an objective to improve and one that may worsen (or is free): on the "
            "front, nothing improves for free. E.g. --improve price --worsen time=30."
        )
    scale = _Scale.of(table)
    here = _values(table, row_of(table, start))
    reference, bounds = {}, {}
    for j, name in enumerate(names):
        item, kind = by_name.get(name), kinds[name]
        best, worst = float(scale.high[j] * scale.sign[j]), float(scale.low[j] * scale.sign[j])
        level = item.level if item is not None else None
        if kind == "improve":
            reference[name] = best if level is None else level
        elif kind == "keep":
            reference[name] = bounds[name] = here[name]
        elif kind == "worsen":
            if level is None:
                raise DecisionError(
                    f"Say how far {name} may worsen: --worsen {name}=BOUND (or --free {name})."
                )
            reference[name] = bounds[name] = level
        else:
            reference[name] = worst
    return reference, bounds
