"""Progress on stderr, Ctrl-C as cancellation, and printing for the command line."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TextIO, TypeVar

from ..core.errors import CancelledError
from ..core.jobs import CancelToken, Progress

T = TypeVar("T")
_BAR_WIDTH = 30
_REDRAW_SECONDS = 0.1


class StderrProgress:
    """A progress bar on a terminal; one line per 10% step when stderr is a file or pipe."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
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
            self.stream.write(f"{fraction:6.1%} {message}\n")
            self.stream.flush()

    def finish(self) -> None:
        """End the bar's line so later output starts on a fresh one."""
        with self._lock:
            if self._drawn:
                self.stream.write("\n")
                self.stream.flush()
                self._drawn = False


def run_job(work: Callable[[Progress, CancelToken], T]) -> T:
    """Run ``work`` on a worker thread; Ctrl-C cancels it and waits until it has rolled back."""
    progress = StderrProgress()
    cancel = CancelToken()
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = work(progress, cancel)
        except BaseException as error:  # handed to the main thread and re-raised there
            outcome["error"] = error

    worker = threading.Thread(target=target, name="tradeoff-job")
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.1)
    except KeyboardInterrupt:
        sys.stderr.write("\nCancelling…\n")
        cancel.cancel()
        worker.join()
        outcome.setdefault("error", CancelledError())
    finally:
        progress.finish()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def print_json(data: Any) -> None:
    """Print ``data`` as indented, strict JSON on stdout (non-finite numbers as :func:`json_ready` says)."""
    from ..core.jsonvalues import json_ready

    json.dump(json_ready(data), sys.stdout, indent=2, ensure_ascii=False, default=str, allow_nan=False)
    sys.stdout.write("\n")


def print_table(headers: list[str], rows: list[list[Any]]) -> None:
    """Print rows as aligned columns."""
    cells = [headers, *[[str(cell) for cell in row] for row in rows]]
    widths = [max(len(row[index]) for row in cells) for index in range(len(headers))]
    for row in cells:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
