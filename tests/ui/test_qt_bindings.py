"""The Qt bindings must not corrupt reference counts (PySide6 6.12.0 on Python 3.11 does).

A build with the defect aborts the window after about a hundred repaints; these tests fail on it,
and the app refuses to start on it with a message instead of dying silently.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tradeoff_studio.ui import app, qt_check

PROBE = Path(__file__).resolve().parents[1] / "support" / "repaint_window.py"


def test_void_binding_calls_leave_the_none_refcount_unchanged() -> None:
    """1,000 ``QPen.setWidth`` calls, with the garbage collector paused so nothing else moves the count."""
    assert qt_check.none_refcount_drift(1000) == 0
    assert qt_check.binding_defect() is None


@pytest.mark.slow
def test_main_window_on_the_demo_survives_2000_repaints_with_its_plot_shown(tmp_path: Path) -> None:
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(tmp_path)}
    ran = subprocess.run(
        [sys.executable, str(PROBE), "2000"], capture_output=True, text=True, env=env, timeout=280
    )
    died = f"the window died (exit {ran.returncode}):\n{ran.stdout}\n{ran.stderr[-3000:]}"
    assert ran.returncode == 0, died
    assert "survived 2000 repaints; None refcount moved by 0" in ran.stdout, ran.stdout


def test_app_refuses_to_start_on_bindings_that_lose_references(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import PySide6

    monkeypatch.setattr(qt_check, "none_refcount_drift", lambda calls: -calls)
    assert app.main([]) == app.EXIT_BROKEN_QT
    message = capsys.readouterr().err
    assert f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]}" in message
    assert "None's count fell by 300 over 300 calls" in message
    assert 'pip install "PySide6-Essentials==6.11.3"' in message


def test_a_stray_reference_elsewhere_is_not_mistaken_for_the_defect(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qt_check, "none_refcount_drift", lambda calls: -3)
    assert qt_check.binding_defect() is None
