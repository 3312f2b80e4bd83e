"""Reports ▸ New Report…: pick the decisions one report covers (objectName ``newReportDialog``)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.decisions.store import DecisionRecord


class DecisionPicker(QDialog):
    """The project's decisions with a check box each; current ones first and checked when ``checked``."""

    def __init__(
        self, decisions: list[DecisionRecord], checked: set[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("newReportDialog")
        self.setWindowTitle("New report")
        self.list = QListWidget()
        self.list.setObjectName("reportDecisionsList")
        ordered = sorted(decisions, key=lambda d: (d.status != "current", d.analysis, d.decided_at))
        for record in ordered:
            text = f"{record.analysis}: {record.candidate_id} — {record.status_text()} ({record.id})"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, record.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if record.id in checked else Qt.CheckState.Unchecked)
            item.setToolTip(record.rationale)
            self.list.addItem(item)
        standard = QDialogButtonBox.StandardButton
        buttons = QDialogButtonBox(standard.Ok | standard.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok = buttons.button(standard.Ok)
        self.ok.setText("Open in the editor")
        self.list.itemChanged.connect(lambda _item: self.ok.setEnabled(bool(self.selected())))
        self.ok.setEnabled(bool(self.selected()))
        layout = QVBoxLayout(self)
        prompt = QLabel("Decisions the report covers (e.g. the fairness choice and the cost choice):")
        prompt.setWordWrap(True)
        layout.addWidget(prompt)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(620, 360)

    def selected(self) -> list[str]:
        """The checked decisions' ids, in the list's order."""
        items = (self.list.item(row) for row in range(self.list.count()))
        checked = [item for item in items if item.checkState() == Qt.CheckState.Checked]
        return [str(item.data(Qt.ItemDataRole.UserRole)) for item in checked]
