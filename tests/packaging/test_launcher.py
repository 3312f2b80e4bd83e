"""The frozen app's entry point dispatches like a Python install: ``-m MODULE``, ``cli …``, else the app.

PyInstaller freezes ``packaging/launcher.py`` as ``dist/tradeoff-studio/tradeoff-studio``; here it
runs under the plain interpreter, which exercises the same dispatch (the bundle itself is built and
smoke-tested by ``.ci/run`` through ``packaging/build.sh cpu``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tradeoff_studio import __version__

LAUNCHER = Path(__file__).resolve().parents[2] / "packaging" / "launcher.py"


def _launch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(LAUNCHER), *args], capture_output=True, text=True, timeout=120,
                          check=False)  # fmt: skip


def test_the_app_is_the_default() -> None:
    done = _launch("--version")
    assert done.returncode == 0 and done.stdout.split() == ["tradeoff-studio-app", __version__]


def test_cli_runs_the_command_line() -> None:
    done = _launch("cli", "--version")
    assert done.returncode == 0 and done.stdout.split() == ["tradeoff-studio", __version__]


def test_dash_m_runs_a_module_as_main_as_the_json_sandbox_does(tmp_path: Path) -> None:
    source, target = tmp_path / "rows.json", tmp_path / "rows.parquet"
    source.write_text('[{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]', encoding="utf-8")
    done = _launch("-m", "tradeoff_studio.core.data.json_sandbox", str(source), str(target))
    assert done.returncode == 0, done.stderr
    assert target.is_file() and target.stat().st_size > 0


def test_inside_the_bundle_the_app_points_to_its_own_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    from tradeoff_studio.ui import app

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/tradeoff-studio/tradeoff-studio")
    assert app._cli_name() == "/opt/tradeoff-studio/tradeoff-studio cli"


def test_a_missing_system_library_is_named_with_its_package(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The bundle takes libdbus-1 from the system: without it the app names what to install, no traceback."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("tradeoff_launcher", LAUNCHER)
    assert spec is not None and spec.loader is not None
    launcher = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(launcher)
    assert launcher.missing_system_libraries() == []  # installed here (.ci/run installs libdbus-1-3)
    monkeypatch.setattr(launcher, "SYSTEM_LIBRARIES", {"libtradeoff-nowhere.so.9": "tradeoff-nowhere"})
    monkeypatch.setattr(sys, "argv", ["tradeoff-studio", "--demo"])
    assert launcher.main() == 1
    err = capsys.readouterr().err
    assert "the desktop app needs libtradeoff-nowhere.so.9 (install tradeoff-nowhere)" in err
    assert "Traceback" not in err
    monkeypatch.setattr(sys, "argv", ["tradeoff-studio", "--version"])  # needs no Qt: not refused
    with pytest.raises(SystemExit) as done:
        launcher.main()
    assert done.value.code == 0 and capsys.readouterr().out.split() == ["tradeoff-studio-app", __version__]
