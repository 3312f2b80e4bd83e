"""Read JSON in a child process: a hostile file can crash DuckDB's JSON reader, never the app.

DuckDB's JSON reader overflows its stack on documents nested tens of thousands of levels deep
(seen with 100,000 levels: a segmentation fault). The child converts the file to Parquet in a
private folder within a time limit; the parent then imports that Parquet as usual. A crash, a
hang or an error becomes a :class:`DataImportError` naming the file.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

from ..errors import DataImportError
from ..sql import literal

MAX_DEPTH = 64  # deeper structure is kept as JSON text, not unfolded into nested types
TIMEOUT_SECONDS = 600.0
EXIT_READ_ERROR = 2


def convert(path: Path, target: Path, *, timeout: float = TIMEOUT_SECONDS) -> str | None:
    """Convert JSON/NDJSON records at ``path`` to Parquet at ``target``.

    Returns None on success, or DuckDB's error text for the caller to translate.
    """
    try:
        child = subprocess.run(
            [sys.executable, "-m", __name__, str(path), str(target)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise DataImportError(f"{path} took longer than {timeout:.0f} s to read as JSON; refused.") from None
    if child.returncode == 0:
        return None
    if child.returncode == EXIT_READ_ERROR:
        return child.stderr
    raise DataImportError(
        f"{path} could not be read as JSON: the reader stopped abnormally (exit {child.returncode}). "
        "The file may be malformed or nested too deeply."
    )


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
