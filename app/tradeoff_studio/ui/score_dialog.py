"""Choose what to score: a model, a table and the execution provider."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QWidget


class ScoreDialog(QDialog):
    """A small form: model, table, provider."""

    def __init__(self, models: list[str], tables: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Score a table")
        self.model = QComboBox()
        self.model.addItems(models)
        self.table = QComboBox()
        self.table.addItems(tables)
        self.provider = QComboBox()
        self.provider.addItems(["auto", "cuda", "cpu"])
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(models and tables))
        layout = QFormLayout(self)
        layout.addRow("Model", self.model)
        layout.addRow("Table", self.table)
        layout.addRow("Provider", self.provider)
        layout.addRow(buttons)

    def choice(self) -> tuple[str, str, str]:
        """The chosen (model, table, provider)."""
        return self.model.currentText(), self.table.currentText(), self.provider.currentText()
