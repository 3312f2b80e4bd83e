"""One form field per descriptor parameter type (the setup form's widgets, :mod:`.setup_form`).

Each field gives its value as the kind's ``build`` takes it — the CLI's parsed value: text as
typed, numbers converted and range-checked, a list for a repeated or multi-valued parameter,
``None`` when not given (the kind's default applies) — and can be set back from such a value.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QListWidget, QListWidgetItem, QWidget

from ...core.analyses.kinds import Parameter

NUMERIC_ROLES = {"score", "cost", "latency", "confidence", "weight", "price", "return", "correct"}
"""Column roles that only a numeric (or boolean) column can play."""
_NUMERIC_TYPES = ("DOUBLE", "FLOAT", "REAL", "DECIMAL", "BIGINT", "INTEGER", "SMALLINT", "TINYINT",
                  "HUGEINT", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT", "BOOLEAN")  # fmt: skip


class FieldError(ValueError):
    """A field's value cannot be used; the message names the field and says what to give."""


class Field(ABC):
    """A parameter's widget with its value (one subclass per kind of widget)."""

    def __init__(self, parameter: Parameter, widget: QWidget) -> None:
        self.parameter = parameter
        self.widget = widget
        widget.setObjectName(f"field_{parameter.name}")
        if parameter.help:
            widget.setToolTip(parameter.help)

    @abstractmethod
    def value(self) -> Any:
        """The value for ``build`` (see the module docstring)."""

    @abstractmethod
    def set(self, value: Any) -> None:
        """Show ``value`` (a value :meth:`value` gave before)."""

    def _required(self, empty: bool) -> None:
        if empty and self.parameter.required:
            raise FieldError(f"Give {self.parameter.flag}: {self.parameter.help or 'it is required'}.")


class TextField(Field):
    """Text, objectives, or a number (converted and checked against the parameter's bounds)."""

    def __init__(self, parameter: Parameter) -> None:
        line = QLineEdit()
        if parameter.default is not None and not isinstance(parameter.default, tuple | list):
            line.setPlaceholderText(f"default {parameter.default}")
        elif parameter.metavar:
            line.setPlaceholderText(parameter.metavar)
        super().__init__(parameter, line)
        self.line = line

    def value(self) -> Any:
        text = self.line.text().strip()
        self._required(not text)
        if not text:
            return list(self.parameter.default or ()) if self.parameter.repeat else self.parameter.default
        if self.parameter.type in ("int", "float"):
            return self._number(text)
        return [text] if self.parameter.repeat else text

    def _number(self, text: str) -> float | int:
        p = self.parameter
        try:
            number: float | int = int(text) if p.type == "int" else float(text)
        except ValueError:
            raise FieldError(f"{p.flag} should be {'a whole number' if p.type == 'int' else 'a number'}, "
                             f"got {text!r}.") from None  # fmt: skip
        low_bad = p.low is not None and (number <= p.low if p.low_open else number < p.low)
        high_bad = p.high is not None and (number >= p.high if p.high_open else number > p.high)
        if low_bad or high_bad or (isinstance(number, float) and not math.isfinite(number)):
            raise FieldError(f"{p.flag} should lie from {p.low} to {p.high}, got {text}.")
        return number

    def set(self, value: Any) -> None:
        shown = ",".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        self.line.setText("" if value == self.parameter.default else shown)


class ChoiceField(Field):
    """A choice, a table, or one column (only the columns that fit its roles)."""

    def __init__(self, parameter: Parameter, options: list[str]) -> None:
        box = QComboBox()
        if not parameter.required:
            box.addItem("")
        box.addItems(options)
        if parameter.default is not None:
            box.setCurrentText(str(parameter.default))
        super().__init__(parameter, box)
        self.box = box

    def value(self) -> Any:
        text = self.box.currentText()
        self._required(not text)
        return text or None

    def set(self, value: Any) -> None:
        self.box.setCurrentText(str(value))


class ListField(Field):
    """Several columns or models, ticked in a list."""

    def __init__(self, parameter: Parameter, options: list[str]) -> None:
        listing = QListWidget()
        listing.setMaximumHeight(110)
        for option in options:
            item = QListWidgetItem(option)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            listing.addItem(item)
        super().__init__(parameter, listing)
        self.listing = listing

    def value(self) -> Any:
        ticked = [item.text() for item in self._items() if item.checkState() == Qt.CheckState.Checked]
        self._required(not ticked)
        return ticked or None

    def set(self, value: Any) -> None:
        chosen = set(value or ())
        for item in self._items():
            item.setCheckState(Qt.CheckState.Checked if item.text() in chosen else Qt.CheckState.Unchecked)

    def _items(self) -> list[QListWidgetItem]:
        return [self.listing.item(row) for row in range(self.listing.count())]


class BoolField(Field):
    """A flag."""

    def __init__(self, parameter: Parameter) -> None:
        box = QCheckBox()
        box.setChecked(bool(parameter.default))
        super().__init__(parameter, box)
        self.box = box

    def value(self) -> Any:
        return self.box.isChecked()

    def set(self, value: Any) -> None:
        self.box.setChecked(bool(value))


def fitting_columns(parameter: Parameter, columns: list[tuple[str, str]]) -> list[str]:
    """The columns a column parameter may name: numeric ones when its roles need numbers."""
    numeric = bool(parameter.roles) and all(role in NUMERIC_ROLES for role in parameter.roles)
    return [name for name, dtype in columns if not numeric or dtype.upper().startswith(_NUMERIC_TYPES)]


def make_field(
    parameter: Parameter, columns: list[tuple[str, str]], tables: list[str], models: list[str]
) -> Field:
    """The field for ``parameter`` given the chosen table's ``(name, type)`` columns."""
    options = {
        "column": fitting_columns(parameter, columns),
        "columns": fitting_columns(parameter, columns),
        "models": models,
        "table": tables,
        "choice": list(parameter.choices),
    }.get(parameter.type)
    if parameter.type in ("columns", "models"):
        return ListField(parameter, options or [])
    if options is not None:
        return ChoiceField(parameter, options)
    return BoolField(parameter) if parameter.type == "bool" else TextField(parameter)
