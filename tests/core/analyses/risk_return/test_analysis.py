"""Risk–return analysis on project tables: layouts, value kinds, split, targets, given portfolios, errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from support.returns_tables import ASSETS, add_table, spec, wide_returns
from tradeoff_studio.core import analysis_workflows as flows
from tradeoff_studio.core.analyses.candidates import AnalysisError, Objective
from tradeoff_studio.core.analyses.risk_return.analysis import analyze_risk_return
from tradeoff_studio.core.analyses.risk_return.metrics import Bootstrap
from tradeoff_studio.core.data.importer import import_files
from tradeoff_studio.core.decisions.preferences import Constraint, Preferences
from tradeoff_studio.core.errors import CancelledError
from tradeoff_studio.core.jobs import CancelToken
from tradeoff_studio.core.project import Project

DEMO = Path(__file__).resolve().parents[4] / "resources" / "demo"


def test_frontier_candidates_carry_weights_and_realised_metrics(project: Project) -> None:
    frame = wide_returns()
    add_table(project, "wide", frame)
    table = analyze_risk_return(project, spec())
    front = table.frame[table.frame["source"] == "frontier"]
    assert len(front) == 20 and front["candidate_id"].iloc[0] == "frontier-001"
    weights = front[[f"weight_{a}" for a in ASSETS]].to_numpy()
    assert np.allclose(weights.sum(axis=1), 1.0) and (weights >= -1e-12).all()
    daily = frame[ASSETS].to_numpy() @ weights.T
    # with the sample covariance the model's return and volatility are the realised ones
    assert np.allclose(front["return"], daily.mean(axis=0) * 252)
    assert np.allclose(front["volatility"], daily.std(axis=0, ddof=1) * np.sqrt(252))
    assert front["on_front"].all() and (front["return_lo"] <= front["return"]).all()
    assert table.objectives == [Objective("return", "max"), Objective("volatility", "min")]
    assert table.notes["returns"] == "simple returns, as given" and table.notes["periods_per_year"] == 252
    assert "sqrt(252)" in table.notes["annualisation"]
    assert set(table.notes["derived_knobs"]) == {"portfolio"} | {f"weight_{a}" for a in ASSETS}


def test_long_layout_prices_and_log_returns_give_the_same_frontier(project: Project) -> None:
    frame = wide_returns()
    add_table(project, "wide", frame)
    long = frame.melt(id_vars="date", var_name="ticker", value_name="r").sample(frac=1.0, random_state=1)
    add_table(project, "long", long)
    prices = frame.copy()
    prices[ASSETS] = 100.0 * np.cumprod(1.0 + frame[ASSETS].to_numpy(), axis=0)
    first = pd.DataFrame({"date": [pd.Timestamp("2021-01-01").date()], **dict.fromkeys(ASSETS, 100.0)})
    add_table(project, "prices", pd.concat([first, prices], ignore_index=True))
    logs = frame.copy()
    logs[ASSETS] = np.log1p(frame[ASSETS].to_numpy())
    add_table(project, "logs", logs)
    reference = analyze_risk_return(project, spec()).frame
    for other in (
        spec("long", source={"long": ("date", "ticker", "r")}),
        spec("prices", "prices"),
        spec("logs", "log-returns"),
    ):
        got = analyze_risk_return(project, other)
        assert np.allclose(got.frame["volatility"], reference["volatility"], rtol=1e-9)
        assert np.allclose(got.frame["weight_gold"], reference["weight_gold"], atol=1e-9)
    assert "exp(r) - 1" in analyze_risk_return(project, spec("logs", "log-returns")).notes["returns"]


def test_split_adds_the_out_of_sample_view(project: Project) -> None:
    add_table(project, "wide", wide_returns(400))
    table = analyze_risk_return(project, spec(split="0.75", objectives=(Objective("oos_sharpe", "max"),)))
    assert table.notes["windows"]["fit"][2] == 300 and table.notes["windows"]["test"][2] == 100
    assert {"oos_return", "oos_return_lo", "oos_max_drawdown_hi"} <= set(table.frame.columns)
    by_date = analyze_risk_return(project, spec(split=str(table.notes["windows"]["test"][0])))
    assert by_date.notes["windows"] == table.notes["windows"]
    with pytest.raises(AnalysisError, match="need a split"):
        analyze_risk_return(project, spec(objectives=(Objective("oos_return", "max"),)))
    with pytest.raises(AnalysisError, match="each side needs at least 3"):
        analyze_risk_return(project, spec(split="2030-01-01"))


def test_targets_and_given_portfolios(project: Project) -> None:
    add_table(project, "wide", wide_returns())
    weights = pd.DataFrame({"portfolio": ["even"] * 4 + ["stocks only"], "asset": [*ASSETS, "stocks"],
                            "weight": [0.25] * 4 + [1.0]})  # fmt: skip
    add_table(project, "given", weights)
    plain = analyze_risk_return(project, spec()).frame
    middle = round(float(plain["return"].median()), 4)
    table = analyze_risk_return(
        project, spec(target_returns=(middle, 5.0), target_volatilities=(1e-6,), weights_table="given")
    )
    rows = table.frame.set_index("candidate_id")
    assert rows.loc[f"target-return-{middle:.4%}", "return"] == pytest.approx(middle)
    assert rows.loc["given:even", "source"] == "given"
    reasons = {(t["target"], t["value"]): t["reason"] for t in table.notes["infeasible_targets"]}
    assert "highest achievable" in reasons[("return", 5.0)]
    assert "minimum-variance portfolio" in reasons[("volatility", 1e-6)]
    gap = table.notes["given_portfolios"]["even"]
    assert gap["excess_volatility"] >= -1e-12 and not rows.loc["given:even", "on_front"]


def test_ledoit_wolf_volatility_band_surrounds_its_model_point(project: Project) -> None:
    add_table(project, "wide", wide_returns(120))
    shrunk = analyze_risk_return(project, spec(covariance="ledoit-wolf", bootstrap=Bootstrap(resamples=200)))
    plain = analyze_risk_return(project, spec(bootstrap=Bootstrap(resamples=200)))
    frame = shrunk.frame
    assert 0.0 < shrunk.notes["shrinkage"] < 1.0
    assert (frame["volatility_lo"] <= frame["volatility"]).all() and (
        frame["volatility"] <= frame["volatility_hi"]
    ).all()
    assert not np.allclose(
        frame["volatility_lo"], plain.frame["volatility_lo"]
    )  # its own band, not the realised


def test_monthly_dates_are_annualised_with_twelve_periods(project: Project) -> None:
    add_table(project, "wide", wide_returns(60, freq="MS"))
    table = analyze_risk_return(project, spec())
    assert table.notes["periods_per_year"] == 12 and "monthly" in table.notes["frequency"]


@pytest.mark.parametrize(
    ("change", "options", "message"),
    [
        (lambda f: f.assign(bonds=f["bonds"].where(f.index != 7)), {}, "'bonds' .* 1 missing value"),
        (lambda f: pd.concat([f, f.iloc[[5]]]), {}, "more than one row for date"),
        (lambda f: f.assign(gold=f["gold"].where(f.index != 3, -1.5)), {}, "cannot be below -1"),
        (lambda f: f.assign(note="x"), {}, "Column 'note' .* VARCHAR"),
        (lambda f: f, {"asset_bounds": (("silver", 0.0, 0.1),)}, "asset 'silver'"),
        (lambda f: f, {"upper": 0.2}, "upper weight bounds add up to 0.8"),
        (lambda f: f, {"lower": 0.5, "upper": 0.4}, "bounds 0.5,0.4 are crossed"),
        (lambda f: f, {"source": {"date": "gold"}}, "Column 'gold' .* must be a DATE or TIMESTAMP"),
        (lambda f: f, {"asset_bounds": (("gold", 0.5, 0.2),)}, "Asset 'gold' has the lower weight bound 0.5"),
    ],
)  # fmt: skip
def test_bad_tables_and_settings_say_what_to_do(
    project: Project, change: object, options: dict[str, object], message: str
) -> None:
    add_table(project, "wide", change(wide_returns()))  # type: ignore[operator]
    with pytest.raises(AnalysisError, match=message):
        analyze_risk_return(project, spec(**options))


def test_missing_values_can_be_dropped_and_prices_must_be_positive(project: Project) -> None:
    frame = wide_returns()
    add_table(project, "gappy", frame.assign(bonds=frame["bonds"].where(frame.index % 50 != 7)))
    table = analyze_risk_return(project, spec("gappy", source={"drop_missing": True}))
    assert table.notes["dropped_dates"] == 6
    add_table(project, "negative", frame.assign(gold=-1.0))
    with pytest.raises(AnalysisError, match="prices must be positive"):
        analyze_risk_return(project, spec("negative", "prices"))


def test_given_weights_must_add_up_and_name_known_assets(project: Project) -> None:
    add_table(project, "wide", wide_returns())
    add_table(project, "short", pd.DataFrame({"portfolio": ["p", "p"], "asset": ["stocks", "bonds"],
                                              "weight": [0.5, 0.3]}))  # fmt: skip
    add_table(project, "alien", pd.DataFrame({"portfolio": ["p"], "asset": ["tulips"], "weight": [1.0]}))
    with pytest.raises(AnalysisError, match=r"add up to 0\.8"):
        analyze_risk_return(project, spec(weights_table="short"))
    with pytest.raises(AnalysisError, match="tulips"):
        analyze_risk_return(project, spec(weights_table="alien"))
    project.con.execute(
        "CREATE TABLE whole AS SELECT 'all in' AS portfolio, 'gold' AS asset, 1::SMALLINT AS weight"
    )
    rows = analyze_risk_return(project, spec(weights_table="whole")).frame.set_index("candidate_id")
    assert rows.loc["given:all in", "weight_gold"] == 1.0


def test_cancel_stops_the_analysis(project: Project) -> None:
    add_table(project, "wide", wide_returns())
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        analyze_risk_return(project, spec(), cancel=token)


def test_demo_frontier_is_stored_and_a_decision_recorded(project: Project) -> None:
    import_files(project, [DEMO / "asset_returns.parquet", DEMO / "model_portfolios.parquet"])
    record = flows.analyze_risk_return(
        project, spec("asset_returns", split="2024-01-01", weights_table="model_portfolios")
    )
    assert record.kind == "risk-return" and record.rows == 24 + 6  # 20 frontier points, 4 given, 6 named
    stored = flows.get_candidates(project, record.name)
    assert "weight_gold" in stored.frame.columns and stored.notes["windows"]["test"][0] == "2024-01-01"
    prefs = Preferences(constraints=(Constraint.parse("volatility<=0.08"),))
    decision = flows.decide(project, record.name, preferences=prefs, rationale="8% volatility budget")
    chosen = stored.frame.set_index("candidate_id").loc[decision.candidate_id]
    assert chosen["volatility"] <= 0.08 and chosen["source"] == "frontier"
    evidence = flows.evaluate_decision(project, record.name, prefs)
    assert {item.knob for item in evidence.sensitivity} == {"target"}  # along the frontier


def test_infinite_values_and_asset_names_that_differ_only_in_case_are_refused(project: Project) -> None:
    frame = wide_returns()
    add_table(project, "spiky", frame.assign(gold=frame["gold"].where(frame.index != 9, np.inf)))
    for values in ("prices", "log-returns", "returns"):
        with pytest.raises(AnalysisError, match="'gold' in table 'spiky' has the value inf on 2021-01-15"):
            analyze_risk_return(project, spec("spiky", values))
    long = frame.melt(id_vars="date", var_name="ticker", value_name="r")
    add_table(project, "cased", pd.concat([long, long[long["ticker"] == "gold"].assign(ticker="Gold")]))
    with pytest.raises(AnalysisError, match=r"'(Gold|gold)' and '(gold|Gold)'"):
        analyze_risk_return(project, spec("cased", source={"long": ("date", "ticker", "r")}))
