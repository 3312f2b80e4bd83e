"""``analyze PROJECT risk-return`` end to end on the demo returns, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from support.cli import cli

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo"


def test_analyze_risk_return_on_the_demo_and_decide(tmp_path: Path) -> None:
    project = tmp_path / "returns.tsproj"
    assert cli("new", project).returncode == 0
    imported = cli("import", project, DEMO / "asset_returns.parquet", DEMO / "model_portfolios.parquet")
    assert imported.returncode == 0, imported.stderr
    flags = ["--table", "asset_returns", "--returns", "--portfolios", "model_portfolios",
             "--split", "2024-01-01", "--target-return", "9%", "--target-return", "80%",
             "--points", "30", "--resamples", "50"]  # fmt: skip
    done = cli("analyze", project, "risk-return", *flags, "--name", "frontier", "--json")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["kind"] == "risk-return" and record["objectives"] == ["return:max", "volatility:min"]
    assert record["notes"]["returns"] == "simple returns, as given"
    assert "std per period x sqrt(252)" in record["notes"]["annualisation"]
    assert [t["value"] for t in record["notes"]["infeasible_targets"]] == [0.8]
    text = cli("analyze", project, "risk-return", *flags, "--covariance", "ledoit-wolf")
    assert text.returncode == 0, text.stderr
    assert "Returns: simple returns, as given; daily" in text.stdout and "shrinkage" in text.stdout
    assert "Target return 80.00% not met: No portfolio" in text.stdout
    decided = cli(
        "decide", project, "frontier", "--constraint", "volatility<=0.1", "--rationale", "10% budget"
    )
    assert decided.returncode == 0, decided.stderr


def test_broken_inputs_exit_1_with_the_reason(tmp_path: Path) -> None:
    project = tmp_path / "returns.tsproj"
    cli("new", project)
    cli("import", project, DEMO / "asset_returns.parquet")
    as_prices = cli("analyze", project, "risk-return", "--table", "asset_returns", "--prices")
    assert as_prices.returncode == 1 and "prices must be positive" in as_prices.stderr
    no_kind = cli("analyze", project, "risk-return", "--table", "asset_returns")
    assert no_kind.returncode == 2 and "--prices" in no_kind.stderr
    bad_rate = cli(
        "analyze", project, "risk-return", "--table", "asset_returns", "--returns", "--risk-free", "x"
    )
    assert bad_rate.returncode == 1 and "--risk-free expects a number" in bad_rate.stderr
    not_a_rate = cli(
        "analyze", project, "risk-return", "--table", "asset_returns", "--returns", "--risk-free", "nan"
    )
    assert not_a_rate.returncode == 1 and "--risk-free expects a number" in not_a_rate.stderr
