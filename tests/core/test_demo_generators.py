"""The committed demo datasets of the trade-off engine are exactly what their seeded scripts make."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo"


def regenerate(script: str, *args: str) -> None:
    done = subprocess.run([sys.executable, str(DEMO / script), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def assert_same_table(made: Path, committed: Path) -> None:
    assert pq.read_table(made).equals(pq.read_table(committed)), f"{committed.name} differs from its script"


def test_returns_demo_and_portfolios_are_reproducible(tmp_path: Path) -> None:
    returns, portfolios = tmp_path / "asset_returns.parquet", tmp_path / "model_portfolios.parquet"
    regenerate("make_returns_demo.py", "--out", str(returns), "--portfolios-out", str(portfolios))
    assert_same_table(returns, DEMO / "asset_returns.parquet")
    assert_same_table(portfolios, DEMO / "model_portfolios.parquet")


@pytest.mark.parametrize("script", ["make_cost_quality_demo.py", "make_ope_demo.py"])
def test_engine_demos_are_reproducible(tmp_path: Path, script: str) -> None:
    name = {"make_cost_quality_demo.py": "llm_eval_log.parquet", "make_ope_demo.py": "ope_results.parquet"}
    made = tmp_path / name[script]
    regenerate(script, "--out", str(made))
    assert_same_table(made, DEMO / name[script])
    if script == "make_cost_quality_demo.py":
        assert (tmp_path / "llm_prices.csv").read_text() == (DEMO / "llm_prices.csv").read_text()
