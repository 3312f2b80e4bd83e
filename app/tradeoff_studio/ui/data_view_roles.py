"""Role edits of the data view: the roles editor's picks go through ``core.workflows`` (validated,
audited), each change onto the view's undo stack; the editor and the column headers follow."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoStack

from ..core import workflows
from ..core.data.roles import ColumnRole
from ..core.errors import StudioError
from ..core.project import Project
from .data_model import DuckTableModel
from .roles_editor import RoleCommand, RolesEditor

Say = Callable[[str, bool], None]  # (message, is_error)


class RoleEditing:
    """Connects a :class:`RolesEditor` to the project, the undo stack and the model's headers."""

    def __init__(self, editor: RolesEditor, model: DuckTableModel, undo_stack: QUndoStack, say: Say) -> None:
        self.editor, self.model, self.undo_stack, self._say = editor, model, undo_stack, say
        self.project: Project | None = None
        self.table: str | None = None
        editor.role_edited.connect(self.on_role_edited)

    def show(self, project: Project, table: str, columns: list[tuple[str, str]]) -> None:
        """Edit the roles of ``table``'s ``columns``."""
        self.project, self.table = project, table
        self.editor.show_columns(columns, workflows.get_roles(project, table))
        self.show_in_headers()

    def clear(self) -> None:
        """No table shown: edits are ignored (the undo stack keeps its commands for the project)."""
        self.table = None

    def on_role_edited(self, column: str, role: str, value: str) -> None:
        """Set (or clear, ``role == ''``) a column's role; a refusal is shown and the editor reverts."""
        if self.project is None or self.table is None:
            return
        table = self.table
        try:
            if role:
                change = workflows.set_roles(
                    self.project, table, set_={column: (role, value or None)}, clear=[]
                )
            elif column in {item.column for item in workflows.get_roles(self.project, table)}:
                change = workflows.set_roles(self.project, table, set_={}, clear=[column])
            else:
                return
        except StudioError as error:
            self._say(str(error), True)
            self.refresh()
            return
        if change.changed:
            what = f"{column} → {role}" if role else f"{column}: no role"
            self.undo_stack.push(RoleCommand(self.apply, table, change.before, change.after, what))
            self._say(f"Role set: {what} (Ctrl+Z undoes it).", False)
        self.refresh()

    def apply(self, table: str, roles: list[ColumnRole]) -> None:
        """Undo/redo: make ``roles`` the table's roles again (audited), and show them."""
        if self.project is None:
            return
        try:
            workflows.replace_roles(self.project, table, roles)
        except StudioError as error:
            self._say(str(error), True)
        else:
            held = ", ".join(f"{item.column} → {item.role}" for item in roles) or "none"
            self._say(f"Roles of {table!r} now: {held}.", False)
        if table == self.table:
            self.refresh()

    def refresh(self) -> None:
        """The editor and the headers show the stored roles."""
        if self.project is not None and self.table is not None:
            self.editor.show_roles(workflows.get_roles(self.project, self.table))
            self.show_in_headers()

    def show_in_headers(self) -> None:
        """Each column's role in its header."""
        if self.project is not None and self.table is not None:
            held = workflows.get_roles(self.project, self.table)
            self.model.set_roles({item.column: item.role for item in held})
