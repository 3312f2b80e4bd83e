"""Recommendation: the best feasible candidate under the preferences, and the constraints that bind.

Feasible candidates meet every constraint; the choice is made among the *feasible front* (the
non-dominated feasible candidates). Each objective is turned larger-is-better and normalised to
[0, 1] over the analysis's Pareto front (all candidates, so the scale does not move with the
constraints; ``u``: 0 = worst on the front, 1 = best), then scored, lower is better:

- ``weighted-sum``: ``-Σ wᵢ uᵢ`` (only reaches convex parts of the front);
- ``tchebycheff``: ``max wᵢ (1 - uᵢ) + ρ Σ wᵢ (1 - uᵢ)``, the weighted distance to the ideal point;
- ``reference``: the achievement scalarising function ``max wᵢ (rᵢ - uᵢ) + ρ Σ wᵢ (rᵢ - uᵢ)``
  with the reference point ``r`` normalised the same way (it may lie beyond [0, 1]);

with ``ρ = 1e-6``. Ties go to the first candidate in table order.

Some candidates are never recommended, whatever the preferences: a **degenerate** rule (a
``degenerate`` column, true when it selects nobody or everybody in some group) and, unless the
preferences allow it, a rule that **uses the protected attribute** (``uses_protected_attribute``:
different thresholds or coin flips per group are disparate treatment in most regulated uses).
``excluded`` counts them; the analyst cannot pick them by id either (without the allowance).

A constraint **binds** when relaxing it would give something better. For a recommendation: the
choice re-made without that constraint (all others kept) scores strictly better than the chosen
candidate; on the fixed scale that alternative necessarily violates the constraint. For a
candidate the analyst picked by id (no scalarising preference): some candidate that violates
only that constraint dominates the pick. Each binding constraint names that better candidate
and what it would change per objective (and in the constrained metric); for a recommendation
also the better candidate closest past the bound (the next one along the front), when it differs.
When nothing is feasible, every constraint reports how many candidates it rules out, most first.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..analyses.candidates import CandidateTable
from .frontier import candidate_ids, dominates, front_rows, goodness, row_of, signs
from .preferences import Constraint, DecisionError, Preferences
from .text_constraints import AnyConstraint

RHO = 1e-6
_TIE = 1e-12
MAX_FINALISTS = 10
"""The card lists at most this many best-scoring candidates of the feasible front."""
NORMALISATION = (
    "each objective made larger-is-better and scaled to [0, 1] over the analysis's Pareto front "
    "(0 = worst front value, 1 = best), then weighted; scores: lower is better"
)


@dataclass(frozen=True)
class Binding:
    """A constraint that binds at the chosen candidate."""

    constraint: str
    slack: float | None
    alternative: str
    changes: dict[str, float]
    nearest: str | None = None  # the better candidate just past the bound (the next one along the front)
    nearest_changes: dict[str, float] = field(default_factory=dict)

    def text(self) -> str:
        """One line: what relaxing the constraint would allow (and the first step past the bound)."""
        moves = ", ".join(f"{metric} {delta:+.4g}" for metric, delta in self.changes.items())
        slack = "" if self.slack is None else f" (slack {self.slack:.4g})"
        text = f"relaxing {self.constraint}{slack} would allow candidate {self.alternative}: {moves}"
        if self.nearest is None or self.nearest == self.alternative:
            return text
        steps = ", ".join(f"{metric} {delta:+.4g}" for metric, delta in self.nearest_changes.items())
        return f"{text}; the next candidate past the bound is {self.nearest}: {steps}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"constraint": self.constraint, "slack": self.slack, "alternative": self.alternative,
                "changes": self.changes, "next_alternative": self.nearest,
                "next_changes": self.nearest_changes, "text": self.text()}  # fmt: skip


@dataclass(frozen=True)
class Recommendation:
    """The chosen candidate (``None`` when nothing is feasible) and why."""

    candidate_id: str | None
    method: str
    n_candidates: int
    n_feasible: int
    front_size: int
    binding: list[Binding]
    ruled_out: dict[str, int]
    excluded: dict[str, int] = field(default_factory=dict)
    finalists: list[dict[str, Any]] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)

    @property
    def feasible(self) -> bool:
        """Whether some candidate meets every constraint."""
        return self.candidate_id is not None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "candidate_id": self.candidate_id,
            "method": self.method,
            "candidates": self.n_candidates,
            "feasible": self.n_feasible,
            "feasible_front": self.front_size,
            "binding": [binding.to_dict() for binding in self.binding],
            "ruled_out": self.ruled_out,
            "excluded": self.excluded,
            "excluded_text": excluded_text(self.excluded),
            "finalists": self.finalists,
            "weights": self.weights,
            "normalisation": NORMALISATION if self.finalists else None,
        }


@dataclass(frozen=True)
class _Problem:
    """A table with its preferences: larger-is-better objectives and one mask per constraint."""

    table: CandidateTable
    prefs: Preferences
    good: NDArray[np.float64]
    masks: list[NDArray[np.bool_]]
    low: NDArray[np.float64]
    span: NDArray[np.float64]
    eligible: NDArray[np.bool_]
    excluded: dict[str, int]

    @classmethod
    def build(cls, table: CandidateTable, prefs: Preferences) -> _Problem:
        prefs.check(table)
        good = goodness(table)
        front = good[front_rows(good, np.ones(len(good), dtype=bool))]
        low = front.min(axis=0)
        span = front.max(axis=0) - low
        masks = [c.satisfied(table) for c in prefs.constraints]
        eligible, excluded = eligibility(table, prefs.allow_protected)
        if prefs.only:
            other = ~table.frame["kind"].isin(prefs.only).to_numpy()
            eligible &= ~other
            excluded["other_kinds"] = int(other.sum())
        return cls(table, prefs, good, masks, low, np.where(span > 0, span, 1.0), eligible, excluded)

    def feasible(self, skip: int | None = None) -> NDArray[np.bool_]:
        """Eligible candidates meeting every constraint but the one at index ``skip``."""
        mask = self.eligible.copy()
        for index, satisfied in enumerate(self.masks):
            if index != skip:
                mask &= satisfied
        return mask

    def ruled_out(self) -> dict[str, int]:
        """How many candidates each constraint rules out, most first."""
        counts = {str(c): int((~m).sum()) for c, m in zip(self.prefs.constraints, self.masks, strict=True)}
        return dict(sorted(counts.items(), key=lambda item: -item[1]))

    def scores(self, rows: NDArray[np.intp]) -> NDArray[np.float64]:
        """Scores (lower is better) of ``rows``, on the scale of the whole front."""
        u = (self.good[rows] - self.low) / self.span
        objectives = [o.metric for o in self.table.objectives]
        weights = self.prefs.weight_vector_for(objectives)
        if self.prefs.method == "weighted-sum":
            return -(u @ weights)
        if self.prefs.method == "reference":
            reference = np.array([self.prefs.reference[name] for name in objectives]) * signs(self.table)
            gaps = weights * ((reference - self.low) / self.span - u)
        else:
            gaps = weights * (1.0 - u)
        return gaps.max(axis=1) + RHO * gaps.sum(axis=1)

    def choose(self, pool: NDArray[np.intp]) -> int:
        """The best row of ``pool``; ties go to the first in table order."""
        values = self.scores(pool)
        return int(pool[np.flatnonzero(values <= values.min() + _TIE)[0]])

    def binding(self, index: int, chosen: int, alternative: int) -> Binding:
        """Constraint ``index`` binds at ``chosen``: ``alternative`` shows what relaxing it gives."""
        constraint = self.prefs.constraints[index]
        objectives = [o.metric for o in self.table.objectives]
        if isinstance(constraint, Constraint):
            value = float(constraint.values(self.table)[chosen])
            slack: float | None = value - constraint.bound if constraint.lower else constraint.bound - value
            metrics = dict.fromkeys([*objectives, constraint.metric])
        else:  # a text constraint: it holds or not, and its column is not a number
            slack, metrics = None, dict.fromkeys(objectives)
        frame = self.table.frame
        changes = {m: float(frame[m].iloc[alternative] - frame[m].iloc[chosen]) for m in metrics}
        return Binding(str(constraint), slack, candidate_ids(self.table)[alternative], changes)


def _flag(table: CandidateTable, column: str) -> NDArray[np.bool_]:
    """A candidate flag column as booleans; a fairness analysis stored before the flags existed is refused,
    since without them a rule that reads the protected attribute or selects nobody could be chosen."""
    frame = table.frame
    if column in frame:
        return frame[column].fillna(False).to_numpy(dtype=bool)
    if table.kind == "fairness":
        raise DecisionError(
            f"This fairness analysis was stored by an earlier version and its candidates lack the "
            f"'{column}' flag, which keeps decisions off rules that read the protected attribute or "
            "select nobody. Run the analysis again (tradeoff-studio analyze PROJECT fairness …, same "
            "settings) and decide on the new one."
        )
    return np.zeros(len(frame), dtype=bool)


def eligibility(table: CandidateTable, allow_protected: bool) -> tuple[NDArray[np.bool_], dict[str, int]]:
    """Mask of the candidates that may be recommended, and how many each rule leaves out."""
    degenerate = _flag(table, "degenerate")
    protected = _flag(table, "uses_protected_attribute") & (not allow_protected)
    excluded = {"degenerate": int(degenerate.sum()), "uses_protected_attribute": int(protected.sum())}
    return ~(degenerate | protected), {key: count for key, count in excluded.items() if count}


def excluded_text(excluded: dict[str, int]) -> list[str]:
    """The exclusions in words, one line each."""
    lines = []
    if excluded.get("other_kinds"):
        lines.append(
            f"{excluded['other_kinds']} candidate(s) of kinds --only leaves out were not considered."
        )
    if excluded.get("uses_protected_attribute"):
        lines.append(
            f"{excluded['uses_protected_attribute']} candidate(s) use the protected attribute at decision "
            "time (different thresholds or coin flips per group) and were not considered; give "
            "--allow-protected-attribute to consider them."
        )
    if excluded.get("degenerate"):
        lines.append(
            f"{excluded['degenerate']} degenerate candidate(s) select nobody or everybody in some group "
            "(their ratios are undefined) and are never recommended."
        )
    return lines


def recommend(table: CandidateTable, prefs: Preferences) -> Recommendation:
    """Choose a candidate from the feasible front under ``prefs`` (see the module docstring).

    Returns a recommendation with ``candidate_id=None`` when no candidate meets every constraint;
    ``ruled_out`` then says which constraint rules out the most. Raises ``DecisionError`` for
    preferences that do not fit the table.
    """
    problem = _Problem.build(table, prefs)
    feasible = problem.feasible()
    n = len(table.frame)
    if not feasible.any():
        return Recommendation(None, prefs.method, n, 0, 0, [], problem.ruled_out(), problem.excluded)
    pool = front_rows(problem.good, feasible)
    chosen = problem.choose(pool)
    binding = [b for k in range(len(problem.masks)) if (b := _binding_by_score(problem, k, chosen))]
    ids = candidate_ids(table)
    objectives = [o.metric for o in table.objectives]
    weights = dict(zip(objectives, prefs.weight_vector_for(objectives).tolist(), strict=True))
    return Recommendation(
        ids[chosen], prefs.method, n, int(feasible.sum()), pool.size, binding, problem.ruled_out(),
        problem.excluded, _finalists(problem, pool, chosen, ids), weights,
    )  # fmt: skip


def _finalists(
    problem: _Problem, pool: NDArray[np.intp], chosen: int, ids: list[str]
) -> list[dict[str, Any]]:
    """The best-scoring candidates of the feasible front (the chosen one first), with their scores."""
    scores = problem.scores(pool)
    order = sorted(range(pool.size), key=lambda i: (pool[i] != chosen, scores[i], pool[i]))[:MAX_FINALISTS]
    return [{"candidate": ids[pool[i]], "score": float(scores[i]), "chosen": bool(pool[i] == chosen)}
            for i in order]  # fmt: skip


def assess(
    table: CandidateTable,
    candidate_id: str,
    constraints: tuple[AnyConstraint, ...],
    allow_protected: bool = False,
) -> Recommendation:
    """Check a candidate the analyst picked against ``constraints`` and find those that bind.

    Raises ``DecisionError`` when the candidate does not exist, violates a constraint, is
    degenerate, or uses the protected attribute without ``allow_protected``.
    """
    problem = _Problem.build(table, Preferences(constraints=constraints, allow_protected=allow_protected))
    row = row_of(table, candidate_id)
    _check_pick(table, candidate_id, row, allow_protected)
    violated = [str(c) for c, mask in zip(constraints, problem.masks, strict=True) if not mask[row]]
    if violated:
        raise DecisionError(
            f"Candidate {candidate_id} does not meet {', '.join(violated)}. Choose another candidate, "
            "or drop the constraint if it no longer applies."
        )
    feasible = problem.feasible()
    binding = [b for k in range(len(problem.masks)) if (b := _binding_by_dominance(problem, k, row))]
    front = front_rows(problem.good, feasible)
    n = len(table.frame)
    return Recommendation(
        str(candidate_id), "manual", n, int(feasible.sum()), front.size, binding, problem.ruled_out(),
        problem.excluded,
    )  # fmt: skip


def _check_pick(table: CandidateTable, candidate_id: str, row: int, allow_protected: bool) -> None:
    if _flag(table, "degenerate")[row]:
        raise DecisionError(
            f"Candidate {candidate_id} selects nobody or everybody in some group: its fairness ratios are "
            "undefined and it cannot be defended as a rule. Choose another candidate."
        )
    if _flag(table, "uses_protected_attribute")[row] and not allow_protected:
        raise DecisionError(
            f"Candidate {candidate_id} uses the protected attribute at decision time (different thresholds "
            "or coin flips per group), which is disparate treatment in most regulated uses. Choose a rule "
            "that does not, or give --allow-protected-attribute if its use is lawful here."
        )


def _binding_by_score(problem: _Problem, index: int, chosen: int) -> Binding | None:
    """Binding iff the choice re-made without constraint ``index`` scores strictly better."""
    relaxed = problem.feasible(skip=index)
    if not (relaxed & ~problem.masks[index]).any():
        return None
    pool = front_rows(problem.good, relaxed)
    alternative = problem.choose(pool)
    alt_score, chosen_score = problem.scores(np.array([alternative, chosen]))
    if alt_score >= chosen_score - _TIE:
        return None
    found = problem.binding(index, chosen, alternative)
    nearest = _nearest_past(problem, index, pool, chosen_score)
    if nearest is None:
        return found
    step = problem.binding(index, chosen, nearest)
    return replace(found, nearest=step.alternative, nearest_changes=step.changes)


def _nearest_past(problem: _Problem, index: int, pool: NDArray[np.intp], score: float) -> int | None:
    """Of the ``pool`` rows past constraint ``index``'s bound that score better, the closest to the bound."""
    constraint = problem.prefs.constraints[index]
    if not isinstance(constraint, Constraint):  # a text constraint has no bound to be near
        return None
    past = pool[~problem.masks[index][pool]]
    better = past[problem.scores(past) < score - _TIE] if past.size else past
    if not better.size:
        return None
    distance = np.abs(constraint.values(problem.table)[better] - constraint.bound)
    return int(better[np.argmin(distance)])


def _binding_by_dominance(problem: _Problem, index: int, chosen: int) -> Binding | None:
    """Binding iff a candidate violating only constraint ``index`` dominates ``chosen``."""
    only = problem.feasible(skip=index) & ~problem.masks[index]
    better = np.flatnonzero(only & dominates(problem.good, chosen))
    return problem.binding(index, chosen, int(better[0])) if better.size else None
