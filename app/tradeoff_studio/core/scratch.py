"""Private scratch folders for long jobs, removed on every exit path, and swept after a kill.

A folder is named ``tradeoff-<kind>-<pid>-<random>`` in the system's temporary folder. The
context manager removes it when the block ends, whether it returns, raises or is cancelled;
a process killed outright (``kill -9``, a power cut) cannot, so the next start of the app
removes every such folder whose process is no longer running.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PREFIX = "tradeoff-"
_NAME = re.compile(rf"^{PREFIX}[a-z]+-(\d+)-")


@contextmanager
def scratch_dir(kind: str) -> Iterator[Path]:
    """A new private folder for ``kind`` (e.g. ``"import"``), removed with its contents at the end."""
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{kind}-{os.getpid()}-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # os.kill(pid, 0) would terminate the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by someone else
        return True
    return True


def sweep_stale_scratch(root: Path | None = None) -> list[Path]:
    """Remove scratch folders left by processes that are no longer running; returns what went."""
    base = root or Path(tempfile.gettempdir())
    removed = []
    try:
        entries = list(base.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _NAME.match(entry.name)
        if match is None or _alive(int(match.group(1))) or not entry.is_dir() or entry.is_symlink():
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed
