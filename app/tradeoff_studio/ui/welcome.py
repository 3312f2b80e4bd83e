"""The welcome page: a demo analysis, a new or existing project, the recent projects."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QSize, Qt, Signal
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

from .icons import icon

# (button objectName, analysis in the demo project, title, icon, one line on what it shows)
DEMOS = (
    ("demoFairness", "credit-fairness", "Fairness", "analysis",
     "Credit approval: accuracy against demographic parity across three models."),
    ("demoRiskReturn", "multi-asset-frontier", "Risk–return", "front",
     "A multi-asset frontier: expected return against volatility, in and out of sample."),
    ("demoCostQuality", "llm-routing", "Cost–quality", "score",
     "LLM routing: accuracy against cost per item, with a human-expert fallback."),
)  # fmt: skip
MAX_WIDTH = 980  # the page's content stays readable on a wide window
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
        self._icons: list[tuple[QPushButton, str]] = []  # redrawn when the palette changes
        self.recent = QListWidget()
        self.recent.setObjectName("recentList")
        self.recent.itemActivated.connect(self._open_recent)
        self.recent.setMinimumHeight(120)
        self.recent.setMaximumHeight(240)
        body = QWidget()
        body.setMaximumWidth(MAX_WIDTH)
        outer = QHBoxLayout(self)
        outer.addWidget(body)
        layout = QVBoxLayout(body)
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
        layout.addWidget(self.recent)
        hint = QLabel("Drop data files (CSV, TSV, Parquet, JSON, XLSX), folders, ONNX models or a .tsproj "
                      "project anywhere on this window.")  # fmt: skip
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addStretch(1)

    def _demo_grid(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        for column, (object_name, analysis, title, icon_name, blurb) in enumerate(DEMOS):
            button = QPushButton(icon(icon_name), title)
            self._icons.append((button, icon_name))
            button.setIconSize(QSize(22, 22))
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
        self.new_button = QPushButton(icon("new"), "New project…")
        self._icons.append((self.new_button, "new"))
        self.new_button.setObjectName("welcomeNew")
        self.new_button.clicked.connect(self.new_requested.emit)
        self.open_button = QPushButton(icon("open"), "Open project…")
        self._icons.append((self.open_button, "open"))
        self.open_button.setObjectName("welcomeOpen")
        self.open_button.clicked.connect(self.open_requested.emit)
        row.addWidget(self.new_button)
        row.addWidget(self.open_button)
        row.addStretch(1)
        return row

    def changeEvent(self, event: QEvent) -> None:
        """Light/dark switch: the buttons' icons are redrawn in the new text colour."""
        if event.type() == QEvent.Type.PaletteChange:
            for button, name in self._icons:
                button.setIcon(icon(name))
            for row in range(self.recent.count()):
                item = self.recent.item(row)
                if item.data(PATH_ROLE):
                    item.setIcon(icon("recent"))
        super().changeEvent(event)

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
            item = QListWidgetItem(icon("recent"), label)
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
