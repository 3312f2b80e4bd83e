"""Default weights that follow from the constraints (risk–return, issue #16 observation 7).

A floor on an objective to maximise (``return>=0.08``) or a cap on one to minimise
(``volatility<=0.10``) already says what is wanted of that objective: once it is met, more of it
is not the point. With no weights, reference point or method given, a risk–return decision then
weighs that objective 0, so the choice optimises the others within the constraint: a return
floor picks the minimum-risk portfolio that meets it, a volatility cap the highest-return one
under it (what ``--weights return=0`` or ``--weights volatility=0`` asked for by hand). The
weights used are stored with the decision and shown on its card. Other kinds keep equal weights.
"""

from __future__ import annotations

from dataclasses import replace

from ..analyses.candidates import CandidateTable
from .preferences import Constraint, Preferences

KINDS = ("risk-return",)


def default_preferences(
    table: CandidateTable, prefs: Preferences, candidate_id: str | None = None
) -> Preferences:
    """``prefs`` with the constrained objectives weighed 0, when nothing steers the choice otherwise."""
    steered = prefs.weights or prefs.reference or prefs.method != "tchebycheff" or candidate_id is not None
    if table.kind not in KINDS or steered or not prefs.constraints:
        return prefs
    direction = {objective.metric: objective.direction for objective in table.objectives}
    settled = {
        c.metric
        for c in prefs.constraints
        if isinstance(c, Constraint) and direction.get(c.metric) == ("max" if c.lower else "min")
    }
    if not settled or settled >= set(direction):  # every objective constrained: keep equal weights
        return prefs
    return replace(prefs, weights=dict.fromkeys(sorted(settled), 0.0))
