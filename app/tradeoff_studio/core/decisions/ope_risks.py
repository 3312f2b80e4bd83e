"""Risks of an OPE shortlist, and the k a constraint can ask for.

A shortlist is at risk of being **below the behaviour policy** (kind ``below_behaviour``) when
its best@k, or the value of the estimator's first pick, is below the behaviour policy's value:
deploying it could do worse than the policy that logged the data. The risk names both values
and P(best@k < behaviour), the share of bootstrap resamples where the best of the shortlist falls
below it (``p_below_behaviour``). A risk is also named when that probability is above 5 % while
the point values are not below. An **unreliable interval** (kind ``unreliable_interval``) is named
when the chosen candidate's SharpeRatio@k interval rests on fewer than 90 % of the resamples.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from ..analyses.candidates import CandidateTable
from .frontier import row_of
from .preferences import Constraint, DecisionError, Preferences

NOTABLE_PROBABILITY = 0.05


@dataclass(frozen=True)
class OpeRisk:
    """A risk of an OPE shortlist: its kind, what it is about, and the values behind it."""

    kind: str
    text: str
    values: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``kind``, ``text`` and the values)."""
        return {"kind": self.kind, "text": self.text, **self.values}


def ope_risks(table: CandidateTable, candidate_id: str) -> list[OpeRisk]:
    """The ``below_behaviour`` and ``unreliable_interval`` risks of ``candidate_id`` (module doc)."""
    row = table.frame.iloc[row_of(table, candidate_id)]
    risks = []
    below = _below_behaviour(table, row)
    if below is not None:
        risks.append(below)
    if "sharpe_ratio_at_k_ci_reliable" in row and not bool(row["sharpe_ratio_at_k_ci_reliable"]):
        resamples = int(table.notes.get("bootstrap", {}).get("resamples", 0))
        defined = int(row["sharpe_ratio_at_k_resamples_defined"])
        text = (
            f"SharpeRatio@k of {candidate_id} has no reliable interval: only {defined:,} of {resamples:,} "
            "bootstrap resamples define it (its top k often repeat one policy, so std@k = 0); treat its "
            "value as uncertain."
        )
        risks.append(
            OpeRisk("unreliable_interval", text, {"resamples_defined": defined, "resamples": resamples})
        )
    return risks


_BEHAVIOUR_COLUMNS = ("behaviour_value", "best_at_k", "first_pick_value", "p_below_behaviour", "policies")


def _below_behaviour(table: CandidateTable, row: Any) -> OpeRisk | None:
    if not all(column in row for column in _BEHAVIOUR_COLUMNS):  # an analysis stored before these existed
        return None
    behaviour = float(row["behaviour_value"])
    best, first = float(row["best_at_k"]), float(row["first_pick_value"])
    probability = float(row["p_below_behaviour"])
    if best >= behaviour and first >= behaviour and not probability > NOTABLE_PROBABILITY:
        return None
    policies = row["policies"]
    names = json.loads(policies) if isinstance(policies, str) else list(policies)
    name = str(table.notes.get("behaviour_policy", "the behaviour policy"))
    values = {"best_at_k": best, "first_pick": names[0] if names else None, "first_pick_value": first,
              "behaviour_policy": name, "behaviour_value": behaviour, "probability": probability}  # fmt: skip
    if best < behaviour:
        what = (
            f"the best of the shortlist ({best:.4g}) is below the behaviour policy {name} ({behaviour:.4g})"
        )
    elif first < behaviour:
        what = (
            f"the estimator's first pick {values['first_pick']} ({first:.4g}) is below the behaviour policy "
            f"{name} ({behaviour:.4g})"
        )
    else:
        what = f"best@k ({best:.4g}) is above the behaviour policy {name} ({behaviour:.4g}), but not surely"
    text = f"Below behaviour: {what}; P(best@k < behaviour) = {probability:.1%} (bootstrap)."
    return OpeRisk("below_behaviour", text, values)


def check_k_constraints(table: CandidateTable, prefs: Preferences) -> None:
    """Raise :class:`DecisionError` when a constraint on ``k`` asks for a k no shortlist has,
    saying how many policies there are (instead of "no candidate meets every constraint")."""
    if not len(table.frame):
        return
    low, high = int(table.frame["k"].min()), int(table.frame["k"].max())
    for constraint in prefs.constraints:
        if constraint.metric == "k" and not _reachable(constraint, low, high):
            policies = table.notes.get("policies", high)
            raise DecisionError(
                f"Constraint '{constraint}' asks for a shortlist no candidate has: there are only {policies} "
                f"policies besides the behaviour policy, and this analysis has shortlists of k = {low} to "
                f"{high}. Ask for k between {low} and {high}."
            )


def _reachable(constraint: Constraint, low: int, high: int) -> bool:
    bound = constraint.bound
    if math.isnan(bound):
        return False
    return {
        ">=": high >= bound,
        ">": high > bound,
        "<=": low <= bound,
        "<": low < bound,
    }[constraint.op]
