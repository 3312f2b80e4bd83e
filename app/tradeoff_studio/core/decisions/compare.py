"""Compare two candidates: the difference in each metric, its interval, and whether it is real.

The difference is ``other - pinned``. Its interval, when the metric has intervals, is the normal
reading of each candidate's interval (:mod:`.intervals`, the side facing the other candidate),
the two taken as independent: ``Δ ± z·sqrt(sd_pinned² + sd_other²)`` at the table's level.
Candidates estimated on the same data are positively correlated, so this interval errs on the
wide side: "distinguishable" (the interval excludes 0) is a safe claim, "not distinguishable"
may be too cautious. A metric without intervals gets the difference alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..analyses.candidates import CandidateTable
from .frontier import is_proportion, row_of
from .intervals import ci_level, has_interval, spreads, two_sided_z


@dataclass(frozen=True)
class Delta:
    """``other - pinned`` in one metric."""

    metric: str
    pinned: float
    other: float
    delta: float
    lo: float | None
    hi: float | None
    level: float
    direction: str | None  # "max"/"min" for an objective, else None
    proportion: bool

    @property
    def distinguishable(self) -> bool | None:
        """Whether the interval of the difference excludes 0 (``None`` without intervals)."""
        if self.lo is None or self.hi is None:
            return None
        return self.lo > 0.0 or self.hi < 0.0

    @property
    def better(self) -> bool | None:
        """Whether ``other`` is better than ``pinned`` in this objective (``None``: not an objective
        or equal)."""
        if self.direction is None or self.delta == 0 or math.isnan(self.delta):
            return None
        return (self.delta > 0) == (self.direction == "max")

    @property
    def text(self) -> str:
        """E.g. "accuracy +1.2 pp (95% CI +0.3 to +2.1 pp): distinguishable, better"."""
        scale, unit = (100.0, " pp") if self.proportion else (1.0, "")
        text = f"{self.metric} {self.delta * scale:+.3g}{unit}"
        if self.lo is not None and self.hi is not None:
            text += f" ({self.level:.0%} CI {self.lo * scale:+.3g} to {self.hi * scale:+.3g}{unit})"
            text += ": distinguishable" if self.distinguishable else ": not distinguishable"
        if self.better is not None:
            text += ", better" if self.better else ", worse"
        return text

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"metric": self.metric, "pinned": self.pinned, "other": self.other, "delta": self.delta,
                "lo": self.lo, "hi": self.hi, "level": self.level, "distinguishable": self.distinguishable,
                "better": self.better, "text": self.text}  # fmt: skip


def compare(
    table: CandidateTable, pinned_id: str, other_id: str, metrics: list[str] | None = None
) -> list[Delta]:
    """``other - pinned`` in each of ``metrics`` (default: the objectives, then the other metrics)."""
    pinned, other = row_of(table, pinned_id), row_of(table, other_id)
    directions = {o.metric: o.direction for o in table.objectives}
    names = (
        metrics if metrics is not None else [*directions, *(m for m in table.metrics if m not in directions)]
    )
    return [_delta(table, name, pinned, other, directions.get(name)) for name in names if name in table.frame]


def _delta(table: CandidateTable, metric: str, pinned: int, other: int, direction: str | None) -> Delta:
    values = table.frame[metric].to_numpy(dtype=np.float64)
    a, b = float(values[pinned]), float(values[other])
    delta = b - a
    lo = hi = None
    level = ci_level(table)
    if has_interval(table, metric) and not math.isnan(delta):
        below, above = spreads(table, metric)
        rising = delta >= 0
        sd_a = above[pinned] if rising else below[pinned]
        sd_b = below[other] if rising else above[other]
        half = two_sided_z(level) * math.sqrt(float(sd_a) ** 2 + float(sd_b) ** 2)
        lo, hi = delta - half, delta + half
    return Delta(metric, a, b, delta, lo, hi, level, direction, is_proportion(table, metric))
