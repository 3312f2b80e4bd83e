"""The analysis setup form (objectName ``analysisSetup``), generated from the kinds' descriptors.

One field per :class:`~tradeoff_studio.core.analyses.kinds.Parameter` of the chosen kind: column
parameters offer only the chosen table's columns that fit (numeric ones for numeric roles), number
fields check their bounds, choices are combo boxes. The kind's own ``build`` validates the values
before anything runs (its message is shown in the form), and the last settings per kind and table
are remembered for the session.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...core.analyses.kinds import COMMON_PARAMETERS, AnalysisKind, Parameter, all_kinds, kind
from ...core.errors import StudioError
from .setup_fields import Field, FieldError, make_field

_REMEMBERED: dict[tuple[str, str], dict[str, Any]] = {}
"""The values last run per (kind, table), for this session."""


class AnalysisSetup(QDialog):
    """Choose a kind and a table, fill in the kind's parameters; :meth:`spec` is the checked spec."""

    def __init__(
        self,
        tables: Mapping[str, list[tuple[str, str]]],
        models: list[str],
        parent: QWidget | None = None,
        *,
        initial_kind: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("analysisSetup")
        self.setWindowTitle("New analysis")
        self.tables, self.models = dict(tables), list(models)
        self.kind_box = QComboBox()
        self.kind_box.setObjectName("kindCombo")
        for described in all_kinds():
            self.kind_box.addItem(described.title, described.name)
        self.table_box = QComboBox()
        self.table_box.setObjectName("tableCombo")
        self.table_box.addItems(list(self.tables))
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form_host)
        self.error = QLabel("")
        self.error.setObjectName("setupError")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Run")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        top = QFormLayout()
        top.addRow("Kind", self.kind_box)
        top.addRow("Table", self.table_box)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(self._buttons())
        self.fields: dict[str, Field] = {}
        self.result_spec: Any = None
        if initial_kind is not None:
            self.kind_box.setCurrentIndex(max(self.kind_box.findData(initial_kind), 0))
        self.kind_box.currentIndexChanged.connect(self._rebuild)
        self.table_box.currentTextChanged.connect(self._rebuild)
        self.resize(560, 620)
        self._rebuild()

    def _buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Run")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        return buttons

    @property
    def kind(self) -> AnalysisKind:
        """The chosen kind's descriptor."""
        return kind(str(self.kind_box.currentData()))

    def _rebuild(self) -> None:
        """One field per parameter of the chosen kind (table chosen above), last values restored."""
        while self.form.rowCount():
            self.form.removeRow(0)
        table = self.table_box.currentText()
        columns = self.tables.get(table, [])
        parameters = [p for p in (*COMMON_PARAMETERS, *self.kind.parameters) if p.name != "table"]
        self.fields = {}
        for parameter in parameters:
            field = make_field(parameter, columns, list(self.tables), self.models)
            self.fields[parameter.name] = field
            self.form.addRow(_label(parameter), field.widget)
        for name, value in _REMEMBERED.get((self.kind.name, table), {}).items():
            if name in self.fields and value is not None:
                self.fields[name].set(value)
        self.error.setText("")

    def values(self) -> dict[str, Any]:
        """The parameter values as the kind's ``build`` takes them (``None`` when not given);
        :class:`FieldError` names a field that is required and empty, or not a number in range."""
        values: dict[str, Any] = {"table": self.table_box.currentText()}
        for name, field in self.fields.items():
            values[name] = field.value()
        return values

    def check(self) -> Any:
        """The spec the values make, or ``None`` with the reason shown in the form."""
        try:
            values = self.values()
            spec = self.kind.build(values)
        except (StudioError, FieldError, ValueError) as error:
            self.error.setText(str(error))
            return None
        _REMEMBERED[(self.kind.name, values["table"])] = values
        self.error.setText("")
        return spec

    def name_and_where(self) -> tuple[str | None, str | None]:
        """The analysis name and row filter the form gives (None when empty)."""
        values = {name: self.fields[name].value() for name in ("name", "where") if name in self.fields}
        return values.get("name"), values.get("where")

    def _accept(self) -> None:
        spec = self.check()
        if spec is not None:
            self.result_spec = spec
            self.accept()


def _label(parameter: Parameter) -> str:
    text = parameter.flag.lstrip("-").replace("-", " ")
    return f"{text} *" if parameter.required else text
