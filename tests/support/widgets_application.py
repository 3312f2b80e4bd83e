"""A QApplication for the whole session before any report is drawn in this process.

Imported by the conftests of the folders whose tests draw reports (render, core/reports).

The renderer makes a bare QGuiApplication when none runs (the CLI case); in a test session that one
would outlive the test, and every widget test after it would abort ("Cannot create a QWidget
without QApplication"). pytest-qt's ``qapp`` is a QApplication, which the renderer then reuses.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication


@pytest.fixture(autouse=True)
def widgets_application(qapp: QApplication) -> QApplication:
    return qapp
