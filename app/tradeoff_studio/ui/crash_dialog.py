"""The desktop app's last line of defence: an unexpected error shows one dialog, never a traceback.

An exception that escapes a slot, an event handler or a timer reaches ``sys.excepthook``; one that
escapes a worker thread reaches ``threading.excepthook``. Both write a crash report (traceback
without messages, versions, providers: :mod:`..core.crash`) to the platform's log folder and ask the
main thread to show a dialog that says what happened and where the report is. The app keeps running;
while a crash dialog is open, further errors are reported in it rather than stacking new dialogs.
"""

from __future__ import annotations

import sys
import threading
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from ..core.crash import write_crash_report

COMMAND = "desktop app"


def crash_message(kind: type[BaseException], where: str) -> str:
    """The dialog's text: what happened, where the report is, what to do. No exception message."""
    return (
        f"Tradeoff Studio hit an unexpected error ({kind.__name__}) and stopped what it was doing.\n\n"
        f"{where}\n\n"
        "Please send the report with a note of what you were doing; saving your work and "
        "restarting the app is the safest way on."
    )


def _report(error: BaseException) -> str:
    try:
        return f"A crash report (no data values) was written to:\n{write_crash_report(error, COMMAND)}"
    except OSError as failure:
        return f"No crash report could be written ({failure.strerror or failure})."


class CrashHandler(QObject):
    """Installed by :func:`install_crash_handler`; shows its dialogs on the main thread."""

    reported = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.dialog: QMessageBox | None = None
        self.errors = 0
        self.reported.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self._previous_hooks = (sys.excepthook, threading.excepthook)

    def install(self) -> None:
        """Become ``sys.excepthook`` and ``threading.excepthook``."""
        sys.excepthook = self.handle
        threading.excepthook = self.handle_thread

    def uninstall(self) -> None:
        """Give both hooks back to what they were before :meth:`install`."""
        sys.excepthook, threading.excepthook = self._previous_hooks

    def handle(self, kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        """``sys.excepthook``: Ctrl-C quits; anything else is reported and shown."""
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        if error.__traceback__ is None and trace is not None:
            error = error.with_traceback(trace)
        self.reported.emit(crash_message(kind, _report(error)))

    def handle_thread(self, args: threading.ExceptHookArgs) -> None:
        """``threading.excepthook``: a worker thread's error, reported the same way."""
        if args.exc_value is not None and not issubclass(args.exc_type, SystemExit):
            self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def _show(self, text: str) -> None:
        self.errors += 1
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.setText(text)
            self.dialog.setInformativeText(f"{self.errors} unexpected errors so far; each has its report.")
            return
        self.errors = 1
        box = QMessageBox(QMessageBox.Icon.Critical, "Tradeoff Studio: unexpected error", text)
        box.setObjectName("crashDialog")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.destroyed.connect(self._forget)
        self.dialog = box
        box.open()

    def _forget(self) -> None:
        self.dialog = None


def install_crash_handler(app: QApplication) -> CrashHandler:
    """Install the handler for ``app`` (kept alive as its child) and return it."""
    handler = CrashHandler()
    handler.setParent(app)
    handler.install()
    return handler
