"""The committed demo datasets of the trade-off engine are exactly what their seeded scripts make."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo"


# Floats a script computes may differ in the last bits between CPUs (libm, SIMD kernels): the
# committed data must match its script to this relative tolerance, not bit for bit.
RELATIVE_TOLERANCE = 1e-12
ABSOLUTE_TOLERANCE = 1e-15


def regenerate(script: str, *args: str, threads: str | None = None) -> None:
    env = dict(os.environ)
    if threads is not None:
        env |= {"OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads}
    done = subprocess.run(
        [sys.executable, str(DEMO / script), *args], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr


def assert_same_table(made: Path, committed: Path) -> None:
    """Same schema and rows; non-float columns equal, floats within the stated tolerance."""
    ours, theirs = pq.read_table(made), pq.read_table(committed)
    assert ours.schema == theirs.schema, f"{committed.name}: columns differ from its script's"
    assert ours.num_rows == theirs.num_rows, f"{committed.name}: row count differs from its script's"
    for name in ours.column_names:
        mine, stored = ours[name], theirs[name]
        if pa.types.is_floating(mine.type):
            np.testing.assert_allclose(
                mine.to_numpy(), stored.to_numpy(), rtol=RELATIVE_TOLERANCE, atol=ABSOLUTE_TOLERANCE,
                err_msg=f"{committed.name}: column {name} differs from its script's",
            )  # fmt: skip
        else:
            assert mine.equals(stored), f"{committed.name}: column {name} differs from its script's"


def test_returns_demo_and_portfolios_are_reproducible(tmp_path: Path) -> None:
    returns, portfolios = tmp_path / "asset_returns.parquet", tmp_path / "model_portfolios.parquet"
    regenerate("make_returns_demo.py", "--out", str(returns), "--portfolios-out", str(portfolios))
    assert_same_table(returns, DEMO / "asset_returns.parquet")
    assert_same_table(portfolios, DEMO / "model_portfolios.parquet")


def test_returns_demo_is_the_same_bits_with_any_blas_thread_count(tmp_path: Path) -> None:
    """No BLAS/LAPACK reduction in the generator: 1 and 3 BLAS threads give identical files."""
    made = {}
    for threads in ("1", "3"):
        returns, portfolios = tmp_path / f"r{threads}.parquet", tmp_path / f"p{threads}.parquet"
        regenerate("make_returns_demo.py", "--out", str(returns), "--portfolios-out", str(portfolios),
                   threads=threads)  # fmt: skip
        made[threads] = (pq.read_table(returns), pq.read_table(portfolios))
    assert made["1"][0].equals(made["3"][0]) and made["1"][1].equals(made["3"][1])


@pytest.mark.parametrize("script", ["make_cost_quality_demo.py", "make_ope_demo.py"])
def test_engine_demos_are_reproducible(tmp_path: Path, script: str) -> None:
    name = {"make_cost_quality_demo.py": "llm_eval_log.parquet", "make_ope_demo.py": "ope_results.parquet"}
    made = tmp_path / name[script]
    regenerate(script, "--out", str(made))
    assert_same_table(made, DEMO / name[script])
    if script == "make_cost_quality_demo.py":
        assert (tmp_path / "llm_prices.csv").read_text() == (DEMO / "llm_prices.csv").read_text()
