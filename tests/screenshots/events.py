"""Event-loop waiting for the screenshot scripts (scripts, not product code)."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtWidgets import QApplication


def wait_until(condition: Callable[[], object], seconds: float = 30.0) -> None:
    """Run the event loop until ``condition()`` holds or ``seconds`` pass, then once more."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)
    QApplication.processEvents()
