"""``analyze PROJECT ope`` end to end on the demo table, through ``python -m tradeoff_studio.cli.main``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
    assert record["objectives"] == ["sharpe_ratio_at_k:max", "k:min"]
    assert record["knobs"] == ["estimator", "k"]
    assert "1/k" in record["notes"]["std_convention"] and record["notes"]["behaviour_policy"] == "policy_00"
    text = cli("analyze", project, "ope", *flags)
    assert "std@k: population standard deviation over the top k (divisor 1/k)" in text.stdout
    wrong = cli("analyze", project, "ope", *flags[:-1], "policy")
    assert wrong.returncode == 1 and "behaviour" in wrong.stderr


def _ope_csv(path: Path, estimate: str, truth: str) -> Path:
    """Behaviour b and policies p1, p2, p3 under estimator A; row 3 (p2) gets the given cells."""
    lines = ["policy,est,estimate,truth,is_b", "b,A,1.0,1.0,true", "p1,A,0.9,3.0,false",
             f"p2,A,{estimate},{truth},false", "p3,A,0.1,0.0,false"]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("estimate", "truth", "column"),
    [("", "2.0", "estimate"), ("NaN", "2.0", "estimate"), ("0.5", "", "truth"), ("0.5", "nan", "truth")],
)
def test_nan_or_empty_estimate_is_named_not_a_traceback(
    tmp_path: Path, estimate: str, truth: str, column: str
) -> None:
    project = tmp_path / "ope.tsproj"
    assert cli("new", project).returncode == 0
    imported = cli("import", project, _ope_csv(tmp_path / "ope.csv", estimate, truth), "--table", "ope")
    assert imported.returncode == 0, imported.stderr
    before = cli("info", project, "--json").stdout
    flags = ["--table", "ope", "--policy", "policy", "--estimator", "est", "--estimate", "estimate",
             "--true-value", "truth", "--behaviour", "is_b"]  # fmt: skip
    done = cli("analyze", project, "ope", *flags)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "AttributeError" not in done.stderr
    assert f"Row 3 of table 'ope' has no usable value in column '{column}'" in done.stderr
    assert "Fill it in, or leave that row out" in done.stderr
    assert cli("info", project, "--json").stdout == before
