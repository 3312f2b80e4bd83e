"""The CLI's last line of defence, escaped output, bounds at their limits, Ctrl-C during a long read."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from support.cli import cli
from tradeoff_studio.cli import commands
from tradeoff_studio.cli.main import build_parser, main
from tradeoff_studio.core.crash import crash_reports_dir
from tradeoff_studio.core.project import open_project


def test_an_unexpected_error_exits_70_with_one_line_and_a_crash_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_args: object) -> None:
        values = {"income": 52_000}
        raise KeyError(f"column {values['income']} \x1b[2J")

    monkeypatch.setattr(commands, "info", broken)
    assert main(["info", str(tmp_path / "p.tsproj")]) == 70
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "\x1b" not in err
    assert err.startswith("tradeoff-studio: internal error: KeyError: ")
    assert "; a crash report was written to " in err
    report = Path(err.strip().rsplit("written to ", 1)[1])
    assert report.parent == crash_reports_dir()
    text = report.read_text()
    assert "command: info" in text and "builtins.KeyError" in text and "in broken" in text
    assert "52000" not in text and str(tmp_path) not in text


def test_user_errors_keep_their_own_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", str(tmp_path / "missing.tsproj")]) == 1
    err = capsys.readouterr().err
    assert "does not exist" in err and "internal error" not in err
    assert not crash_reports_dir().exists()


def test_text_from_data_is_printed_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "p.tsproj"
    data = tmp_path / "e\x1b[31mvil.csv"
    rows = "".join(f"plain-row-{index},{index + 2},0.{index:02d}\n" for index in range(60))
    data.write_text("name\x1b]0;pwned\x07,cost,quality\nfast\x1b[2J,1,0.5\n" + rows)
    assert main(["new", str(project)]) == 0
    assert main(["import", str(project), str(data)]) == 0
    analyze = ["analyze", str(project), "generic", "--table", "e\x1b[31mvil", "--objective", "cost:min"]
    assert main([*analyze, "--objective", "quality:max", "--id", "name\x1b]0;pwned\x07", "--name", "a"]) == 0
    assert main(["candidates", str(project), "a"]) == 0
    decide = ["decide", str(project), "a", "--candidate", "fast\x1b[2J"]
    assert main([*decide, "--rationale", "ok\x1b[8mhidden\rDONE"]) == 0
    assert main(["decisions", str(project)]) == 0
    assert main(["info", str(project)]) == 0
    out = capsys.readouterr()
    printed = out.out + out.err
    assert "\x1b" not in printed and "\x07" not in printed and "\r" not in printed
    for shown in (r"e\x1b[31mvil", r"fast\x1b[2J", r"ok\x1b[8mhidden\x0dDONE"):
        assert shown in printed, shown


@pytest.mark.parametrize(
    "argv",
    [
        ["analyze", "p", "risk-return", "--table", "t", "--returns", "--points", "2", "--resamples", "10",
         "--cvar-level", "0.5", "--periods-per-year", "1"],
        ["analyze", "p", "risk-return", "--table", "t", "--returns", "--points", "10000",
         "--resamples", "100000", "--cvar-level", "0.999", "--periods-per-year", "1000000"],
        ["analyze", "p", "cost-quality", "--table", "t", "--item", "i", "--system", "s", "--correct", "c",
         "--thresholds", "2", "--human-cost", "0", "--budget", "0"],
        ["analyze", "p", "cost-quality", "--table", "t", "--item", "i", "--system", "s", "--correct", "c",
         "--thresholds", "100"],
        ["analyze", "p", "generic", "--table", "t", "--ci-level", "0.001"],
        ["analyze", "p", "model-variants", "--table", "t", "--label", "y", "--model", "m",
         "--batch-size", "1", "--bulk-size", "1048576", "--repeats", "10"],
        ["score", "p", "--model", "m", "--table", "t", "--class-index", "0"],
    ],
)  # fmt: skip
def test_numeric_options_at_their_bounds_are_accepted(argv: list[str]) -> None:
    build_parser().parse_args(argv)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
def test_ctrl_c_during_a_long_json_read_cancels_and_releases_the_lock(tmp_path: Path) -> None:
    project = tmp_path / "p.tsproj"
    assert cli("new", project).returncode == 0
    big = tmp_path / "big.ndjson"
    line = '{"id": 1, "name": "abcdefghij", "values": [1, 2, 3], "nested": {"x": 1.5, "y": "z"}}\n'
    big.write_text(line * 800_000)  # ~70 MB: seconds to scan and convert
    child = subprocess.Popen(
        [sys.executable, "-m", "tradeoff_studio.cli.main", "import", str(project), str(big)],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stderr is not None
    assert "Reading big.ndjson" in child.stderr.readline()
    time.sleep(0.5)
    os.kill(child.pid, signal.SIGINT)
    started = time.monotonic()
    assert child.wait(timeout=60) == 130
    assert time.monotonic() - started < 10
    assert "Cancelled" in child.stderr.read()
    with open_project(project) as opened:  # the lock is free and nothing was imported
        assert opened.tables() == []
    assert not list(Path(tempfile.gettempdir()).glob(f"tradeoff-import-{child.pid}-*"))
