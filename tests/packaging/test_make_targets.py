"""`make run` and `make test` stay two set-ups: running installs the runtime dependencies only."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _planned(target: str, venv: Path) -> list[str]:
    """The commands ``make TARGET`` would run on a machine without a virtualenv yet (dry run)."""
    done = subprocess.run(["make", "-n", target, f"VENV={venv}"], cwd=REPO, capture_output=True, text=True,
                          check=True)  # fmt: skip
    return done.stdout.splitlines()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_installs_only_the_runtime_dependencies(tmp_path: Path) -> None:
    installs = [line for line in _planned("run", tmp_path / "venv") if "pip install" in line]
    assert installs[-1].endswith("pip install --quiet -e .")
    assert not [line for line in installs if "[dev" in line or "ray" in line]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_test_adds_the_dev_extras(tmp_path: Path) -> None:
    installs = [line for line in _planned("test", tmp_path / "venv") if "pip install" in line]
    assert any(line.endswith('-e ".[dev,ray]"') for line in installs)  # Ray: the scale-out tests run in CI
