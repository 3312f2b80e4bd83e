"""Features whose package the installed app leaves out say what is missing instead of crashing.

The bundle's spec excludes pyarrow (packaging/tradeoff-studio.spec); ``analyze --dataset`` is the one
feature that needs it. Here pyarrow is hidden from a real CLI subprocess (``sys.modules['pyarrow'] =
None`` makes every import of it fail, as in the bundle).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tradeoff_studio.core.optional import MissingPackageError, require

HIDE_PYARROW = (
    "import sys; sys.modules['pyarrow'] = None; from tradeoff_studio.cli.main import main; "
    "sys.exit(main(sys.argv[1:]))"
)


def test_require_passes_for_an_installed_package() -> None:
    require("numpy", "anything")


def test_require_names_the_package_the_feature_and_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(MissingPackageError) as found:
        require("tradeoff_studio_no_such_package", "analyze --dataset")
    message = str(found.value)
    assert "analyze --dataset needs the Python package 'tradeoff_studio_no_such_package'" in message
    assert "pip install tradeoff_studio_no_such_package" in message
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    with pytest.raises(MissingPackageError, match="installed desktop app leaves it out"):
        require("tradeoff_studio_no_such_package", "analyze --dataset")


def _hidden_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", HIDE_PYARROW, *args], capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip


@pytest.mark.parametrize(
    "analysis",
    [
        ["fairness", "--label", "y", "--sensitive", "g", "--score", "s"],
        ["cost-quality", "--system", "system", "--item", "item", "--correct", "correct", "--cost", "cost"],
    ],
)
def test_dataset_analysis_without_pyarrow_says_so_and_leaves_the_project_unchanged(
    tmp_path: Path, analysis: list[str]
) -> None:
    path = tmp_path / "p.tsproj"
    assert _hidden_cli("new", str(path)).returncode == 0
    before = path.read_bytes()
    kind, *options = analysis
    done = _hidden_cli("analyze", str(path), kind, "--dataset", str(tmp_path / "*.parquet"), *options)
    assert done.returncode == 1, done.stderr
    assert "analyze --dataset needs the Python package 'pyarrow'" in done.stderr
    assert "Traceback" not in done.stderr and path.read_bytes() == before
