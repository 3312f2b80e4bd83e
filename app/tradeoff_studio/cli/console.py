"""Progress on stderr, Ctrl-C as cancellation, and printing for the command line.

Text from data (column, table and candidate names, a rationale, a message quoting a value) may
hold terminal control sequences. :func:`safe_output` wraps stdout and stderr once, for the whole
command, so every character that could move the cursor or rewrite the terminal is shown escaped
(``\\x1b``); line breaks and tabs pass. JSON output needs nothing more: JSON escapes them itself.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..core.terminal import SafeStream, StderrProgress, one_line, raw_stream, run_job, safe_text

__all__ = [
    "SafeStream",
    "StderrProgress",
    "one_line",
    "print_json",
    "print_table",
    "raw_stream",
    "run_job",
    "safe_output",
    "safe_text",
]


@contextmanager
def safe_output() -> Iterator[None]:
    """Escape control characters on stdout and stderr for the length of a command."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(sys.stdout), SafeStream(sys.stderr)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def print_json(data: Any) -> None:
    """Print ``data`` as indented, strict JSON on stdout (non-finite numbers as :func:`json_ready` says)."""
    from ..core.jsonvalues import json_ready

    json.dump(json_ready(data), sys.stdout, indent=2, ensure_ascii=False, default=str, allow_nan=False)
    sys.stdout.write("\n")


def print_table(headers: list[str], rows: list[list[Any]]) -> None:
    """Print rows as aligned columns; a line break or control character in a cell is shown escaped."""
    cells = [[safe_text(str(cell), keep_newlines=False) for cell in row] for row in [headers, *rows]]
    widths = [max(len(row[index]) for row in cells) for index in range(len(headers))]
    for row in cells:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
