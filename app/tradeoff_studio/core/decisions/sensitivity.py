"""Sensitivity: how each objective moves when one numeric knob moves, at a chosen candidate.

The neighbours of the chosen candidate along knob ``k`` are the candidates that differ from it
only in ``k``: every other knob equal (missing equals missing), ``k`` present and different.
Knobs listed in the table's ``extras.derived_knobs`` describe a candidate but follow from the
others (the fairness analysis's per-group ``thresholds`` spell out its ``threshold``), so they are
not compared.
The nearest neighbour below and above give a central finite difference
``(f(above) - f(below)) / (k_above - k_below)``; with only one side, the one-sided difference
against the chosen candidate. Knobs without neighbours (e.g. a threshold that is the only one of
its model) report nothing. The step is the smaller distance to a neighbour (the grid's spacing
near the candidate), and each line says how much the objective moves over one such step.

Neighbours closer than ``MIN_STEP_FRACTION`` of the knob's range are skipped: a fairness analysis
has a candidate at every distinct score, one 1e-7 apart, and a difference over such a step says
nothing a reader can act on (nor is it stable: it is one applicant's label).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..analyses.candidates import CandidateTable
from .frontier import candidate_ids, row_of

if TYPE_CHECKING:
    import pandas as pd

MIN_STEP_FRACTION = 0.005
"""The smallest step, as a fraction of the knob's range among the compared candidates."""


@dataclass(frozen=True)
class Sensitivity:
    """Change of one objective per unit of one knob near the chosen candidate."""

    knob: str
    objective: str
    slope: float
    step: float
    below: str | None
    above: str | None

    @property
    def text(self) -> str:
        """E.g. "accuracy +0.012 per 0.05 step of threshold (against candidates 4 and 6)"; a flat one reads
        "accuracy unchanged over a 0.05 step of threshold (…)"."""
        pair = " and ".join(x for x in (self.below, self.above) if x is not None)
        change = self.slope * self.step
        moves = f"{change:+.3g} per" if change else "unchanged over a"
        return (
            f"{self.objective} {moves} {self.step:.3g} step of {self.knob} "
            f"(against candidate{'s' if ' and ' in pair else ''} {pair})"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"knob": self.knob, "objective": self.objective, "slope": self.slope, "step": self.step,
                "below": self.below, "above": self.above, "text": self.text}  # fmt: skip


def sensitivities(table: CandidateTable, candidate_id: str) -> list[Sensitivity]:
    """Finite-difference sensitivity of every objective to every numeric knob (module docstring)."""
    row = row_of(table, candidate_id)
    frame = table.frame
    compared = [k for k in table.knobs if k not in table.extras.derived_knobs]
    numeric = [k for k in compared if frame[k].dtype.kind in "iuf"]
    result = []
    for knob in numeric:
        below, above = _neighbours(frame, [k for k in compared if k != knob], knob, row)
        if below is None and above is None:
            continue
        result += _differences(table, knob, row, below, above)
    return result


def _neighbours(frame: pd.DataFrame, others: list[str], knob: str, row: int) -> tuple[int | None, int | None]:
    """Rows of the nearest candidates below and above ``row`` in ``knob``, all other knobs equal."""
    same = np.ones(len(frame), dtype=bool)
    for other in others:
        column = frame[other]
        reference = column.iloc[row]
        if column.isna().iloc[row]:
            same &= column.isna().to_numpy()
        else:
            same &= (column == reference).fillna(False).to_numpy(dtype=bool)
    values = frame[knob].to_numpy(dtype=np.float64)
    here = values[row]
    if np.isnan(here):
        return None, None
    spread = np.nanmax(values[same]) - np.nanmin(values[same])
    min_step = MIN_STEP_FRACTION * spread
    lower = np.flatnonzero(same & (values < here) & (values <= here - min_step))
    upper = np.flatnonzero(same & (values > here) & (values >= here + min_step))
    below = int(lower[np.argmax(values[lower])]) if lower.size else None
    above = int(upper[np.argmin(values[upper])]) if upper.size else None
    return below, above


def _differences(
    table: CandidateTable, knob: str, row: int, below: int | None, above: int | None
) -> list[Sensitivity]:
    frame = table.frame
    values = frame[knob].to_numpy(dtype=np.float64)
    start = below if below is not None else row
    end = above if above is not None else row
    steps = [abs(values[n] - values[row]) for n in (below, above) if n is not None]
    ids = candidate_ids(table)
    result = []
    for objective in table.objectives:
        if objective.metric == knob:  # e.g. OPE's k, both a knob and a cost: its slope is 1 by definition
            continue
        metric = frame[objective.metric].to_numpy(dtype=np.float64)
        slope = float((metric[end] - metric[start]) / (values[end] - values[start]))
        result.append(
            Sensitivity(
                knob,
                objective.metric,
                slope,
                float(min(steps)),
                ids[below] if below is not None else None,
                ids[above] if above is not None else None,
            )
        )
    return result
