"""``analyze … model-variants`` with --map, --reference, --threads, --batch-sizes and --where (issue #17)."""

from __future__ import annotations

from pathlib import Path

import onnx
import pytest

from support.inprocess_cli import Cli, in_process_cli
from support.onnx_builders import logistic
from tradeoff_studio.core.inference.registry import add_model
from tradeoff_studio.core.project import create_project

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo" / "credit_applications.parquet"
FLAGS = ["--table", "credit", "--label", "default", "--provider", "cpu", "--repeats", "20",
         "--resamples", "50", "--bulk-size", "1000"]  # fmt: skip


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    return in_process_cli(capsys)


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    path = tmp_path / "variants.tsproj"
    project = create_project(path)
    project.con.execute(
        'CREATE TABLE credit AS SELECT * RENAME (employment_years AS "employment-years") '
        "FROM read_parquet(?) WHERE applicant_id % 40 = 0",
        [str(DEMO)],
    )
    add_model(project, REPO / "models" / "credit_mlp.onnx")
    add_model(project, REPO / "models" / "credit_mlp_int8.onnx")
    onnx.save(logistic(["age", "income", "debt_to_income"], matrix=True), tmp_path / "bare.onnx")
    add_model(project, tmp_path / "bare.onnx")
    project.close()
    return path


def test_reference_threads_sweep_and_the_printed_notes(cli: Cli, project_file: Path) -> None:
    status, out, err = cli("analyze", project_file, "model-variants", *FLAGS, "--model",
                           "credit_mlp,credit_mlp_int8", "--reference", "credit_mlp", "--threads", "1",
                           "--batch-sizes", "1,16")  # fmt: skip
    assert status == 0, err
    assert "Input matched by name (credit_mlp): employment_years ← employment-years." in out
    assert "Warning: quality was measured on every row of table 'credit'" in out
    assert "Timing: interleaved round-robin, threads 1; per-call overhead of an empty session" in out
    assert "p50 ms at 16 row(s): credit_mlp" in out
    header = out.splitlines()[1]
    assert "quant ops" in header and "agreement" in header
    status, out, err = cli("analyze", project_file, "model-variants", *FLAGS, "--model", "credit_mlp",
                           "--where", "applicant_id % 80 = 0")  # fmt: skip
    assert status == 0, err
    assert "Warning" not in out


def test_map_reaches_a_matrix_input(cli: Cli, project_file: Path) -> None:
    status, _, err = cli("analyze", project_file, "model-variants", *FLAGS, "--model", "bare")
    assert status == 1 and "--map" in err
    status, out, err = cli("analyze", project_file, "model-variants", *FLAGS, "--model", "bare",
                           "--map", "X=age,income,debt_to_income")  # fmt: skip
    assert status == 0, err
    assert "bare" in out
    status, _, err = cli("analyze", project_file, "model-variants", *FLAGS, "--model", "bare", "--map", "X")
    assert status == 1 and "--map expects INPUT=COL" in err
