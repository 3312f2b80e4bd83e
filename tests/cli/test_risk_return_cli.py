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
    stated = record["notes"]["conventions"]
    assert stated["ddof"] == 1 and stated["cvar"]["horizon"] == "one period (daily)"
    assert (
        stated["figures"]["oos_*"] == "realised on the test window" and record["notes"]["dropped_dates"] == 0
    )
    window = ["--from", "2019-06-03", "--to", "2024-06-28"]
    text = cli("analyze", project, "risk-return", *flags, "--covariance", "ledoit-wolf", *window)
    assert text.returncode == 0, text.stderr
    assert "Window: --from 2019-06-03 --to 2024-06-28 (the dates analysed" in text.stdout
    assert "Conventions: simple returns, as given; 252 periods a year; std with ddof=1" in text.stdout
    assert "with the Ledoit-Wolf covariance" in text.stdout and "CVaR at 95%: mean loss" in text.stdout
    assert "Risk-free rate 0.00% a year" in text.stdout and "rebalancing every period" in text.stdout
    assert "Fitted on 2019-06-03 .. 2023-12-29" in text.stdout and ".. 2024-06-28 (" in text.stdout
    assert "Returns: simple returns, as given; daily" in text.stdout and "shrinkage" in text.stdout
    assert "Target return 80.00% not met: No portfolio" in text.stdout
    assert (
        "Named portfolio max-sharpe: return" in text.stdout and "Named portfolio risk-parity" in text.stdout
    )
    on_sharpe = cli("decide", project, "frontier", "--weights", "sharpe=1", "--rationale", "best Sharpe")
    assert on_sharpe.returncode == 1 and "decide with --candidate max-sharpe" in on_sharpe.stderr
    tangency = cli("decide", project, "frontier", "--candidate", "max-sharpe", "--rationale", "tangency")
    assert tangency.returncode == 0, tangency.stderr
    decided = cli(
        "decide", project, "frontier", "--constraint", "volatility<=0.1", "--rationale", "10% budget",
        "--supersedes", json.loads(cli("decisions", project, "--json").stdout)[0]["id"],
    )  # fmt: skip
    assert decided.returncode == 0, decided.stderr
    assert "weights volatility=0" in decided.stdout  # a cap with no weights: the most return under it
    listed = cli("decisions", project, "--analysis", "frontier").stdout
    assert "weights" in listed.splitlines()[0] and "volatility=0" in listed
    assert any("max-sharpe" in line and " manual " in line and " - " in line for line in listed.splitlines())


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


def test_nonsense_is_refused_naming_the_column_and_the_project_is_unchanged(
    tmp_path: Path, state: object
) -> None:
    """Observation 1: prices read as returns, a volume column and ``--target-volatility 12``."""
    from support.returns_tables import prices_of, wide_returns
    from tradeoff_studio.core.project import open_project

    project = tmp_path / "prices.tsproj"
    prices = prices_of(wide_returns(30)).assign(volume=[1_000_000 * (i % 7 + 1) for i in range(30)])
    prices.to_csv(tmp_path / "quotes.csv", index=False)
    cli("new", project)
    assert cli("import", project, tmp_path / "quotes.csv").returncode == 0
    with open_project(project) as opened:
        before = state(opened)  # type: ignore[operator]
    base = ["analyze", project, "risk-return", "--table", "quotes", "--resamples", "20", "--points", "5"]
    as_returns = cli(*base, "--returns", "--assets", "stocks,bonds,gold,cash")
    assert as_returns.returncode == 1 and "Column 'stocks' of table 'quotes'" in as_returns.stderr
    assert "looks like prices. Use --prices" in as_returns.stderr and "Warning" not in as_returns.stderr
    volume = cli(*base, "--prices")
    assert volume.returncode == 1 and "'volume' of table 'quotes' holds whole numbers" in volume.stderr
    budget = cli(*base, "--prices", "--target-volatility", "12")
    assert (
        budget.returncode == 1
        and "--target-volatility 12 would mean 1200%: did you mean 12%?" in budget.stderr
    )
    with open_project(project) as opened:
        assert state(opened) == before  # type: ignore[operator]
    thin = cli(*base, "--prices", "--assets", "stocks,bonds,gold,cash", "--target-volatility", "12%")
    assert thin.returncode == 0, thin.stderr
    assert "Warning: The fit window has 29 periods for 4 assets (fewer than 10 per asset)" in thin.stdout


def test_objectives_with_cvar_trace_the_mean_cvar_frontier_and_say_so(tmp_path: Path) -> None:
    """Observation 5: ``return:max,cvar:min`` optimises CVaR (labelled with level and horizon)."""
    project = tmp_path / "returns.tsproj"
    cli("new", project)
    cli("import", project, DEMO / "asset_returns.parquet")
    flags = ["--table", "asset_returns", "--returns", "--points", "15", "--resamples", "20",
             "--objectives", "return:max,cvar:min"]  # fmt: skip
    done = cli("analyze", project, "risk-return", *flags, "--name", "cvar", "--json")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)  # HiGHS's banner stays out of the JSON
    optimised = record["notes"]["optimised"]
    assert optimised["measure"] == "cvar" and optimised["failed_points"] == []
    assert optimised["label"].startswith("CVaR 95% (horizon one period (daily)")
    text = cli("analyze", project, "risk-return", *flags, "--cvar-level", "0.9", "--name", "cvar90")
    assert text.returncode == 0, text.stderr
    assert "Frontier: CVaR 90% (horizon one period (daily); loss as a fraction of wealth" in text.stdout
    assert "Optimised: mean–CVaR frontier by the Rockafellar–Uryasev linear program" in text.stdout
    assert "HiGHS" in text.stdout and "Running HiGHS" not in text.stdout
    evaluated = ["--objectives", "return:max,max_drawdown:min", "--name", "dd"]
    drawdown = cli("analyze", project, "risk-return", *flags[:-2], *evaluated)
    assert drawdown.returncode == 0, drawdown.stderr
    assert "max_drawdown evaluated on these portfolios, not optimised" in drawdown.stdout
    semi = ["--objectives", "return:max,semideviation:min", "--name", "semi"]
    downside = cli("analyze", project, "risk-return", *flags[:-2], *semi)
    assert downside.returncode == 0, downside.stderr
    assert "Optimised: mean–semideviation frontier by exact minimum semivariance" in downside.stdout
    assert "Frontier: semideviation (annualised; below the portfolio's own mean" in downside.stdout


def test_group_bounds_from_a_groups_table_and_refusals_leave_the_project_unchanged(
    tmp_path: Path, state: object
) -> None:
    project = tmp_path / "returns.tsproj"
    cli("new", project)
    from tradeoff_studio.core.project import open_project

    groups = tmp_path / "sectors.csv"
    cli("import", project, DEMO / "asset_returns.parquet")
    with open_project(project) as opened:
        columns = opened.con.execute("SELECT * FROM asset_returns LIMIT 0").df().columns
    assets = [c for c in columns if c != "date"]
    rows = "".join(f"{a},{'first' if i < 2 else 'rest'}\n" for i, a in enumerate(assets))
    groups.write_text("asset,group\n" + rows)
    assert cli("import", project, groups).returncode == 0
    base = ["analyze", project, "risk-return", "--table", "asset_returns", "--returns", "--points", "8",
            "--resamples", "10", "--groups", "sectors"]  # fmt: skip
    done = cli(*base, "--group-bounds", "first=0,0.2", "--name", "capped")
    assert done.returncode == 0, done.stderr
    assert "Group bound: first (2 assets) weighs 0 to 0.2 at every point." in done.stdout
    assert "Optimised: mean–variance frontier by the mean–variance quadratic program" in done.stdout
    with open_project(project) as opened:
        before = state(opened)  # type: ignore[operator]
    impossible = cli(*base, "--group-bounds", "first=0,0.1", "--group-bounds", "rest=0,0.5", "--name", "no")
    assert impossible.returncode == 1
    assert "meets the weight bounds together with the group bounds" in impossible.stderr
    unknown = cli(*base, "--group-bounds", "tech=0,0.4", "--name", "no")
    assert unknown.returncode == 1 and "names group 'tech', which no asset belongs to" in unknown.stderr
    with open_project(project) as opened:
        assert state(opened) == before  # type: ignore[operator]


def test_gross_exposure_with_shorting_is_capped_and_stated(tmp_path: Path) -> None:
    project = tmp_path / "returns.tsproj"
    cli("new", project)
    cli("import", project, DEMO / "asset_returns.parquet")
    done = cli("analyze", project, "risk-return", "--table", "asset_returns", "--returns", "--points", "6",
               "--resamples", "10", "--bounds=-0.3,1", "--max-gross", "160%", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["notes"]["limits"] == [{"limit": "gross exposure", "value": 1.6}]
    assert "quadratic program" in record["notes"]["optimised"]["method"]
    alone = cli(
        "analyze", project, "risk-return", "--table", "asset_returns", "--returns", "--max-turnover", "0.2"
    )
    assert alone.returncode == 1 and "--max-turnover and --current-weights TABLE" in alone.stderr


def test_walk_forward_columns_and_statement(tmp_path: Path) -> None:
    project = tmp_path / "returns.tsproj"
    cli("new", project)
    cli("import", project, DEMO / "asset_returns.parquet")
    flags = ["--table", "asset_returns", "--returns", "--points", "5", "--resamples", "10", "--rebalance",
             "quarterly", "--window", "250", "--cost-bps", "10", "--name", "wf"]  # fmt: skip
    done = cli("analyze", project, "risk-return", *flags)
    assert done.returncode == 0, done.stderr
    assert "Walk-forward: rebalanced quarterly (" in done.stdout and "costs 10 bps of turnover" in done.stdout
    exported = cli("candidates", project, "wf", "--json")
    rows = json.loads(exported.stdout)
    rows = rows["candidates"] if isinstance(rows, dict) else rows
    assert all(
        key in rows[0] for key in ("wf_return", "wf_volatility", "wf_max_drawdown", "wf_turnover", "wf_costs")
    )
    lone = cli("analyze", project, "risk-return", "--table", "asset_returns", "--returns", "--cost-bps", "5")
    assert lone.returncode == 1 and "add --rebalance monthly|quarterly|N" in lone.stderr


def test_import_refuses_ambiguous_dates_until_a_format_is_given(tmp_path: Path) -> None:
    """Observation 3: '01/04/2010' was a dead end; now it is named as ambiguous, with the option to pass."""
    project = tmp_path / "returns.tsproj"
    cli("new", project)
    prices = tmp_path / "quotes.csv"
    days = [f"{d:02d}/01/2010" for d in range(1, 13)]  # every day is also a month: ambiguous
    prices.write_text("Date,AAA,BBB\n" + "".join(f"{d},{100 + i},{50 + i % 3}\n" for i, d in enumerate(days)))
    refused = cli("import", project, prices)
    assert (
        refused.returncode == 1 and "--date-format '%d/%m/%Y' or --date-format '%m/%d/%Y'" in refused.stderr
    )
    done = cli("import", project, prices, "--date-format", "%d/%m/%Y")
    assert done.returncode == 0, done.stderr
    from tradeoff_studio.core.project import open_project

    with open_project(project) as opened:
        first, last = opened.con.execute('SELECT min("Date"), max("Date") FROM quotes').fetchone()
    assert (str(first), str(last)) == ("2010-01-01", "2010-01-12")  # day first, as given


def test_candidates_show_the_committee_figures_by_default_and_columns_on_request(tmp_path: Path) -> None:
    """Observation 8: Sharpe, CVaR, drawdown and out-of-sample figures readable in the terminal."""
    project = tmp_path / "returns.tsproj"
    cli("new", project)
    cli("import", project, DEMO / "asset_returns.parquet")
    flags = [
        "--table",
        "asset_returns",
        "--returns",
        "--points",
        "5",
        "--resamples",
        "10",
        "--split",
        "2024-01-01",
    ]
    assert cli("analyze", project, "risk-return", *flags, "--name", "rr").returncode == 0
    header = cli("candidates", project, "rr").stdout.splitlines()[0].split()
    assert header[:4] == ["candidate_id", "source", "return", "volatility"]
    assert {"sharpe", "cvar", "max_drawdown", "oos_return", "oos_volatility"} <= set(header)
    picked = (
        cli("candidates", project, "rr", "--columns", "sharpe,weight_gold").stdout.splitlines()[0].split()
    )
    assert picked == ["candidate_id", "sharpe", "weight_gold"]
    wrong = cli("candidates", project, "rr", "--columns", "sharp")
    assert wrong.returncode == 1 and "--columns names 'sharp'" in wrong.stderr and "sharpe" in wrong.stderr


def test_decide_prints_the_weights_as_a_sorted_table(tmp_path: Path) -> None:
    """Observation 8: the weights were one long line; now a table, largest first, zeros named once."""
    project = tmp_path / "returns.tsproj"
    cli("new", project)
    cli("import", project, DEMO / "asset_returns.parquet")
    flags = ["--table", "asset_returns", "--returns", "--points", "5", "--resamples", "10", "--name", "rr"]
    assert cli("analyze", project, "risk-return", *flags).returncode == 0
    card = cli("decide", project, "rr", "--candidate", "max-sharpe", "--rationale", "x", "--dry-run").stdout
    lines = card.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Weights ("))
    assert lines[start + 1].split() == ["asset", "weight"]
    rows = []
    for line in lines[start + 3 :]:
        if not line.startswith("  ") or line.startswith("  At 0:"):
            break
        rows.append(float(line.split()[-1].rstrip("%")))
    assert rows == sorted(rows, reverse=True) and abs(sum(rows) - 100.0) < 0.05


def test_min_weight_is_met_and_its_method_stated_and_refusals_leave_the_project_unchanged(
    tmp_path: Path, state: object
) -> None:
    from tradeoff_studio.core.project import open_project

    project = tmp_path / "returns.tsproj"
    cli("new", project)
    cli("import", project, DEMO / "asset_returns.parquet")
    base = ["analyze", project, "risk-return", "--table", "asset_returns", "--returns", "--points", "6",
            "--resamples", "10"]  # fmt: skip
    done = cli(*base, "--min-weight", "5%", "--name", "sized", "--json")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["notes"]["optimised"]["min_weight"]["value"] == 0.05
    text = cli(*base, "--min-weight", "5%", "--name", "sized-text")
    assert "Minimum position 0.05 (each weight 0 or at least that): not guaranteed optimal" in text.stdout
    with open_project(project) as opened:
        before = state(opened)  # type: ignore[operator]
    bare = cli(*base, "--min-weight", "5", "--name", "no")
    assert bare.returncode == 1 and "did you mean 5%?" in bare.stderr
    short = cli(*base, "--min-weight", "5%", "--bounds=-0.1,1", "--name", "no")
    assert short.returncode == 1 and "--min-weight is for long positions" in short.stderr
    with open_project(project) as opened:
        assert state(opened) == before  # type: ignore[operator]
