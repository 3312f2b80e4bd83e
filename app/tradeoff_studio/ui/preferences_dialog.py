"""Edit ▸ Preferences: execution provider, theme, jobs at once (saved by the window, versioned in core)."""

from __future__ import annotations

import json
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QSpinBox, QWidget

from ..core.paths import resources_dir
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
    """Light, dark, or following the system (the platform's palette, light or dark as it is).

    Qt's colour scheme is asked for first; where the platform has no theme to honour it (X11
    without one, say), the dark palette of ``resources/styles/palettes.json`` is set.
    """
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return
    app.styleHints().setColorScheme(_SCHEMES.get(theme, Qt.ColorScheme.Unknown))
    if theme == "dark":
        app.setPalette(_palette("dark"))
    else:
        app.setPalette(QPalette())  # the platform's own (system) palette


def _palette(name: str) -> QPalette:
    """A palette from ``resources/styles/palettes.json`` (colours are resources, not code)."""
    data = json.loads((resources_dir() / "styles" / "palettes.json").read_text(encoding="utf-8"))[name]
    palette = QPalette()
    for group, colours in ((QPalette.ColorGroup.All, data), (QPalette.ColorGroup.Disabled, data["disabled"])):
        for role, value in colours.items():
            if role != "disabled":
                palette.setColor(group, getattr(QPalette.ColorRole, role), QColor(value))
    return palette
