"""The workspace's undoable steps (a ``QUndoStack`` of these is ``AnalysisWorkspace.undo_stack``).

Selection, pinning and preference changes (constraints added, removed or dragged; weights) swap
a before and an after state. Locking a decision is recorded in the project, which keeps every
decision for the audit trail, so undoing a lock *withdraws* it (with a reason saying so) and redoing
records the same choice again as a new decision. A navigation step is stored on the exploration
trail: undo takes it back off the trail (the audit log keeps both), redo takes it again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QUndoCommand

from ...core.decisions.preferences import Preferences
from ...core.decisions.store import DecisionRecord

if TYPE_CHECKING:
    from collections.abc import Callable

UNDO_REASON = "Undone in the decision workspace (Edit ▸ Undo)."


class Workspace(Protocol):
    """What the commands need of the workspace: state setters that do not push commands."""

    def apply_selection(self, row: int | None) -> None: ...
    def apply_pinned(self, row: int | None) -> None: ...
    def apply_preferences(self, prefs: Preferences) -> None: ...


class SelectCommand(QUndoCommand):
    """Select another candidate."""

    def __init__(self, workspace: Workspace, before: int | None, after: int | None, text: str) -> None:
        super().__init__(text)
        self._workspace, self._before, self._after = workspace, before, after

    def redo(self) -> None:
        """Select the new candidate."""
        self._workspace.apply_selection(self._after)

    def undo(self) -> None:
        """Select the previous one."""
        self._workspace.apply_selection(self._before)


class PinCommand(QUndoCommand):
    """Pin a candidate for comparison (or unpin)."""

    def __init__(self, workspace: Workspace, before: int | None, after: int | None, text: str) -> None:
        super().__init__(text)
        self._workspace, self._before, self._after = workspace, before, after

    def redo(self) -> None:
        """Pin the new candidate."""
        self._workspace.apply_pinned(self._after)

    def undo(self) -> None:
        """Pin the previous one."""
        self._workspace.apply_pinned(self._before)


class PreferencesCommand(QUndoCommand):
    """Change constraints or weights (one drag, one edit)."""

    def __init__(self, workspace: Workspace, before: Preferences, after: Preferences, text: str) -> None:
        super().__init__(text)
        self._workspace, self._before, self._after = workspace, before, after

    def redo(self) -> None:
        """Apply the new preferences."""
        self._workspace.apply_preferences(self._after)

    def undo(self) -> None:
        """Restore the previous preferences."""
        self._workspace.apply_preferences(self._before)


class LockCommand(QUndoCommand):
    """A decision locked in the workspace. It is recorded before the command is pushed (a refused
    lock pushes nothing), so the first :meth:`redo` does nothing."""

    def __init__(
        self,
        record: DecisionRecord,
        lock: Callable[[], DecisionRecord],
        withdraw: Callable[[str, str], DecisionRecord],
    ) -> None:
        super().__init__(f"Lock {record.candidate_id} as decision")
        self.record = record
        self._lock, self._withdraw = lock, withdraw
        self._first = True

    def redo(self) -> None:
        """Record the decision again (not on push: it is already recorded)."""
        if self._first:
            self._first = False
            return
        self.record = self._lock()

    def undo(self) -> None:
        """Withdraw the decision, saying it was undone."""
        self._withdraw(self.record.id, UNDO_REASON)


class NavigateCommand(QUndoCommand):
    """A navigation step added to the exploration trail. Like a lock it is stored before the command
    is pushed, so the first :meth:`redo` only shows it; undo takes the step back off the trail
    (:func:`~tradeoff_studio.core.decisions.explorations.remove_last_step`), redo takes it again."""

    def __init__(self, text: str, take: Callable[[], None], take_back: Callable[[], None]) -> None:
        super().__init__(text)
        self._take, self._take_back = take, take_back
        self._first = True

    def redo(self) -> None:
        """Take the step again (not on push: it is already on the trail)."""
        if self._first:
            self._first = False
            return
        self._take()

    def undo(self) -> None:
        """Take the step back off the trail."""
        self._take_back()
