"""An unexpected error before any command runs (parser, scratch sweep) still ends in one line and a report."""

from __future__ import annotations

import pytest

from tradeoff_studio.cli import main as cli_main
from tradeoff_studio.core.crash import crash_reports_dir


def test_an_error_while_starting_exits_70_with_a_report(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = "/home/someone/" + "secret-client"  # a value from the user's machine, not source text

    def broken() -> None:
        raise OSError(f"scratch folder {folder} is odd")

    monkeypatch.setattr(cli_main, "sweep_stale_scratch", broken)
    assert cli_main.main(["--help"]) == cli_main.EXIT_INTERNAL_ERROR
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    (report,) = crash_reports_dir().glob("crash-*.txt")
    assert err.endswith(str(report))
    text = report.read_text(encoding="utf-8")
    assert "command: start-up" in text and "secret-client" not in text and "in broken" in text
