"""The welcome page: a demo analysis, a new or existing project, the recent projects."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

# (button objectName, analysis in the demo project, title, one line on what it shows)
DEMOS = (
    ("demoFairness", "credit-fairness", "Fairness",
     "Credit approval: accuracy against demographic parity across three models."),
    ("demoRiskReturn", "multi-asset-frontier", "Risk–return",
     "A multi-asset frontier: expected return against volatility, in and out of sample."),
    ("demoCostQuality", "llm-routing", "Cost–quality",
     "LLM routing: accuracy against cost per item, with a human-expert fallback."),
)  # fmt: skip
PATH_ROLE = Qt.ItemDataRole.UserRole


class WelcomePage(QWidget):
    """What the window shows with no project open (objectName ``welcomePage``)."""

    demo_requested = Signal(str)
    new_requested = Signal()
    open_requested = Signal()
    recent_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        self.demo_buttons: dict[str, QPushButton] = {}
        self.recent = QListWidget()
        self.recent.setObjectName("recentList")
        self.recent.itemActivated.connect(self._open_recent)
        self.recent.setMinimumHeight(140)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 36, 48, 36)
        layout.setSpacing(14)
        layout.addWidget(_heading("Tradeoff Studio", 2.0))
        subtitle = QLabel(
            "Choose an operating point among competing objectives, and defend the choice in writing."
        )
        subtitle.setWordWrap(True)
        layout.addWidget(subtitle)
        layout.addSpacing(10)
        layout.addWidget(_heading("Open a demo analysis", 1.25))
        layout.addLayout(self._demo_grid())
        layout.addSpacing(10)
        layout.addWidget(_heading("Start", 1.25))
        layout.addLayout(self._start_row())
        layout.addSpacing(10)
        layout.addWidget(_heading("Recent projects", 1.25))
        layout.addWidget(self.recent, 1)
        hint = QLabel("Drop data files (CSV, TSV, Parquet, JSON, XLSX), folders, ONNX models or a .tsproj "
                      "project anywhere on this window.")  # fmt: skip
        hint.setWordWrap(True)
        hint.setEnabled(False)  # the palette's muted text colour, light or dark
        layout.addWidget(hint)

    def _demo_grid(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        for column, (object_name, analysis, title, blurb) in enumerate(DEMOS):
            button = QPushButton(title)
            button.setObjectName(object_name)
            button.setMinimumHeight(40)
            button.setToolTip(f"Open the demo project on the analysis {analysis!r}")
            button.clicked.connect(lambda _checked=False, name=analysis: self.demo_requested.emit(name))
            self.demo_buttons[analysis] = button
            text = QLabel(blurb)
            text.setWordWrap(True)
            text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            grid.addWidget(button, 0, column)
            grid.addWidget(text, 1, column)
            grid.setColumnStretch(column, 1)
        return grid

    def _start_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.new_button = QPushButton("New project…")
        self.new_button.setObjectName("welcomeNew")
        self.new_button.clicked.connect(self.new_requested.emit)
        self.open_button = QPushButton("Open project…")
        self.open_button.setObjectName("welcomeOpen")
        self.open_button.clicked.connect(self.open_requested.emit)
        row.addWidget(self.new_button)
        row.addWidget(self.open_button)
        row.addStretch(1)
        return row

    def set_recent(self, paths: list[str]) -> None:
        """List recent projects, newest first; a file that no longer exists is greyed with a note."""
        self.recent.clear()
        if not paths:
            placeholder = QListWidgetItem("No recent projects yet.")
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(placeholder)
        for text in paths:
            path = Path(text)
            missing = not path.is_file()
            label = f"{path.name}  —  {path.parent}" + ("  (missing: moved or deleted)" if missing else "")
            item = QListWidgetItem(label)
            item.setData(PATH_ROLE, text)
            item.setToolTip(text)
            if missing:
                item.setFlags(Qt.ItemFlag.NoItemFlags)  # shown disabled: greyed by the palette
            self.recent.addItem(item)

    def _open_recent(self, item: QListWidgetItem) -> None:
        path = item.data(PATH_ROLE)
        if path and item.flags() & Qt.ItemFlag.ItemIsEnabled:
            self.recent_requested.emit(str(path))


def _heading(text: str, scale: float) -> QLabel:
    """A bold label ``scale`` times the default font size (no hard-coded sizes or colours)."""
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    return label
