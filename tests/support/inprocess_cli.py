"""The analysis commands run in-process through the real parser, with ``main``'s error handling.

Faster than a subprocess per command, for the many small ``analyze``/``candidates``/``decide``
calls of the analysis CLI tests. A test module wraps :func:`in_process_cli` in its ``cli`` fixture.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tradeoff_studio.cli.analysis_commands import add_analysis_commands
from tradeoff_studio.core.errors import StudioError

Run = tuple[int, str, str]
Cli = Callable[..., Run]


def in_process_cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """A function that runs one command and returns (exit status, stdout, stderr)."""

    def run(*argv: str | Path) -> Run:
        parser = argparse.ArgumentParser(prog="tradeoff-studio")
        add_analysis_commands(parser.add_subparsers(dest="command", required=True))
        args = parser.parse_args([str(arg) for arg in argv])
        try:
            args.handler(args)
            status = 0
        except StudioError as error:
            print(f"tradeoff-studio: error: {error}", file=sys.stderr)
            status = 1
        out, err = capsys.readouterr()
        return status, out, err

    return run
