"""The workspace's editors: constraints, weights, and the analysis's decisions list.

They only gather input and emit signals; the workspace turns each edit into an undoable command.
"""

from __future__ import annotations

import math
from typing import TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QListWidget,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.decisions.preferences import Constraint
from ...core.decisions.store import DecisionRecord

OPERATORS = (">=", "<=")
W = TypeVar("W", bound=QWidget)


class ConstraintEditor(QWidget):
    """Add a constraint ``metric op bound``; list and remove them (objectName ``constraintEditor``).

    With a listed constraint selected, its bound follows the spin box: every step emits
    ``boundDragged`` (the recommendation follows live) and the end of the edit ``boundSet`` — the
    way to move a constraint whose metric is not on a plot axis."""

    addRequested = Signal(str, str, float)  # noqa: N815 (Qt naming)
    removeRequested = Signal(int)  # noqa: N815
    boundDragged = Signal(int, float)  # noqa: N815 index, bound
    boundSet = Signal(int, float)  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("constraintEditor")
        self.metric = _named(QComboBox(), "constraintMetric")
        self.op = _named(QComboBox(), "constraintOp")
        self.op.addItems(OPERATORS)
        self.bound = _named(QDoubleSpinBox(), "constraintBound")
        self.bound.setDecimals(4)
        self.bound.setRange(-1e6, 1e6)
        self.bound.setSingleStep(0.01)
        add = _named(QPushButton("Add constraint"), "addConstraintButton")
        add.clicked.connect(self._add)
        self.listing = _named(QListWidget(), "constraintsList")
        self.listing.setMaximumHeight(80)
        remove = _named(QPushButton("Remove"), "removeConstraintButton")
        remove.clicked.connect(self._remove)
        self.metric.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.metric.setMinimumContentsLength(10)
        row = QHBoxLayout()
        row.addWidget(self.metric, 1)
        row.addWidget(self.op)
        row.addWidget(self.bound)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        below = QHBoxLayout()
        below.addWidget(self.listing, 1)
        buttons = QVBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        below.addLayout(buttons)
        layout.addLayout(below)
        self.metric.currentTextChanged.connect(self._suggest)
        self.listing.currentRowChanged.connect(self._edit_listed)
        self.bound.valueChanged.connect(self._bound_moved)
        self.bound.editingFinished.connect(self._bound_set)
        self._medians: dict[str, float] = {}
        self._shown: tuple[Constraint, ...] = ()

    def set_metrics(self, metrics: list[str], medians: dict[str, float]) -> None:
        """The metrics a constraint may name (objectives first); ``medians`` suggest a bound."""
        self._medians = medians
        self.metric.blockSignals(True)
        self.metric.clear()
        self.metric.addItems(metrics)
        self.metric.blockSignals(False)
        self._suggest(self.metric.currentText())

    def show_constraints(self, constraints: tuple[Constraint, ...]) -> None:
        """List the constraints in force (keeping the selected row)."""
        row = self.listing.currentRow()
        self._shown = constraints
        self.listing.blockSignals(True)
        self.listing.clear()
        self.listing.addItems([str(constraint) for constraint in constraints])
        self.listing.setCurrentRow(row if row < len(constraints) else -1)
        self.listing.blockSignals(False)

    def _edit_listed(self, row: int) -> None:
        if not 0 <= row < len(self._shown):
            return
        constraint = self._shown[row]
        for widget, value in (
            (self.metric, constraint.metric),
            (self.op, ">=" if constraint.lower else "<="),
        ):
            widget.blockSignals(True)
            widget.setCurrentText(value)
            widget.blockSignals(False)
        self.bound.blockSignals(True)
        self.bound.setValue(constraint.bound)
        self.bound.blockSignals(False)

    def _editing(self) -> int | None:
        """The selected constraint's row, while the fields still name its metric."""
        row = self.listing.currentRow()
        if 0 <= row < len(self._shown) and self._shown[row].metric == self.metric.currentText():
            return row
        return None

    def _bound_moved(self, value: float) -> None:
        row = self._editing()
        if row is not None:
            self.boundDragged.emit(row, value)

    def _bound_set(self) -> None:
        row = self._editing()
        if row is not None:
            self.boundSet.emit(row, self.bound.value())

    def _suggest(self, metric: str) -> None:
        if metric in self._medians and math.isfinite(self._medians[metric]):
            self.bound.setValue(self._medians[metric])

    def _add(self) -> None:
        self.addRequested.emit(self.metric.currentText(), self.op.currentText(), self.bound.value())

    def _remove(self) -> None:
        row = self.listing.currentRow()
        if row >= 0:
            self.removeRequested.emit(row)


class WeightsEditor(QWidget):
    """One weight (0–10) per objective (objectName ``weightsEditor``); edits emit ``weightsEdited``."""

    weightsEdited = Signal(dict)  # noqa: N815 (Qt naming)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("weightsEditor")
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.spins: dict[str, QDoubleSpinBox] = {}

    def set_weights(self, objectives: list[str], weights: dict[str, float]) -> None:
        """Show one spin box per objective with its weight (missing = 1), without emitting."""
        if list(self.spins) != objectives:
            while self.form.rowCount():
                self.form.removeRow(0)
            self.spins = {}
            for name in objectives:
                spin = _named(QDoubleSpinBox(), f"weight_{name}")
                spin.setRange(0.0, 10.0)
                spin.setSingleStep(0.5)
                spin.editingFinished.connect(self._edited)
                self.form.addRow(f"weight of {name}", spin)
                self.spins[name] = spin
        for name, spin in self.spins.items():
            spin.blockSignals(True)
            spin.setValue(weights.get(name, 1.0))
            spin.blockSignals(False)

    def _edited(self) -> None:
        self.weightsEdited.emit({name: spin.value() for name, spin in self.spins.items()})


class DecisionsPanel(QWidget):
    """The analysis's decisions with their status; withdraw one (objectName ``decisionsPanel``)."""

    withdrawRequested = Signal(str, str)  # noqa: N815 decision id, reason
    candidateActivated = Signal(str)  # noqa: N815 a decision's candidate id (double-click)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("decisionsPanel")
        self.tree = _named(QTreeWidget(), "decisionsList")
        self.tree.setHeaderLabels(["decision", "candidate", "status", "by", "rationale"])
        self.tree.itemDoubleClicked.connect(lambda item, _c: self.candidateActivated.emit(item.text(1)))
        withdraw = _named(QPushButton("Withdraw…"), "withdrawButton")
        withdraw.clicked.connect(self._withdraw)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addWidget(withdraw, 0, Qt.AlignmentFlag.AlignRight)

    def show_decisions(self, decisions: list[DecisionRecord]) -> None:
        """Newest first."""
        self.tree.clear()
        for record in reversed(decisions):
            item = QTreeWidgetItem(
                [record.id, record.candidate_id, record.status_text(), record.author, record.rationale]
            )
            item.setToolTip(4, record.rationale)
            self.tree.addTopLevelItem(item)
        for column in range(4):
            self.tree.resizeColumnToContents(column)

    def _withdraw(self) -> None:
        item = self.tree.currentItem()
        if item is None:
            return
        question = f"Why is decision {item.text(0)} withdrawn?"
        reason, ok = QInputDialog.getText(self, "Withdraw decision", question)
        if ok and reason.strip():
            self.withdrawRequested.emit(item.text(0), reason)


def _named(widget: W, name: str) -> W:
    widget.setObjectName(name)
    return widget
