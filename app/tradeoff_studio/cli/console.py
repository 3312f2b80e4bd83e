"""Progress on stderr, Ctrl-C as cancellation, and printing for the command line.

Text from data (column, table and candidate names, a rationale, a message quoting a value) may
hold terminal control sequences. :func:`safe_output` wraps stdout and stderr once, for the whole
command, so every character that could move the cursor or rewrite the terminal is shown escaped
(``\\x1b``); line breaks and tabs pass. JSON output needs nothing more: JSON escapes them itself.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO, TypeVar

from ..core.jobs import CancelToken, Progress

T = TypeVar("T")
# C0 and C1 controls, DEL, the bidirectional overrides that can reorder what a reader sees, and
# invisible characters that would hide a difference between two names (zero-width space and
# non-joiner, direction marks, word joiner, invisible operators, byte-order mark, soft hyphen).
# The zero-width joiner stays: it joins emoji sequences.
_INVISIBLE = "\u00ad\u180e\u200b\u200c\u200e\u200f\u2060-\u2064\ufeff"
_UNSAFE = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069{_INVISIBLE}]")
_UNSAFE_IN_CELL = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069{_INVISIBLE}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0xA0 else f"\\u{code:04x}"


def safe_text(text: str, *, keep_newlines: bool = True) -> str:
    """``text`` with control characters shown escaped (``\\x1b``); newlines and tabs kept if asked."""
    return (_UNSAFE if keep_newlines else _UNSAFE_IN_CELL).sub(_escape, text)


def one_line(text: str) -> str:
    """An error message for the terminal: control characters and line breaks from data escaped."""
    return safe_text(text, keep_newlines=False)


class SafeStream:
    """A text stream that escapes control characters in everything written through it."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        """Write ``text`` escaped; returns the length of ``text`` as given."""
        self.raw.write(safe_text(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:  # flush, fileno, isatty, encoding, buffer…
        return getattr(self.raw, name)


def raw_stream(stream: TextIO) -> TextIO:
    """The terminal stream under a :class:`SafeStream` (for the progress bar's own ``\\r``)."""
    return stream.raw if isinstance(stream, SafeStream) else stream


@contextmanager
def safe_output() -> Iterator[None]:
    """Escape control characters on stdout and stderr for the length of a command."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(sys.stdout), SafeStream(sys.stderr)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


_BAR_WIDTH = 30
_REDRAW_SECONDS = 0.1


class StderrProgress:
    """A progress bar on a terminal; one line per 10% step when stderr is a file or pipe."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = raw_stream(stream or sys.stderr)
        self.interactive = self.stream.isatty()
        self._last_draw = 0.0
        self._last_decile = -1
        self._lock = threading.Lock()
        self._drawn = False

    def __call__(self, fraction: float, message: str) -> None:
        with self._lock:
            if self.interactive:
                self._draw_bar(fraction, message)
            else:
                self._write_step(fraction, message)

    def _draw_bar(self, fraction: float, message: str) -> None:
        message = safe_text(message, keep_newlines=False)
        now = time.monotonic()
        if now - self._last_draw < _REDRAW_SECONDS and fraction < 1.0:
            return
        self._last_draw = now
        filled = int(_BAR_WIDTH * fraction)
        bar = "#" * filled + "-" * (_BAR_WIDTH - filled)
        self.stream.write(f"\r[{bar}] {fraction:6.1%} {message[:60]:<60}")
        self.stream.flush()
        self._drawn = True

    def _write_step(self, fraction: float, message: str) -> None:
        decile = int(fraction * 10)
        if decile > self._last_decile:
            self._last_decile = decile
            self.stream.write(f"{fraction:6.1%} {safe_text(message, keep_newlines=False)}\n")
            self.stream.flush()

    def finish(self) -> None:
        """End the bar's line so later output starts on a fresh one."""
        with self._lock:
            if self._drawn:
                self.stream.write("\n")
                self.stream.flush()
                self._drawn = False


def run_job(work: Callable[[Progress, CancelToken], T]) -> T:
    """Run ``work`` on a worker thread; Ctrl-C cancels it and waits until it has rolled back.

    The wait uses an event, not ``Thread.join``: on Python 3.11 a join interrupted by Ctrl-C can
    mark a running thread as stopped, so a later join returned at once and the command exited
    while the worker still held the project and its scratch folder.
    """
    progress = StderrProgress()
    cancel = CancelToken()
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def target() -> None:
        try:
            outcome["value"] = work(progress, cancel)
        except BaseException as error:  # handed to the main thread and re-raised there
            outcome["error"] = error
        finally:
            done.set()

    worker = threading.Thread(target=target, name="tradeoff-job")
    worker.start()
    try:
        _wait(done, cancel)
    finally:
        progress.finish()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _wait(done: threading.Event, cancel: CancelToken) -> None:
    """Wait for the worker; the first Ctrl-C cancels it, later ones only keep waiting for the rollback."""
    while True:
        try:
            while not done.wait(0.1):
                pass
            return
        except KeyboardInterrupt:
            if not cancel.cancelled:
                sys.stderr.write("\nCancelling…\n")
                cancel.cancel()


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
