"""The desktop app's crash handler: one dialog naming the report, no traceback, no data values."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from tradeoff_studio.core.crash import crash_reports_dir
from tradeoff_studio.ui import app as app_module
from tradeoff_studio.ui.crash_dialog import CrashHandler, install_crash_handler

SECRET = "income=52000"


@pytest.fixture
def handler(qapp: QApplication) -> Iterator[CrashHandler]:
    installed = install_crash_handler(qapp)
    yield installed
    installed.uninstall()
    if installed.dialog is not None:
        installed.dialog.close()
    installed.setParent(None)


def _dialogs() -> list[QMessageBox]:
    found = [w for w in QApplication.topLevelWidgets() if w.objectName() == "crashDialog" and w.isVisible()]
    return [w for w in found if isinstance(w, QMessageBox)]


def _reports() -> list[Path]:
    return sorted(crash_reports_dir().glob("crash-*.txt"))


def _raise_in_a_slot() -> None:
    raise KeyError(SECRET)


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_slot_shows_one_dialog_and_writes_a_report(qtbot: QtBot, handler: CrashHandler) -> None:
    QTimer.singleShot(0, _raise_in_a_slot)
    qtbot.waitUntil(lambda: len(_dialogs()) == 1, timeout=5000)
    (dialog,) = _dialogs()
    (report,) = _reports()
    text = dialog.text()
    assert "KeyError" in text and str(report) in text
    assert "Traceback" not in text and SECRET not in text and "52000" not in text
    written = report.read_text(encoding="utf-8")
    assert "command: desktop app" in written and "in _raise_in_a_slot" in written
    assert "providers: " in written and "52000" not in written


@pytest.mark.qt_no_exception_capture
def test_errors_in_worker_threads_reuse_the_open_dialog(qtbot: QtBot, handler: CrashHandler) -> None:
    def work() -> None:
        raise ValueError(SECRET)

    for _ in range(2):
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: len(_dialogs()) == 1, timeout=5000)
    qtbot.waitUntil(lambda: handler.errors == 2, timeout=5000)
    assert len(_dialogs()) == 1 and len(_reports()) == 2
    assert "2 unexpected errors" in _dialogs()[0].informativeText()
    assert "ValueError" in _dialogs()[0].text() and "52000" not in _dialogs()[0].text()


def test_an_error_before_the_window_prints_one_line_and_exits_70(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_argv: object) -> int:
        raise RuntimeError(SECRET)

    monkeypatch.setattr(app_module, "_main", broken)
    assert app_module.main([]) == app_module.EXIT_INTERNAL_ERROR
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "RuntimeError" in err and "52000" not in err
    (report,) = _reports()
    assert err.endswith(str(report)) and "command: desktop app start-up" in report.read_text(encoding="utf-8")
