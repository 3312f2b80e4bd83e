"""The command line as a user runs it: real subprocesses, exit codes, stdout and stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from support.cli import cli
from tradeoff_studio.core.paths import models_dir, resources_dir

DEMO = resources_dir() / "demo" / "credit_applications.parquet"


def test_new_import_info_round_trip(tmp_path: Path) -> None:
    project = tmp_path / "credit.tsproj"
    assert cli("new", project).returncode == 0
    csv = tmp_path / "branches.csv"
    csv.write_text("branch,region\n1,north\n2,south\n")
    result = cli("import", project, DEMO, csv)
    assert result.returncode == 0, result.stderr
    assert "Imported 60,000 rows" in result.stdout
    info = json.loads(cli("info", project, "--json").stdout)
    tables = {table["name"]: table for table in info["tables"]}
    assert tables["credit_applications"]["rows"] == 60_000
    assert tables["branches"]["provenance"]["sources"][0]["sha256"]
    assert tables["branches"]["provenance"]["reader_options"]["delimiter"] == ","
    text = cli("info", project).stdout
    assert "credit_applications" in text and "60,000" in text


def test_user_errors_exit_non_zero_without_traceback(tmp_path: Path) -> None:
    project = tmp_path / "p.tsproj"
    cli("new", project)
    bad = tmp_path / "ragged.csv"
    bad.write_text("a,b\n1,2\n3\n")
    for args, expected in [
        (("import", project, bad), "ragged.csv, line 3"),
        (("info", tmp_path / "missing.tsproj"), "does not exist"),
        (("new", project), "already exists"),
        (("models", "inspect", project, "nope"), "nope"),
        (("import", project, bad, "--types", "oops"), "--types expects NAME=VALUE"),
    ]:
        result = cli(*args)
        assert result.returncode == 1, (args, result.stderr)
        assert expected in result.stderr
        assert "Traceback" not in result.stderr


def test_models_add_list_inspect(tmp_path: Path) -> None:
    project = tmp_path / "p.tsproj"
    cli("new", project)
    added = cli("models", "add", project, models_dir() / "credit_logreg.onnx", "--name", "lr")
    assert added.returncode == 0, added.stderr
    listing = json.loads(cli("models", "list", project, "--json").stdout)
    assert [model["name"] for model in listing] == ["lr"]
    inspect = cli("models", "inspect", project, "lr")
    assert "income" in inspect.stdout and "probabilities" in inspect.stdout


@pytest.mark.parametrize("provider", ["auto", "cpu"])
def test_score_records_provider(tmp_path: Path, provider: str) -> None:
    project = tmp_path / "p.tsproj"
    cli("new", project)
    cli("import", project, DEMO)
    cli("models", "add", project, models_dir() / "credit_mlp.onnx")
    result = cli(
        "score", project, "--model", "credit_mlp", "--table", "credit_applications", "--provider", provider
    )
    assert result.returncode == 0, result.stderr
    assert "on CPUExecutionProvider" in result.stdout
    assert "onnxruntime" not in result.stderr.lower() or "[E:" not in result.stderr
    info = json.loads(cli("info", project, "--json").stdout)
    (score,) = info["score_columns"]
    assert (score["column"], score["provider"], score["rows"]) == (
        "score_credit_mlp",
        "CPUExecutionProvider",
        60_000,
    )


def test_cuda_requested_without_gpu_is_a_clear_error(tmp_path: Path) -> None:
    project = tmp_path / "p.tsproj"
    cli("new", project)
    cli("import", project, DEMO)
    cli("models", "add", project, models_dir() / "credit_logreg.onnx")
    result = cli(
        "score", project, "--model", "credit_logreg", "--table", "credit_applications", "--provider", "cuda"
    )
    assert result.returncode == 1
    assert "CUDA" in result.stderr and "Traceback" not in result.stderr


def test_audit_lists_actions(tmp_path: Path) -> None:
    project = tmp_path / "p.tsproj"
    cli("new", project)
    cli("import", project, DEMO)
    trail = json.loads(cli("audit", project, "--json").stdout)
    assert [entry["action"] for entry in trail] == ["import"]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT delivery differs on Windows")
def test_ctrl_c_cancels_import_cleanly(tmp_path: Path) -> None:
    import signal

    project = tmp_path / "p.tsproj"
    cli("new", project)
    big = tmp_path / "big.csv"
    with big.open("w") as handle:
        handle.write("id,x,label\n")
        handle.writelines(f"{i},{i * 0.5},name{i % 97}\n" for i in range(3_000_000))
    child = subprocess.Popen(
        [sys.executable, "-m", "tradeoff_studio.cli.main", "import", str(project), str(big)],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stderr is not None
    assert "%" in child.stderr.readline()  # the first progress line
    child.send_signal(signal.SIGINT)
    _out, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert "Cancelled: nothing was written" in err
    info = json.loads(cli("info", project, "--json").stdout)
    assert info["tables"] == []
