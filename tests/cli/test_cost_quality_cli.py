"""``analyze PROJECT cost-quality`` end to end on the demo log, via ``python -m tradeoff_studio.cli.main``."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from support.cli import cli

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo"


FLAGS = ["--table", "llm_eval_log", "--item", "item", "--system", "system", "--correct", "correct"]


def test_analyze_cost_quality_on_the_demo_and_decide(tmp_path: Path) -> None:
    project = tmp_path / "llm.tsproj"
    assert cli("new", project).returncode == 0
    imported = cli("import", project, DEMO / "llm_eval_log.parquet", DEMO / "llm_prices.csv")
    assert imported.returncode == 0, imported.stderr
    extra = [
        "--latency",
        "latency_ms",
        "--confidence",
        "confidence",
        "--human-cost",
        "0.05",
        "--resamples",
        "100",
    ]
    done = cli(
        "analyze", project, "cost-quality", *FLAGS, "--cost", "cost_usd", *extra, "--name", "cq", "--json"
    )
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["name"] == "cq" and record["kind"] == "cost-quality"
    assert record["objectives"] == ["quality:max", "cost:min"] and "threshold" in record["knobs"]
    assert record["notes"]["cost_axis"]["column"] == "cost_usd" and record["notes"]["human_cost"] == 0.05
    tokens = [
        "--input-tokens",
        "input_tokens",
        "--output-tokens",
        "output_tokens",
        "--price-table",
        "llm_prices",
    ]
    targets = ["--target-quality", "0.7", "--target-quality", "0.99", "--budget", "0.001"]
    text = cli("analyze", project, "cost-quality", *FLAGS, *tokens, *targets, "--resamples", "50")
    assert text.returncode == 0, text.stderr
    assert "Target out of reach: no system or mixture reaches a quality of 0.99" in text.stdout
    assert "Cost axis: (input_tokens × input_price" in text.stdout and "Frontier cost-of-pass" in text.stdout
    assert "Frontier cost-of-pass (per item): inf" in text.stdout  # the demo's broken items
    assert "item(s) no system solves; over the solved items alone: 0." in text.stdout
    shown = cli("candidates", project, "cq", "--front-only", "--json")
    assert shown.returncode == 0, shown.stderr
    front = json.loads(shown.stdout, parse_constant=lambda token: pytest.fail(f"not strict JSON: {token}"))
    assert any(row["kind"] == "cascade" for row in front)
    assert all(math.isfinite(row["cost_of_pass"]) for row in front)
    decided = cli("decide", project, "cq", "--constraint", "quality>=0.7", "--rationale", "70% at least cost")
    assert decided.returncode == 0, decided.stderr
    assert "Decision" in decided.stdout


def test_broken_column_and_missing_cost_fail_with_a_helpful_message(tmp_path: Path) -> None:
    project = tmp_path / "llm.tsproj"
    assert cli("new", project).returncode == 0
    assert cli("import", project, DEMO / "llm_eval_log.parquet").returncode == 0
    wrong = cli("analyze", project, "cost-quality", *FLAGS, "--cost", "price")
    assert (
        wrong.returncode == 1 and "no column 'price'" in wrong.stderr and "cost_usd (DOUBLE)" in wrong.stderr
    )
    neither = cli("analyze", project, "cost-quality", *FLAGS)
    assert neither.returncode == 1 and "--price-table" in neither.stderr


RAGGED = ["item,system,ok,usd", "i1,a,1,1", "i2,a,0,1", "i3,a,1,1",
          "i1,b,1,3", "i2,b,1,3", "i3,b,0,3", "i4,b,1,3"]  # fmt: skip


def test_ragged_log_refused_by_default_then_common_or_incorrect(tmp_path: Path) -> None:
    project = tmp_path / "rag.tsproj"
    (tmp_path / "rag.csv").write_text("\n".join(RAGGED) + "\n", encoding="utf-8")
    assert cli("new", project).returncode == 0
    assert cli("import", project, tmp_path / "rag.csv", "--table", "rag").returncode == 0
    flags = ["--table", "rag", "--item", "item", "--system", "system", "--correct", "ok", "--cost", "usd",
             "--resamples", "20"]  # fmt: skip
    before = cli("info", project, "--json").stdout
    refused = cli("analyze", project, "cost-quality", *flags)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "'a' lacks 1 item" in refused.stderr
    assert "--missing common" in refused.stderr and "--missing incorrect" in refused.stderr
    assert cli("info", project, "--json").stdout == before
    common = cli("analyze", project, "cost-quality", *flags, "--missing", "common", "--name", "c", "--json")
    assert common.returncode == 0, common.stderr
    notes = json.loads(common.stdout)["notes"]["missing"]
    assert notes["dropped_per_system"] == {"a": 0, "b": 1} and notes["items_kept"] == 3
    text = cli("analyze", project, "cost-quality", *flags, "--missing", "common", "--name", "c2")
    assert "kept the 3 of 4 items every system answered; answers dropped per system: a 0, b 1." in text.stdout
    wrong = cli("analyze", project, "cost-quality", *flags, "--missing", "incorrect", "--missing-cost", "2",
                "--name", "w", "--json")  # fmt: skip
    assert wrong.returncode == 0, wrong.stderr
    assert json.loads(wrong.stdout)["notes"]["missing"]["missing_cost"] == 2.0
    rows = json.loads(cli("candidates", project, "w", "--json").stdout)
    a = next(row for row in rows if row["candidate_id"] == "a")
    assert (a["quality"], a["cost"]) == (0.5, 1.25)  # (1 + 0 + 1 + 0) / 4 at (1 + 1 + 1 + 2) / 4
    negative = cli(
        "analyze", project, "cost-quality", *flags, "--missing", "incorrect", "--missing-cost", "-1"
    )
    assert negative.returncode == 1 and "must lie between 0 and 1e+12" in negative.stderr
    unknown = cli("analyze", project, "cost-quality", *flags, "--missing", "skip")
    assert unknown.returncode == 2 and "refuse" in unknown.stderr
