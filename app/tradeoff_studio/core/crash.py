"""Crash reports: what a developer needs to fix an unexpected error, and nothing of the user's data.

A report holds the command's name (never its argument values), the exception's type and the
stack of every chained exception (files, lines, functions and source lines), and the versions
of Python, the platform and the packages that matter. Exception messages are left out: they can
quote data values (a column name, a cell). The onnxruntime execution providers available are
listed too. Reports go to ``crash-reports/`` in the platform's log folder
(:func:`..paths.user_log_dir`), where only the newest :data:`KEEP_REPORTS` are kept (older ones
rotate out); the desktop app's handler (``ui/crash_dialog.py``) writes the same reports.
"""

from __future__ import annotations

import os
import platform
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

from .paths import user_log_dir

PACKAGES = ("tradeoff-studio", "duckdb", "numpy", "pandas", "onnxruntime", "onnxruntime-gpu", "onnx",
            "PySide6-Essentials", "pyqtgraph", "keyring", "pyarrow")  # fmt: skip
KEEP_REPORTS = 50
LOG_NAME = "tradeoff-studio.log"  # one line per crash report, beside the reports' folder
LOG_BYTES, LOG_BACKUPS = 1_000_000, 3  # rotated: tradeoff-studio.log.1 … .3


def crash_reports_dir() -> Path:
    """The folder crash reports are written to (in the platform's log folder)."""
    return user_log_dir() / "crash-reports"


def _versions() -> list[str]:
    from importlib import metadata  # 20 ms at import: only when a report is written (house rule 7)

    lines = [f"python: {sys.version.split()[0]} ({platform.python_implementation()})",
             f"platform: {platform.platform()} {platform.machine()}"]  # fmt: skip
    for name in PACKAGES:
        try:
            lines.append(f"{name}: {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return lines


def _providers() -> str:
    """onnxruntime's available execution providers (CUDA or not), or why they are unknown."""
    try:
        import onnxruntime

        return "providers: " + ", ".join(onnxruntime.get_available_providers())
    except Exception as error:  # a crash report must be written even when onnxruntime cannot load
        return f"providers: unknown (onnxruntime did not load: {type(error).__name__})"


_CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


def _chain(error: BaseException) -> list[tuple[BaseException, str]]:
    """The exception and its causes/contexts, innermost first as Python prints them, each with the
    line that introduces it (empty for the first)."""
    chain: list[tuple[BaseException, str]] = []
    current: BaseException | None = error
    while current is not None and all(current is not item for item, _ in chain):
        cause = current.__cause__
        context = None if current.__suppress_context__ else current.__context__
        chain.append((current, _CAUSE if cause is not None else _CONTEXT if context is not None else ""))
        current = cause if cause is not None else context
    return list(reversed(chain))  # each exception's line says how it follows the one printed before it


def redacted_traceback(error: BaseException) -> str:
    """The traceback of ``error`` and its chain, with every exception message left out."""
    parts = []
    for item, link in _chain(error):
        parts.append(link)
        frames = traceback.extract_tb(item.__traceback__)
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_list(frames))
        kind = type(item)
        parts.append(f"{kind.__module__}.{kind.__qualname__} (message left out: it may quote data)\n")
    return "".join(parts)


def crash_report_text(error: BaseException, command: str) -> str:
    """The text of a crash report for ``error`` raised while running ``command`` (its name only)."""
    header = [
        "Tradeoff Studio crash report",
        f"when: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"command: {command}",
        *_versions(),
        _providers(),
        "",
    ]
    return "\n".join(header) + "\n" + redacted_traceback(error)


def write_crash_report(error: BaseException, command: str, folder: Path | None = None) -> Path:
    """Write a crash report for ``error`` and return its path (OSError when it cannot be written).

    The oldest reports beyond the newest :data:`KEEP_REPORTS` are removed.
    """
    target_dir = folder or crash_reports_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    text = crash_report_text(error, command)
    for attempt in range(100):  # two reports in the same microsecond (worker threads) get their own files
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%f")
        path = target_dir / f"crash-{stamp}-{os.getpid()}{f'-{attempt}' if attempt else ''}.txt"
        try:
            with path.open("x", encoding="utf-8") as handle:
                handle.write(text)
            break
        except FileExistsError:
            continue
    _prune(target_dir)
    if folder is None:
        log_line(
            f"crash report {path.name}: {type(error).__module__}.{type(error).__qualname__} in '{command}'"
        )
    return path


def crash_report_note(error: BaseException, command: str) -> str:
    """Write a crash report and say where, in words for one line of a terminal message."""
    try:
        return f"a crash report was written to {write_crash_report(error, command)}"
    except OSError as failure:
        return f"no crash report could be written ({failure.strerror or failure})"


def log_line(text: str) -> None:
    """Append ``text`` (no data values) to the app's log in the platform's log folder, which rotates at
    :data:`LOG_BYTES` keeping :data:`LOG_BACKUPS` old files. A log that cannot be written is skipped."""
    import logging
    from logging.handlers import RotatingFileHandler

    try:
        user_log_dir().mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(user_log_dir() / LOG_NAME, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS,
                                      encoding="utf-8")  # fmt: skip
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(message)s"))
    try:
        handler.emit(logging.makeLogRecord({"msg": text, "levelno": logging.ERROR, "levelname": "ERROR"}))
    finally:
        handler.close()


def _prune(folder: Path) -> None:
    reports = sorted(folder.glob("crash-*.txt"))
    for old in reports[:-KEEP_REPORTS]:
        old.unlink(missing_ok=True)
