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
from ...core.project import Project
from .undo import LockCommand

if TYPE_CHECKING:
    from .workspace import AnalysisWorkspace

    _Base = AnalysisWorkspace
else:
    _Base = object


class DecisionActions(_Base):
    """Lock (undoable: undo withdraws), withdraw, and keep the decisions list current."""

    def lock(self, rationale: str, *, supersede: bool = True) -> None:
        """Record the selected candidate as the analysis's decision, on a worker thread (the
        evidence, e.g. a fairness rule's group counts, takes a moment); ``decisionLocked`` says when
        it is recorded, and it is then one undoable step. The recommended candidate is decided by
        the preferences in force (as ``decide`` with constraints and weights), any other by its id
        with the constraints. Refusals are shown."""
        if self.data is None or self.project is None or self.selected is None:
            self.message.emit("Select a candidate to lock.")
            return
        if not rationale.strip():
            self.message.emit("Give a rationale: say in a sentence why this candidate.")
            return
        if self.loader.busy("lock"):
            self.message.emit("A decision is being recorded; wait a moment.")
            return
        current = self.data.current_decision()
        supersedes = current.id if current is not None and supersede else None
        decide = self._decider(self.selected, rationale)
        self._pending_decide = decide
        self.inspector.lock_button.setEnabled(False)
        self.message.emit("Recording the decision…")
        self.loader.submit("lock", self.project, lambda view, _cancel: decide(view, supersedes))

    def locked(self, record: DecisionRecord) -> None:
        """The decision is recorded (the worker's result): one undoable step; undo withdraws it."""
        decide = self._pending_decide
        assert decide is not None, "a lock result without a pending lock"
        if self.data is None or record.analysis != self.data.name:  # another analysis is shown by now
            self.message.emit(f"Decision {record.id} recorded on {record.analysis}: {record.candidate_id}.")
            return

        def again() -> DecisionRecord:
            assert self.project is not None
            redone = decide(self.project, None)  # the one it superseded stays superseded
            self._refresh_decisions()
            return redone

        self.undo_stack.push(LockCommand(record, again, self._withdraw_quietly))
        self._refresh_decisions()
        self.message.emit(f"Decision {record.id} recorded: {record.candidate_id}.")
        self.decisionLocked.emit(record)

    def _decider(self, row: int, rationale: str) -> Callable[[Project, str | None], DecisionRecord]:
        assert self.data is not None
        name, prefs = self.data.name, self.prefs
        by_preferences = self.choice is not None and self.choice.row == row
        chosen = None if by_preferences else self.data.ids[row]
        manual = Preferences(prefs.constraints, allow_protected=prefs.allow_protected)
        used = prefs if by_preferences else manual

        def decide(project: Project, supersedes: str | None) -> DecisionRecord:
            return flows.decide(project, name, rationale=rationale, preferences=used, candidate_id=chosen,
                                supersedes=supersedes)  # fmt: skip

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
