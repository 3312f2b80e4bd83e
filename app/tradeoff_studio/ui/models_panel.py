"""The models panel: a model's inputs and outputs, their mapping to a table's columns, its manifest
and hashes; score a table with a provider; remove the model (objectName ``modelsPanel``)."""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core import workflows
from ..core.errors import StudioError
from ..core.inference.mapping import map_inputs
from ..core.inference.outputs import describe_spec
from ..core.preferences import PROVIDERS
from ..core.project import Project
from .icons import icon


class ModelsPanel(QWidget):
    """Shows one model of the open project at a time; asks the window to score or remove it."""

    score_requested = Signal(str, str, str)  # model, table, provider
    remove_requested = Signal(str)  # model

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelsPanel")
        self.project: Project | None = None
        self.model = QComboBox()
        self.model.setObjectName("modelChoice")
        self.table = QComboBox()
        self.table.setObjectName("tableChoice")
        self.provider = QComboBox()
        self.provider.setObjectName("providerChoice")
        self.provider.addItems(list(PROVIDERS))
        self.details = QLabel()
        self.details.setObjectName("modelDetails")
        self.details.setWordWrap(True)
        self.inputs = QTableWidget(0, 3)
        self.inputs.setObjectName("modelInputs")
        self.inputs.setHorizontalHeaderLabels(["Input", "Type", "Column(s)"])
        self.inputs.horizontalHeader().setStretchLastSection(True)
        self.inputs.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.mapping_note = QLabel()
        self.mapping_note.setWordWrap(True)
        self.outputs = QLabel()
        self.outputs.setWordWrap(True)
        self.score_button = QPushButton(icon("score"), "Score table")
        self.score_button.setObjectName("scoreButton")
        self.remove_button = QPushButton(icon("remove"), "Remove model…")
        self.remove_button.setObjectName("removeModelButton")
        self._lay_out()
        self.model.currentTextChanged.connect(self._show_model)
        self.table.currentTextChanged.connect(self._show_mapping)
        self.score_button.clicked.connect(self._score)
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self.model.currentText()))
        self.set_project(None)

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("Model", self.model)
        form.addRow("Table", self.table)
        form.addRow("Provider", self.provider)
        buttons = QHBoxLayout()
        buttons.addWidget(self.score_button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.details)
        layout.addWidget(QLabel("<b>Inputs and the columns that feed them</b>"))
        layout.addWidget(self.inputs, 1)
        layout.addWidget(self.mapping_note)
        layout.addWidget(self.outputs)
        layout.addLayout(buttons)

    def set_project(self, project: Project | None, provider: str = "auto") -> None:
        """Follow the open project (None: nothing to show)."""
        self.project = project
        current_model, current_table = self.model.currentText(), self.table.currentText()
        for combo in (self.model, self.table):
            combo.blockSignals(True)
            combo.clear()
        if project is not None:
            self.model.addItems([record.name for record in workflows.list_models(project)])
            self.table.addItems(project.tables())
            self.model.setCurrentText(current_model)
            self.table.setCurrentText(current_table)
        for combo in (self.model, self.table):
            combo.blockSignals(False)
        self.provider.setCurrentText(provider)
        self._show_model(self.model.currentText())

    def select_model(self, name: str) -> None:
        """Show model ``name``."""
        self.model.setCurrentText(name)

    def _show_model(self, name: str) -> None:
        has_model = self.project is not None and bool(name)
        self.remove_button.setEnabled(has_model)
        if not has_model:
            self.details.setText(
                "No model in this project. Add one with File ▸ Add Model… or drop an .onnx file."
            )
            self.outputs.clear()
            self.inputs.setRowCount(0)
            self.mapping_note.clear()
            self.score_button.setEnabled(False)
            return
        assert self.project is not None
        record = workflows.inspect_model(self.project, name)
        recorded, stored = workflows.model_digests(self.project, name)
        manifest = record.manifest
        integrity = "matches" if recorded == stored else "DOES NOT MATCH the stored bytes"
        producer = f"{manifest.producer_name or 'unknown'} {manifest.producer_version}".strip()
        self.details.setText(
            f"<b>{html.escape(name)}</b> · {record.size_bytes:,} bytes · "
            f"added {record.added_at:%Y-%m-%d %H:%M}<br>from {html.escape(record.source_path)}"
            f"<br>producer {html.escape(producer)} · IR {manifest.ir_version} · "
            f"opsets {html.escape(_opsets(manifest.opsets))} · {manifest.node_count} nodes"
            f"<br>SHA-256 {recorded} ({integrity})"
        )
        outputs = ", ".join(
            f"{html.escape(spec.name)}: {html.escape(describe_spec(spec))}" for spec in manifest.outputs
        )
        self.outputs.setText(f"<b>Outputs</b> {outputs}")
        self._show_mapping(self.table.currentText())

    def _show_mapping(self, table: str) -> None:
        """Each input, its type and the column(s) of ``table`` that feed it (or why none does)."""
        name = self.model.currentText()
        if self.project is None or not name:
            return
        manifest = workflows.inspect_model(self.project, name).manifest
        columns: dict[str, str] = {}
        note = "Choose a table to see which columns feed each input."
        if table:
            try:
                mapping = map_inputs(manifest, self.project.columns(table), model=name, table=table)
            except StudioError as error:
                note = str(error)
            else:
                columns = {binding.input_name: ", ".join(binding.columns) for binding in mapping.bindings}
                note = f"Every input of {name} is fed by a column of {table}."
        self.inputs.setRowCount(len(manifest.inputs))
        for row, spec in enumerate(manifest.inputs):
            cells = (spec.name, describe_spec(spec), columns.get(spec.name, "—"))
            for column, text in enumerate(cells):
                self.inputs.setItem(row, column, QTableWidgetItem(text))
        self.inputs.resizeColumnsToContents()
        self.mapping_note.setText(note)
        self.score_button.setEnabled(bool(table) and bool(columns))

    def _score(self) -> None:
        self.score_requested.emit(
            self.model.currentText(), self.table.currentText(), self.provider.currentText()
        )


def _opsets(opsets: dict[str, int]) -> str:
    return ", ".join(f"{domain or 'ai.onnx'} {version}" for domain, version in sorted(opsets.items()))
