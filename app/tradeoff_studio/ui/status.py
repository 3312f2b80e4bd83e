"""The status bar: messages, the active table's rows, the encryption state, the scoring provider."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from ..core.project import Project
from ..core.workflows import ProjectInfo


class StatusBar(QStatusBar):
    """Fields on the right; objectNames ``rowsStatus``, ``encryptionStatus``, ``providerStatus``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel("No project open. File ▸ Open (Ctrl+O), or drop files here.")
        self.rows = _field("rowsStatus", "The rows of the table shown")
        self.encryption = _field("encryptionStatus", "Whether the project file is encrypted")
        self.provider = _field("providerStatus", "The onnxruntime execution provider used for scoring")
        self.addWidget(self.summary, 1)
        for label in (self.rows, self.encryption, self.provider):
            self.addPermanentWidget(label)
        self.show_provider("auto", used=False)

    def show_project(self, project: Project | None, info: ProjectInfo | None) -> None:
        """The project's summary and encryption state (or that none is open)."""
        self.rows.clear()
        self.rows.setVisible(False)
        if project is None or info is None:
            self.summary.setText("No project open. File ▸ Open (Ctrl+O), or drop files here.")
            self.encryption.setVisible(False)
            return
        tables, models = len(info.tables), len(info.models)
        self.summary.setText(f"{info.path} · {_count(tables, 'table')} · {_count(models, 'model')}")
        self.encryption.setVisible(True)
        self.encryption.setText("Encrypted" if project.encrypted else "Not encrypted")

    def show_rows(self, table: str, rows: int) -> None:
        """The active table and its row count."""
        self.rows.setText(f"{table}: {_count(rows, 'row')}")
        self.rows.setVisible(True)

    def show_provider(self, provider: str, *, used: bool) -> None:
        """The provider of the last scoring run (``used``), or the one chosen in the preferences."""
        self.provider.setText(f"Provider: {provider}" if used else f"Provider: {provider} (preference)")


def _field(name: str, tip: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setToolTip(tip)
    return label


def _count(number: int, noun: str) -> str:
    """``1 table``, ``3 tables``, ``12,000 rows``."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
