"""Edit ▸ Preferences: execution provider, theme, jobs at once (saved by the window, versioned in core)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QSpinBox, QWidget

from ..core.preferences import PROVIDERS, THEMES, Preferences

_SCHEMES = {"system": Qt.ColorScheme.Unknown, "light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}


class PreferencesDialog(QDialog):
    """A form over :class:`Preferences` (objectName ``preferencesDialog``)."""

    def __init__(self, preferences: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Preferences")
        self.original = preferences
        self.provider = QComboBox()
        self.provider.addItems(list(PROVIDERS))
        self.provider.setCurrentText(preferences.provider)
        self.provider.setToolTip("auto: the GPU when onnxruntime can use one here, else the CPU")
        self.theme = QComboBox()
        self.theme.addItems(list(THEMES))
        self.theme.setCurrentText(preferences.theme)
        self.theme.setToolTip("system: light or dark as the desktop is")
        self.jobs = QSpinBox()
        self.jobs.setRange(1, 16)
        self.jobs.setValue(preferences.max_parallel_jobs)
        self.jobs.setToolTip("Jobs that may run at once (writers to the project always run one at a time)")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow("Scoring provider", self.provider)
        layout.addRow("Theme", self.theme)
        layout.addRow("Jobs at once", self.jobs)
        layout.addRow(buttons)

    def chosen(self) -> Preferences:
        """The preferences as edited."""
        return replace(
            self.original,
            provider=self.provider.currentText(),
            theme=self.theme.currentText(),
            max_parallel_jobs=self.jobs.value(),
        )


def apply_theme(theme: str) -> None:
    """Light, dark, or following the system (Qt's colour scheme; the palette follows)."""
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication):
        app.styleHints().setColorScheme(_SCHEMES.get(theme, Qt.ColorScheme.Unknown))
