"""The editor's left side: the report's sections, editable fields first, then what was filled in.

Each editable field is a widget named after its path (:attr:`.fields.FieldSpec.name`). A change a
person makes is announced by ``edited(path, value)`` with the widget's value; :meth:`ReportForm.show_value`
puts a value into a widget without announcing it (undo, redo, loading).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.reports.model import Report
from .fields import FieldPath, FieldSpec, editable_sections, get_value, review_sections, shown

TEXT_HEIGHT = 78  # a multi-line field's height: about four lines


class ReportForm(QScrollArea):
    """The report's editable fields and, below them, its automatically filled sections (read-only)."""

    edited = Signal(object, object)  # path, the widget's value

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportForm")
        self.setWidgetResizable(True)
        self.widgets: dict[FieldPath, QWidget] = {}
        self.specs: dict[FieldPath, FieldSpec] = {}
        self.groups: dict[str, QGroupBox] = {}
        self.section_of: dict[QWidget, str] = {}  # each field widget's section title
        self._quiet = False
        self.setWidget(QWidget())

    def clear(self) -> None:
        """Show no report."""
        self.widgets.clear()
        self.specs.clear()
        self.groups.clear()
        self.section_of.clear()
        self.setWidget(QWidget())

    def show_report(self, report: Report) -> None:
        """Rebuild the form for ``report``: its editable sections, then its sections to review."""
        self.clear()
        body = QWidget()
        layout = QVBoxLayout(body)
        for title, specs in editable_sections(report):
            group = QGroupBox(title)
            form = QFormLayout(group)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            if any(spec.kind in ("text", "lines") for spec in specs):  # labels above: texts get the width
                form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
            for spec in specs:
                widget = self._field(spec, get_value(report, spec.path))
                self.section_of[widget] = title
                form.addRow(spec.label, widget)
            self.groups[title] = group
            layout.addWidget(group)
        review = QLabel("Filled from the analysis (rebuilt from the project; review only):")
        review.setObjectName("reviewHeading")
        layout.addWidget(review)
        for title, lines in review_sections(report):
            group = QGroupBox(title)
            group.setObjectName("reviewSection")
            box = QVBoxLayout(group)
            text = QLabel("\n".join(lines))
            text.setTextFormat(Qt.TextFormat.PlainText)  # candidate ids and column names come from data
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setEnabled(False)  # greyed: not editable here
            box.addWidget(text)
            self.groups[title] = group
            layout.addWidget(group)
        layout.addStretch(1)
        self.setWidget(body)

    def _field(self, spec: FieldSpec, value: Any) -> QWidget:
        widget = _make_widget(spec)
        widget.setObjectName(spec.name)
        if spec.hint:
            widget.setToolTip(spec.hint)
        self.widgets[spec.path] = widget
        self.specs[spec.path] = spec
        self.show_value(spec.path, value)
        _connect(widget, lambda: self._changed(spec.path))
        return widget

    def _changed(self, path: FieldPath) -> None:
        if not self._quiet:
            self.edited.emit(path, self.value(path))

    def value(self, path: FieldPath) -> Any:
        """What the widget at ``path`` holds."""
        widget = self.widgets[path]
        if isinstance(widget, QLineEdit):
            return widget.text()
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        if isinstance(widget, QComboBox):
            return widget.currentText()
        assert isinstance(widget, QSpinBox)
        return widget.value()

    def show_value(self, path: FieldPath, value: Any) -> None:
        """Show the model value ``value`` at ``path`` without emitting ``edited``."""
        widget, text = self.widgets.get(path), shown(value)
        if widget is None or self.value(path) == text:
            return
        self._quiet = True
        try:
            if isinstance(widget, QLineEdit):
                widget.setText(str(text))
                widget.setCursorPosition(0)  # show a long text from its start
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(str(text))
            elif isinstance(widget, QComboBox):
                widget.setCurrentText(str(text))
            elif isinstance(widget, QSpinBox):
                widget.setValue(int(text))
        finally:
            self._quiet = False


def _make_widget(spec: FieldSpec) -> QWidget:
    if spec.kind == "line":
        return QLineEdit()
    if spec.kind == "choice":
        combo = QComboBox()
        combo.addItems(list(spec.choices))
        return combo
    if spec.kind == "int":
        spin = QSpinBox()
        spin.setRange(1, 99)
        return spin
    edit = QPlainTextEdit()
    edit.setFixedHeight(TEXT_HEIGHT * (2 if spec.kind == "lines" else 1))
    edit.setTabChangesFocus(True)
    if spec.hint:
        edit.setPlaceholderText(spec.hint)
    return edit


def _connect(widget: QWidget, changed: Any) -> None:
    if isinstance(widget, (QLineEdit, QPlainTextEdit)):
        widget.textChanged.connect(changed)
    elif isinstance(widget, QComboBox):
        widget.currentTextChanged.connect(changed)
    elif isinstance(widget, QSpinBox):
        widget.valueChanged.connect(changed)
