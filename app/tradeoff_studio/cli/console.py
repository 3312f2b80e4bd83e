"""Progress on stderr, Ctrl-C as cancellation, and printing for the command line.

Text from data (column, table and candidate names, a rationale, a message quoting a value) may
hold terminal control sequences. :func:`safe_output` wraps stdout and stderr once, for the whole
command, so every character that could move the cursor or rewrite the terminal is shown escaped
(``\\x1b``); line breaks and tabs pass. JSON output needs nothing more: JSON escapes them itself.
The escaping, the progress bar and :func:`run_job` live in :mod:`..core.terminal` (the desktop
app's start-up uses them too); they are re-exported here.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..core.terminal import SafeStream, StderrProgress, one_line, raw_stream, run_job, safe_text

__all__ = [
    "SafeStream",
    "StderrProgress",
    "display_width",
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


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: wide (CJK, most emoji) characters 2, combining marks,
    joiners and variation selectors 0, a character turned into an emoji by U+FE0F 2, others 1."""
    width = 0
    for index, char in enumerate(text):
        if unicodedata.category(char) in ("Mn", "Me", "Cf"):  # marks, joiners, variation selectors
            continue
        wide = unicodedata.east_asian_width(char) in ("W", "F")
        emoji = text[index + 1 : index + 2] == "\ufe0f"
        width += 2 if wide or emoji else 1
    return width


def _padded(cell: str, width: int) -> str:
    return cell + " " * (width - display_width(cell))


def print_table(headers: list[str], rows: list[list[Any]]) -> None:
    """Print rows as columns aligned by display width (CJK and emoji take two columns); a line break,
    control or invisible character in a cell is shown escaped."""
    cells = [[safe_text(str(cell), keep_newlines=False) for cell in row] for row in [headers, *rows]]
    widths = [max(display_width(row[index]) for row in cells) for index in range(len(headers))]
    for row in cells:
        print("  ".join(_padded(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip())
