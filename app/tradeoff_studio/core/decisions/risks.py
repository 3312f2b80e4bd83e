"""Risks: constraints whose confidence interval at the chosen candidate crosses the bound.

For each constraint whose metric has an interval with ``lo < bound < hi`` at the candidate (the
interval stored with the analysis, whatever confidence the constraint asks for), the
probability that the true value violates the constraint is a normal approximation: the metric
is taken as normal around its estimate with the standard deviation read from the interval's
side that faces the bound (:mod:`.intervals`; intervals may be asymmetric), so for
``metric >= b`` it is ``Φ((b - value) / sd_below)``. The bootstrap replicates themselves are not
kept with the candidates, so no analysis offers an empirical probability; the normal reading of
a (percentile bootstrap or analytic) interval is what every analysis kind shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..analyses.candidates import CandidateTable
from .frontier import row_of
from .intervals import ci_level, has_interval, normal_cdf, spreads
from .preferences import Constraint
from .text_constraints import AnyConstraint, TextConstraint


@dataclass(frozen=True)
class Risk:
    """A constraint that may not hold at the chosen candidate, with its probability."""

    constraint: str
    value: float
    lo: float
    hi: float
    level: float
    probability: float

    @property
    def text(self) -> str:
        """E.g. "dp_ratio>=0.8: 95% CI 0.78 to 0.86 crosses the bound; P(violation) ≈ 12%"."""
        return (
            f"{self.constraint}: estimate {self.value:.4g}, {self.level:.0%} CI {self.lo:.4g} to "
            f"{self.hi:.4g} crosses the bound; P(violated) ≈ {self.probability:.1%} (normal approximation)"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"constraint": self.constraint, "value": self.value, "lo": self.lo, "hi": self.hi,
                "level": self.level, "probability": self.probability, "method": "normal",
                "sample": "in-sample", "text": self.text}  # fmt: skip


def risks(table: CandidateTable, candidate_id: str, constraints: tuple[AnyConstraint, ...]) -> list[Risk]:
    """The constraints at risk at ``candidate_id`` (module docstring); others are omitted."""
    row = row_of(table, candidate_id)
    result = []
    for constraint in constraints:
        if isinstance(constraint, TextConstraint) or not has_interval(table, constraint.metric):
            continue
        frame = table.frame
        value = float(frame[constraint.metric].iloc[row])
        lo = float(frame[f"{constraint.metric}_lo"].iloc[row])
        hi = float(frame[f"{constraint.metric}_hi"].iloc[row])
        if not lo < constraint.bound < hi:
            continue
        result.append(
            Risk(str(constraint), value, lo, hi, ci_level(table), _violation(table, constraint, row))
        )
    return result


def _violation(table: CandidateTable, constraint: Constraint, row: int) -> float:
    """P(the true value breaks the constraint) under the normal reading of the interval."""
    value = float(table.frame[constraint.metric].iloc[row])
    below, above = spreads(table, constraint.metric)
    sd = (
        below[row] if constraint.bound < value else above[row]
    )  # > 0: the interval strictly brackets the bound
    below_bound = normal_cdf((constraint.bound - value) / sd)
    return below_bound if constraint.lower else 1.0 - below_bound


def constraint_checks(
    table: CandidateTable, candidate_id: str, constraints: tuple[AnyConstraint, ...]
) -> list[dict[str, Any]]:
    """Each constraint at ``candidate_id``: the value it is judged on (the estimate, or the bound
    at its confidence), the slack (how far inside the bound; negative = violated) and, when the
    metric has an interval, P(violated) under the normal reading of the interval (module doc)."""
    row = row_of(table, candidate_id)
    checks = []
    for constraint in constraints:
        if isinstance(constraint, TextConstraint):
            text = constraint.value_at(table, row)
            checks.append({"constraint": str(constraint), "metric": constraint.metric, "estimate": text,
                           "judged_on": text, "bound": None, "slack": None, "p_violated": None})  # fmt: skip
            continue
        judged = float(constraint.values(table)[row])
        slack = judged - constraint.bound if constraint.lower else constraint.bound - judged
        estimate = float(table.frame[constraint.metric].iloc[row])
        probability = _probability(table, constraint, row) if has_interval(table, constraint.metric) else None
        checks.append({"constraint": str(constraint), "metric": constraint.metric, "estimate": estimate,
                       "judged_on": judged, "bound": constraint.bound, "slack": slack,
                       "p_violated": probability,
                       "met_exactly": met_exactly(slack, constraint.bound)})  # fmt: skip
    return checks


def _probability(table: CandidateTable, constraint: Constraint, row: int) -> float | None:
    value = float(table.frame[constraint.metric].iloc[row])
    below, above = spreads(table, constraint.metric)
    sd = below[row] if constraint.bound < value else above[row]
    if not sd > 0:
        holds = value >= constraint.bound if constraint.lower else value <= constraint.bound
        return 0.0 if holds else 1.0
    below_bound = normal_cdf((constraint.bound - value) / sd)
    return below_bound if constraint.lower else 1.0 - below_bound


def met_exactly(slack: float, bound: float) -> bool:
    """Whether a constraint is met with no slack at all (a budget mixture built to sit on the bound)."""
    return abs(slack) <= 1e-9 * max(1.0, abs(bound))
