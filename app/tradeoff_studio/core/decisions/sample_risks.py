"""Out-of-sample checks of a decision's constraints (issue #16, observation 7).

A constraint is judged on the fit window's figures. When the analysis also measured every
candidate on a later window (risk–return with ``--split``: ``oos_<metric>`` columns), each
constraint is checked there too, and a breach is a named risk carrying both values: a 13%
volatility cap met in sample by a portfolio that ran at 24% out of sample is said, not hidden.
In-sample risks (:mod:`.risks`) carry ``sample = "in-sample"``; these ``"out-of-sample"``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from ..analyses.candidates import CandidateTable
from .frontier import row_of
from .intervals import ci_level, has_interval
from .preferences import Constraint
from .risks import Risk, constraint_checks

OOS_PREFIX = "oos_"
_NAN = float("nan")


@dataclass(frozen=True)
class OutOfSampleBreach(Risk):
    """A constraint met in sample but broken on the test window (``value`` is the out-of-sample figure)."""

    in_sample: float = float("nan")
    sample: str = "out-of-sample"

    @property
    def text(self) -> str:
        """E.g. "volatility<=0.13 is broken out of sample: 0.241 on the test window (0.131 in sample)"."""
        band = f" ({self.level:.0%} CI {self.lo:.4g} to {self.hi:.4g})" if not math.isnan(self.lo) else ""
        chance = f"; P(violated) ≈ {self.probability:.1%}" if not math.isnan(self.probability) else ""
        return (
            f"{self.constraint} is broken out of sample: {self.value:.4g} on the test window{band} against "
            f"{self.in_sample:.4g} in sample{chance}"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with both values and the sample it is judged on."""
        known = {key: (None if _missing(value) else value) for key, value in super().to_dict().items()}
        return known | {
            "in_sample": self.in_sample,
            "sample": self.sample,
            "method": "realised",
            "text": self.text,
        }


def out_of_sample_risks(
    table: CandidateTable, candidate_id: str, constraints: tuple[Any, ...]
) -> list[OutOfSampleBreach]:
    """The constraints ``candidate_id`` meets in sample but breaks on the test window."""
    frame = table.frame
    row = row_of(table, candidate_id)
    breaches = []
    for constraint in constraints:
        if not isinstance(constraint, Constraint) or constraint.metric.startswith(OOS_PREFIX):
            continue
        metric = OOS_PREFIX + constraint.metric
        if metric not in frame or frame[metric].dtype.kind not in "iuf":
            continue
        value = float(frame[metric].iloc[row])
        broken = value < constraint.bound if constraint.lower else value > constraint.bound
        if math.isnan(value) or not broken:  # NaN: not measured out of sample
            continue
        check = constraint_checks(
            table, candidate_id, (replace(constraint, metric=metric, confidence=None),)
        )[0]
        lo = hi = _NAN
        if has_interval(table, metric):
            lo, hi = float(frame[f"{metric}_lo"].iloc[row]), float(frame[f"{metric}_hi"].iloc[row])
        chance = _NAN if check["p_violated"] is None else float(check["p_violated"])
        in_sample = float(frame[constraint.metric].iloc[row])
        breaches.append(
            OutOfSampleBreach(str(constraint), value, lo, hi, ci_level(table), chance, in_sample=in_sample)
        )
    return breaches


def _missing(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)
