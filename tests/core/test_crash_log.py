"""The app's log in the platform's log folder: one line per crash report, no data values, rotated."""

from __future__ import annotations

import pytest

from tradeoff_studio.core import crash
from tradeoff_studio.core.paths import user_log_dir


def _failure(value: str) -> KeyError:
    try:
        raise KeyError(value)
    except KeyError as error:
        return error


def test_each_crash_report_is_logged_without_its_message() -> None:
    secret = "income=" + "52000"
    path = crash.write_crash_report(_failure(secret), "analyze fairness")
    log = (user_log_dir() / crash.LOG_NAME).read_text(encoding="utf-8")
    assert path.name in log and "builtins.KeyError in 'analyze fairness'" in log
    assert "52000" not in log and path.parent == crash.crash_reports_dir()


def test_the_log_rotates_and_keeps_a_bounded_number_of_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crash, "LOG_BYTES", 200)
    for index in range(40):
        crash.log_line(f"event {index:02d} " + "x" * 60)
    files = sorted(path.name for path in user_log_dir().glob(crash.LOG_NAME + "*"))
    assert files == [crash.LOG_NAME] + [f"{crash.LOG_NAME}.{n}" for n in range(1, crash.LOG_BACKUPS + 1)]
    assert "event 39" in (user_log_dir() / crash.LOG_NAME).read_text(encoding="utf-8")
    assert all((user_log_dir() / name).stat().st_size <= 400 for name in files)
