"""The workspace's preference edits: constraints and weights as undoable steps, and dragging a
bound with the recommendation re-evaluated live (a mixin of :class:`.workspace.AnalysisWorkspace`)."""

from __future__ import annotations

from dataclasses import replace

from ...core.decisions.live import LiveChoice, LiveRecommender
from ...core.decisions.preferences import Constraint, Preferences
from ...core.errors import StudioError
from .undo import PreferencesCommand


class PreferenceEdits:
    """Constraint and weight edits of :class:`.workspace.AnalysisWorkspace`."""

    def add_constraint(self, metric: str, op: str, bound: float) -> None:
        """Add ``metric op bound`` (an undoable step)."""
        constraint = Constraint.parse(f"{metric}{op}{bound!r}")
        after = replace(self.prefs, constraints=(*self.prefs.constraints, constraint))
        self._push_preferences(after, f"Add constraint {constraint}")

    def remove_constraint(self, index: int) -> None:
        """Remove the constraint at ``index`` (an undoable step)."""
        kept = tuple(c for i, c in enumerate(self.prefs.constraints) if i != index)
        removed = self.prefs.constraints[index]
        self._push_preferences(replace(self.prefs, constraints=kept), f"Remove constraint {removed}")

    def set_constraint_bound(self, index: int, bound: float) -> None:
        """Move constraint ``index`` to ``bound`` (an undoable step; what a finished drag does)."""
        moved = list(self.prefs.constraints)
        moved[index] = replace(moved[index], bound=float(bound))
        self._push_preferences(replace(self.prefs, constraints=tuple(moved)), f"Move {moved[index]}")

    def set_weights(self, weights: dict[str, float]) -> None:
        """Use these weights (an undoable step)."""
        if weights != {name: self.prefs.weights.get(name, 1.0) for name in weights}:
            self._push_preferences(replace(self.prefs, weights=dict(weights)), "Change weights")

    def drag_constraint(self, metric: str, bound: float) -> None:
        """While a constraint line moves: the recommendation under the new bound, at once."""
        index = self._constraint_index(metric)
        if index is not None:
            self.drag_bound(index, bound)

    def finish_constraint(self, metric: str, bound: float) -> None:
        """At release: the moved bound becomes one undoable step."""
        index = self._constraint_index(metric)
        if index is not None:
            self.finish_bound(index, bound)

    def drag_bound(self, index: int, bound: float) -> None:
        """Constraint ``index`` moving (its line, or its bound in the editor): live recommendation."""
        if self.live is None or not 0 <= index < len(self.prefs.constraints):
            return
        if self._drag_before is None:
            self._drag_before = self.prefs
            self._drag_bounds = [c.bound for c in self.prefs.constraints]
        self._drag_bounds[index] = float(bound)
        self._show_choice(self.live.choose(self._drag_bounds))

    def finish_bound(self, index: int, bound: float) -> None:
        """Constraint ``index`` moved to ``bound``: one undoable step (nothing when it did not move)."""
        self._drag_before = None
        if 0 <= index < len(self.prefs.constraints) and self.prefs.constraints[index].bound != bound:
            self.set_constraint_bound(index, bound)
        elif self.live is not None:
            self._show_choice(self.live.choose([c.bound for c in self.prefs.constraints]))

    def _constraint_index(self, metric: str) -> int | None:
        found = [i for i, c in enumerate(self.prefs.constraints) if c.metric == metric]
        return found[0] if found else None

    def _push_preferences(self, after: Preferences, text: str) -> None:
        if self.data is None:
            return
        try:
            LiveRecommender(
                self.data.table, after, self.data.ids
            )  # refuse preferences that do not fit, push nothing
        except StudioError as error:
            self.message.emit(str(error))
            return
        self.undo_stack.push(PreferencesCommand(self, self.prefs, after, text))

    def apply_preferences(self, prefs: Preferences) -> None:
        """Use ``prefs`` everywhere (no undo step): the live recommender, markers, editors."""
        if self.data is None:
            return
        live = self.live
        if live is None or live.table is not self.data.table or not _same_shape(live.prefs, prefs):
            self.live = LiveRecommender(self.data.table, prefs, self.data.ids)
        self.prefs = prefs
        self.constraints.show_constraints(prefs.constraints)
        self.weights.set_weights([o.metric for o in self.data.table.objectives], prefs.weights)
        lines = [(c.metric, ">=" if c.lower else "<=", c.bound) for c in prefs.constraints]
        self.front.set_constraints(lines)
        self._show_choice(self.live.choose([c.bound for c in prefs.constraints]))
        self._refresh_inspector()

    def _show_choice(self, choice: LiveChoice) -> None:
        self.choice = choice
        self.recommendation.setText(choice.text())
        self.front.set_markers(self.data.knee if self.data else None, choice.row)
        self.recommendationChanged.emit(choice)


def _same_shape(old: Preferences, new: Preferences) -> bool:
    """Whether only constraint bounds differ (the live recommender then still applies)."""
    strip = [replace(c, bound=0.0) for c in old.constraints], [replace(c, bound=0.0) for c in new.constraints]
    return strip[0] == strip[1] and replace(old, constraints=()) == replace(new, constraints=())
