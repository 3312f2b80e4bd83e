"""The roles editor (objectName ``rolesEditor``): one row per column with a role combo and, for a
label, its favourable value. It only reports what the user picked (``role_edited``); the data view
applies it through ``core.workflows`` and pushes a :class:`RoleCommand` on its undo stack.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QComboBox,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.data.roles import ROLES, ColumnRole

NO_ROLE = "—"


class RolesEditor(QWidget):
    """Roles of the shown table's columns; ``role_edited(column, role or '', value)``."""

    role_edited = Signal(str, str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rolesEditor")
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("rolesTable")
        self.table.setHorizontalHeaderLabels(["column", "role", "favourable value"])
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(2, 110)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.combos: dict[str, QComboBox] = {}
        self.values: dict[str, QLineEdit] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)

    def show_columns(self, columns: list[tuple[str, str]], roles: list[ColumnRole]) -> None:
        """One row per column, its role selected (rebuilt when the table changes)."""
        if [name for name, _dtype in columns] != list(self.combos):
            self._build(columns)
        self.show_roles(roles)

    def show_roles(self, roles: list[ColumnRole]) -> None:
        """Select each column's stored role (no signals: this is not a user edit)."""
        held = {item.column: item for item in roles}
        for column, combo in self.combos.items():
            item = held.get(column)
            combo.blockSignals(True)
            combo.setCurrentText(item.role if item else NO_ROLE)
            combo.blockSignals(False)
            value = self.values[column]
            value.blockSignals(True)
            value.setText(item.value or "" if item else "")
            label = item is not None and item.role == "label"
            value.setEnabled(label)
            value.setPlaceholderText("e.g. yes, 1" if label else "")
            value.blockSignals(False)

    def choose(self, column: str, role: str, value: str = "") -> None:
        """Pick ``role`` (``''`` for none) and ``value`` for ``column``, as a user would."""
        self.values[column].setText(value)
        combo = self.combos[column]
        if combo.currentText() == (role or NO_ROLE):
            self.role_edited.emit(column, role, value)
        else:
            combo.setCurrentText(role or NO_ROLE)

    def _build(self, columns: list[tuple[str, str]]) -> None:
        self.combos.clear()
        self.values.clear()
        self.table.setRowCount(len(columns))
        for row, (name, dtype) in enumerate(columns):
            cell = QTableWidgetItem(name)
            cell.setToolTip(f"{name}: {dtype}")
            self.table.setItem(row, 0, cell)
            combo = QComboBox()
            combo.setObjectName(f"role:{name}")
            combo.addItems([NO_ROLE, *ROLES])
            for index, spec in enumerate(ROLES.values(), start=1):
                combo.setItemData(index, spec.meaning, 3)  # ToolTipRole
            combo.currentTextChanged.connect(self._emitter(name))
            value = QLineEdit()
            value.setObjectName(f"roleValue:{name}")
            value.editingFinished.connect(self._value_emitter(name))
            self.table.setCellWidget(row, 1, combo)
            self.table.setCellWidget(row, 2, value)
            self.combos[name] = combo
            self.values[name] = value

    def _emitter(self, column: str) -> Callable[[str], None]:
        def emit(text: str) -> None:
            self.role_edited.emit(column, "" if text == NO_ROLE else text, self.values[column].text())

        return emit

    def _value_emitter(self, column: str) -> Callable[[], None]:
        def emit() -> None:
            if self.combos[column].currentText() == "label":
                self.role_edited.emit(column, "label", self.values[column].text())

        return emit


class RoleCommand(QUndoCommand):
    """One change of a table's roles: undo restores ``before``, redo ``after`` (both audited).

    The change was already made when the command is pushed, so the first ``redo`` does nothing.
    """

    def __init__(
        self, apply: Callable[[str, list[ColumnRole]], None], table: str, before: list[ColumnRole],
        after: list[ColumnRole], text: str,
    ) -> None:  # fmt: skip
        super().__init__(text)
        self._apply, self._table, self._before, self._after = apply, table, before, after
        self._done = True

    def redo(self) -> None:
        """Set the roles after the change (skipped on push: already set)."""
        if self._done:
            self._done = False
            return
        self._apply(self._table, self._after)

    def undo(self) -> None:
        """Set the roles before the change."""
        self._apply(self._table, self._before)
