"""``analyze PROJECT model-variants`` end to end on the credit demo, through the CLI module."""

from __future__ import annotations

import json
from pathlib import Path

from support.cli import cli

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo" / "credit_applications.parquet"


def test_mlp_against_its_int8_variant_on_the_demo(tmp_path: Path) -> None:
    project = tmp_path / "variants.tsproj"
    for step in (("new", project), ("import", project, DEMO),
                 ("models", "add", project, REPO / "models" / "credit_mlp.onnx"),
                 ("models", "add", project, REPO / "models" / "credit_mlp_int8.onnx")):  # fmt: skip
        done = cli(*step)
        assert done.returncode == 0, done.stderr
    flags = ["--table", "credit_applications", "--label", "default", "--provider", "cpu",
             "--repeats", "20", "--resamples", "50"]  # fmt: skip
    done = cli(
        "analyze", project, "model-variants", *flags, "--model", "credit_mlp,credit_mlp_int8", "--json"
    )
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["name"] == "model-variants-credit_applications" and record["kind"] == "model-variants"
    assert record["rows"] == 2 and record["objectives"] == ["quality:max", "latency_p95_ms:min"]
    assert record["inputs"]["models"] == ["credit_mlp", "credit_mlp_int8"]
    shown = cli("candidates", project, record["name"], "--json")
    assert shown.returncode == 0, shown.stderr
    rows = {row["system"]: row for row in json.loads(shown.stdout)}
    assert set(rows) == {"credit_mlp", "credit_mlp_int8"}
    for row in rows.values():
        assert row["provider"] == "CPUExecutionProvider" and 0.8 < row["quality"] < 0.9
        assert 0 < row["latency_p50_ms"] <= row["latency_p95_ms"] and row["peak_memory_mb"] > 0
    text = cli("analyze", project, "model-variants", *flags, "--model", "credit_mlp", "--repeats", "20")
    assert text.returncode == 0, text.stderr
    header = text.stdout.splitlines()[1].split()
    assert header[:4] == ["model", "provider", "accuracy", "AUC"] and "credit_mlp" in text.stdout

    broken = cli(
        "analyze", project, "model-variants", *flags, "--model", "credit_mlp", "--model", "credit_gbt"
    )
    assert broken.returncode == 1
    assert "No model named 'credit_gbt' in the project. Models: credit_mlp, credit_mlp_int8." in broken.stderr
    not_binary = cli(
        "analyze", project, "model-variants", *flags[:2], "--label", "age", "--model", "credit_mlp"
    )
    assert not_binary.returncode == 1 and "is not binary" in not_binary.stderr
