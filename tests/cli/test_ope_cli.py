"""``analyze PROJECT ope`` end to end on the demo table, through ``python -m tradeoff_studio.cli.main``."""

from __future__ import annotations

import json
from pathlib import Path

from support.cli import cli

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "ope_results.parquet"


def test_analyze_ope_on_the_demo(tmp_path: Path) -> None:
    project = tmp_path / "ope.tsproj"
    created = cli("new", project)
    assert created.returncode == 0, created.stderr
    imported = cli("import", project, DEMO)
    assert imported.returncode == 0, imported.stderr
    flags = ["--table", "ope_results", "--policy", "policy", "--estimator", "estimator",
             "--estimate", "estimated_value", "--true-value", "true_value",
             "--behaviour", "is_behaviour"]  # fmt: skip
    done = cli("analyze", project, "ope", *flags, "--name", "shortlist", "--json")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["name"] == "shortlist" and record["kind"] == "ope"
    assert record["objectives"] == ["sharpe_ratio_at_k:max"] and record["knobs"] == ["estimator", "k"]
    assert "1/k" in record["notes"]["std_convention"] and record["notes"]["behaviour_policy"] == "policy_00"
    text = cli("analyze", project, "ope", *flags)
    assert "std@k: population standard deviation over the top k (divisor 1/k)" in text.stdout
    wrong = cli("analyze", project, "ope", *flags[:-1], "policy")
    assert wrong.returncode == 1 and "behaviour" in wrong.stderr
