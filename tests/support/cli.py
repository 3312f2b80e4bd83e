"""Run the real command line in a subprocess, as a user would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``tradeoff-studio ARGS…`` through ``python -m tradeoff_studio.cli.main``; output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "tradeoff_studio.cli.main", *map(str, args)], capture_output=True, text=True
    )
