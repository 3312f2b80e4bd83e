"""Read JSON in a child process: a hostile file can crash DuckDB's JSON reader, never the app.

DuckDB's JSON reader overflows its stack on documents nested tens of thousands of levels deep
(seen with 100,000 levels: a segmentation fault). The child converts the file to Parquet in a
private folder within a time limit; the parent then imports that Parquet as usual. A crash, a
hang or an error becomes a :class:`DataImportError` naming the file.

Before the child starts, one linear pass over the bytes (:func:`scan`) refuses structure nested
deeper than :data:`MAX_NESTING` (DuckDB's time to store nested lists doubles with each level:
a 60-byte file nested 26 levels took 19 s) and numbers too large for a double (``1e400`` would
silently become infinity). Both the pass and the child honour cancellation (Ctrl-C).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from ..errors import CancelledError, DataImportError
from ..jobs import CancelToken
from ..sql import literal
from .json_scan import scan

MAX_DEPTH = 64  # deeper structure is kept as JSON text, not unfolded into nested types
TIMEOUT_SECONDS = 600.0
EXIT_READ_ERROR = 2
_POLL_SECONDS = 0.1


def convert(
    path: Path, target: Path, *, timeout: float = TIMEOUT_SECONDS, cancel: CancelToken | None = None
) -> str | None:
    """Convert JSON/NDJSON records at ``path`` to Parquet at ``target``.

    Returns None on success, or DuckDB's error text for the caller to translate. Cancelling
    stops the scan or kills the child and raises :class:`CancelledError`.
    """
    cancel = cancel or CancelToken()
    scan(path, cancel)
    with tempfile.TemporaryFile("w+") as errors:
        returncode = _run_child(path, target, timeout, cancel, errors)
        errors.seek(0)
        stderr = errors.read()
    if returncode == 0:
        return None
    if returncode == EXIT_READ_ERROR:
        return stderr
    raise DataImportError(
        f"{path} could not be read as JSON: the reader stopped abnormally (exit {returncode}). "
        "The file may be malformed or nested too deeply."
    )


def _run_child(path: Path, target: Path, timeout: float, cancel: CancelToken, errors: object) -> int:
    """Run the converting child, polling for cancellation; kill it on cancel or timeout."""
    child = subprocess.Popen(
        [sys.executable, "-m", __name__, str(path), str(target)],
        stdout=subprocess.DEVNULL,
        stderr=errors,  # type: ignore[arg-type]
        stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                return child.wait(_POLL_SECONDS)
            except subprocess.TimeoutExpired:
                pass
            if cancel.cancelled:
                raise CancelledError()
            if time.monotonic() > deadline:
                raise DataImportError(f"{path} took longer than {timeout:.0f} s to read as JSON; refused.")
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def _main(source: str, target: str) -> int:
    con = duckdb.connect()
    try:
        con.execute(
            f"COPY (SELECT * FROM read_json({literal(source)}, records='true', maximum_depth={MAX_DEPTH})) "
            f"TO {literal(target)} (FORMAT parquet)"
        )
    except duckdb.Error as error:
        print(str(error), file=sys.stderr)
        return EXIT_READ_ERROR
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1], sys.argv[2]))
