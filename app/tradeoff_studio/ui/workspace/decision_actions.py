"""Locking, withdrawing and listing decisions: the part of :class:`.workspace.AnalysisWorkspace`
that writes to the project (a mixin, so the workspace module stays small)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from ...core import analysis_workflows as flows
from ...core import workflows
from ...core.decisions.preferences import Preferences
from ...core.decisions.store import DecisionRecord
from ...core.errors import StudioError
from .undo import LockCommand

if TYPE_CHECKING:
    from .workspace import AnalysisWorkspace

    _Base = AnalysisWorkspace
else:
    _Base = object


class DecisionActions(_Base):
    """Lock (undoable: undo withdraws), withdraw, and keep the decisions list current."""

    def lock(self, rationale: str, *, supersede: bool = True) -> DecisionRecord | None:
        """Record the selected candidate as the analysis's decision (an undoable step).

        The recommended candidate is decided by the preferences in force (as ``decide`` with
        constraints and weights); any other by its id with the constraints. Refusals are shown."""
        if self.data is None or self.project is None or self.selected is None:
            self.message.emit("Select a candidate to lock.")
            return None
        current = self.data.current_decision()
        supersedes = current.id if current is not None and supersede else None
        decide = self._decider(self.selected, rationale)
        try:
            record = decide(supersedes)
        except StudioError as error:
            self.message.emit(str(error))
            return None
        self.undo_stack.push(LockCommand(record, lambda: decide(None), self._withdraw_quietly))
        self._refresh_decisions()
        self.message.emit(f"Decision {record.id} recorded: {record.candidate_id}.")
        return record

    def _decider(self, row: int, rationale: str) -> Callable[[str | None], DecisionRecord]:
        assert self.data is not None and self.project is not None
        project, name, prefs = self.project, self.data.name, self.prefs
        by_preferences = self.choice is not None and self.choice.row == row
        chosen = None if by_preferences else self.data.ids[row]
        manual = Preferences(prefs.constraints, allow_protected=prefs.allow_protected)
        used = prefs if by_preferences else manual

        def decide(supersedes: str | None) -> DecisionRecord:
            record = flows.decide(project, name, rationale=rationale, preferences=used, candidate_id=chosen,
                                  supersedes=supersedes)  # fmt: skip
            self._refresh_decisions()
            return record

        return decide

    def _withdraw_quietly(self, decision_id: str, reason: str) -> DecisionRecord:
        assert self.project is not None
        record = workflows.withdraw_decision(self.project, decision_id, reason)
        self._refresh_decisions()
        return record

    def withdraw(self, decision_id: str, reason: str) -> None:
        """Withdraw a current decision of this analysis with ``reason`` (refusals are shown)."""
        try:
            self._withdraw_quietly(decision_id, reason)
        except StudioError as error:
            self.message.emit(str(error))
            return
        self.message.emit(f"Decision {decision_id} withdrawn.")

    def _refresh_decisions(self) -> None:
        if self.data is None or self.project is None:
            return
        self.data = replace(self.data, decisions=flows.list_decisions(self.project, self.data.name))
        self.decisions.show_decisions(self.data.decisions)
        self._refresh_inspector()
