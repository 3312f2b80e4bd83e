"""The recommendation re-evaluated live while a constraint is dragged (the workspace's hot path).

:func:`~.recommend.recommend` builds its problem from scratch: fine once, too slow at 100,000
candidates for every mouse move. :class:`LiveRecommender` does the work that does not depend on
the constraint bounds once per analysis and preferences — the larger-is-better objectives, the
scores on the fixed front scale, the candidates in score order, the value each constraint judges
each candidate on — and then answers a new set of bounds with one masked O(n) pass.

It gives the same candidate as ``recommend`` for the same preferences: the best score over the
feasible candidates equals the best over the feasible front (weights are ≥ 0, so a candidate that
dominates another never scores worse), and ties (within the same tolerance) go to the first
candidate in table order that is on the feasible front, as in ``recommend``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from ..analyses.candidates import CandidateTable
from .frontier import candidate_ids
from .preferences import Preferences
from .recommend import _TIE, _Problem  # the same scoring and eligibility, not a copy of them

_COMPARE = {">=": np.greater_equal, "<=": np.less_equal, ">": np.greater, "<": np.less}


@dataclass(frozen=True)
class LiveChoice:
    """The candidate the preferences choose under the current bounds (``None``: nothing feasible)."""

    row: int | None
    candidate_id: str | None
    n_feasible: int
    n_candidates: int

    def text(self) -> str:
        """One line for the workspace's toolbar."""
        if self.candidate_id is None:
            return f"No candidate meets every constraint (0 of {self.n_candidates:,})."
        return f"Recommended: {self.candidate_id} ({self.n_feasible:,} of {self.n_candidates:,} feasible)"


class LiveRecommender:
    """Sorted once per analysis and preferences; :meth:`choose` answers new bounds in O(n).

    Raises :class:`~.preferences.DecisionError` when the preferences do not fit the table.
    ``ids`` are the candidates' ids as text in row order, when the caller has them already.
    """

    def __init__(self, table: CandidateTable, prefs: Preferences, ids: list[str] | None = None) -> None:
        problem = _Problem.build(table, prefs)
        self.table = table
        self.prefs = prefs
        self._good = problem.good
        self._eligible = problem.eligible
        self._scores = problem.scores(np.arange(len(table.frame)))
        self._order = np.argsort(self._scores, kind="stable")
        self._sorted_scores = self._scores[self._order]
        self._values = [constraint.values(table) for constraint in prefs.constraints]
        self._ids = ids if ids is not None else candidate_ids(table)  # the caller may have them already

    def feasible(self, bounds: Sequence[float] | None = None) -> NDArray[np.bool_]:
        """Mask of the eligible candidates meeting the constraints, with ``bounds`` (one per constraint
        of the preferences, in order) in place of theirs when given."""
        constraints = self.prefs.constraints
        given = [c.bound for c in constraints] if bounds is None else list(bounds)
        if len(given) != len(constraints):
            raise ValueError(f"give {len(constraints)} bound(s), one per constraint, got {len(given)}")
        mask = self._eligible.copy()
        for constraint, values, bound in zip(constraints, self._values, given, strict=True):
            mask &= _COMPARE[constraint.op](values, bound)
        return mask

    def choose(self, bounds: Sequence[float] | None = None) -> LiveChoice:
        """The recommendation with ``bounds`` (see :meth:`feasible`): one masked pass over the
        candidates in score order, then the tie rule on the few best."""
        mask = self.feasible(bounds)
        n, count = len(mask), int(mask.sum())
        if count == 0:
            return LiveChoice(None, None, 0, n)
        best = self._sorted_scores[int(np.argmax(mask[self._order]))]
        tied = np.flatnonzero(mask & (self._scores <= best + _TIE))  # table order
        row = self._first_on_front(tied, mask)
        return LiveChoice(row, self._ids[row], count, n)

    def _first_on_front(self, tied: NDArray[np.intp], mask: NDArray[np.bool_]) -> int:
        """The first tied row that no feasible candidate dominates (one always exists)."""
        good = self._good[mask]
        for row in tied:
            point = self._good[row]
            if not ((good >= point).all(axis=1) & (good > point).any(axis=1)).any():
                return int(row)
        raise AssertionError("a best-scoring feasible candidate is always on the feasible front")

    def preferences_with(self, bounds: Sequence[float]) -> Preferences:
        """The preferences with their constraints moved to ``bounds`` (what ``decide`` is given)."""
        moved = tuple(replace(c, bound=float(b)) for c, b in zip(self.prefs.constraints, bounds, strict=True))
        return replace(self.prefs, constraints=moved)
