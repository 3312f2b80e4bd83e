"""Checked inputs (issue #16, observations 1 and 2): nonsense is refused or warned about, naming columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from support.returns_tables import ASSETS, add_table, prices_of, spec, wide_returns
from tradeoff_studio.core.analyses.candidates import AnalysisError
from tradeoff_studio.core.analyses.risk_return.analysis import analyze_risk_return
from tradeoff_studio.core.analyses.risk_return.kind import build, rate
from tradeoff_studio.core.project import Project


def test_prices_read_as_returns_are_refused_naming_the_column(project: Project) -> None:
    add_table(project, "prices", prices_of(wide_returns()))
    for values in ("returns", "log-returns"):
        with pytest.raises(
            AnalysisError, match=r"Column 'stocks' of table 'prices' was read as .* looks like prices"
        ):
            analyze_risk_return(project, spec("prices", values))


def test_returns_read_as_prices_are_refused(project: Project) -> None:
    frame = wide_returns()
    add_table(project, "signed", frame)
    with pytest.raises(
        AnalysisError, match=r"prices must be positive\. If the table holds returns, use --returns"
    ):
        analyze_risk_return(project, spec("signed", "prices"))
    add_table(project, "sizes", frame.assign(**{a: frame[a].abs() + 1e-5 for a in ASSETS}))
    with pytest.raises(
        AnalysisError, match="'stocks' of table 'sizes' was read as prices but changes by a median"
    ):
        analyze_risk_return(project, spec("sizes", "prices"))


@pytest.mark.parametrize(
    ("column", "message"),
    [
        (lambda n, rng: rng.integers(1_000_000, 9_000_000, n), "'volume' .* whole numbers in the millions"),
        (lambda n, rng: np.full(n, 7.0), "'volume' .* is constant .every value is 7.: it has no risk"),
        (
            lambda n, rng: rng.integers(1, 4, n).astype(float),
            r"'volume' .* only 3 distinct values \(1, 2, 3\) over 300 dates: it looks like a flag",
        ),
    ],
)
def test_a_column_that_is_not_a_series_is_refused(project: Project, column: object, message: str) -> None:
    frame = prices_of(wide_returns())
    frame["volume"] = column(len(frame), np.random.default_rng(1))  # type: ignore[operator]
    add_table(project, "quotes", frame)
    with pytest.raises(AnalysisError, match=message + ".*--assets"):
        analyze_risk_return(project, spec("quotes", "prices"))
    analyze_risk_return(project, spec("quotes", "prices", source={"assets": tuple(ASSETS)}))  # left out: runs


def test_a_stepwise_rate_is_a_warning_not_a_refusal(project: Project) -> None:
    frame = wide_returns()
    add_table(project, "wide", frame.assign(cash=[1e-4 if i < 150 else 1.2e-4 for i in range(len(frame))]))
    warned = analyze_risk_return(project, spec()).notes["warnings"]
    assert warned == [
        "Column 'cash' of table 'wide' has only 2 distinct values (0.0001, 0.00012) over 300 dates: check "
        "that it is a price or return series (a stale price or a fixed rate?)."
    ]


def test_history_too_short_is_refused_and_thin_history_warned(project: Project) -> None:
    add_table(project, "short", wide_returns(7))
    with pytest.raises(
        AnalysisError, match=r"fit window has 7 periods for 4 assets; at least 8 \(2 per asset\)"
    ):
        analyze_risk_return(project, spec("short"))
    add_table(project, "thin", wide_returns(30))
    warned = analyze_risk_return(project, spec("thin")).notes["warnings"]
    assert len(warned) == 1 and "30 periods for 4 assets (fewer than 10 per asset)" in warned[0]
    add_table(project, "long", wide_returns(60))
    assert analyze_risk_return(project, spec("long")).notes["warnings"] == []


def with_newcomer(present: int) -> pd.DataFrame:
    """Observation 2: one ticker listed only for the last ``present`` of 300 dates."""
    frame = wide_returns(300)
    values = np.random.default_rng(5).normal(0.0, 0.01, len(frame))
    return frame.assign(newco=np.where(np.arange(len(frame)) >= len(frame) - present, values, np.nan))


def test_drop_missing_names_the_short_asset_and_the_dates_it_removed(project: Project) -> None:
    add_table(project, "tiny", with_newcomer(9))
    with pytest.raises(AnalysisError) as refused:
        analyze_risk_return(project, spec("tiny", source={"drop_missing": True}))
    message = str(refused.value)
    assert "fit window has 9 periods for 5 assets" in message
    assert "--drop-missing removed 291 of 300 dates; asset 'newco' drove it (no value on 291 dates" in message
    assert "leave asset 'newco' out with --assets" in message
    add_table(project, "young", with_newcomer(40))
    warned = analyze_risk_return(project, spec("young", source={"drop_missing": True})).notes["warnings"]
    assert (
        len(warned) == 1 and "fewer than 10 per asset" in warned[0] and "asset 'newco' drove it" in warned[0]
    )
    add_table(project, "grown", with_newcomer(100))
    table = analyze_risk_return(project, spec("grown", source={"drop_missing": True}))
    assert table.notes["dropped_dates"] == 200 and table.notes["windows"]["fit"][2] == 100
    assert table.notes["warnings"] == [
        "--drop-missing removed 200 of 300 dates; asset 'newco' drove it (no value on 200 dates; it has "
        "values from 2021-10-11 to 2022-02-25)."
    ]


@pytest.mark.parametrize(
    ("text", "value"), [("12%", 0.12), ("0.12", 0.12), ("-0.5", -0.5), ("150%", 1.5), ("1", 1.0)]
)
def test_rates_are_fractions_or_percentages(text: str, value: float) -> None:
    assert rate(text, "--risk-free") == pytest.approx(value)


@pytest.mark.parametrize("flag", ["risk_free", "target_volatility", "target_return"])
def test_a_bare_rate_above_one_is_refused_with_the_percentage_meant(flag: str) -> None:
    values = {"table": "prices", "values": "prices", flag: "12" if flag == "risk_free" else ["12"]}
    option = "--" + flag.replace("_", "-")
    with pytest.raises(AnalysisError, match=f"{option} 12 would mean 1200%: did you mean 12%"):
        build(values)
    built = build(values | {flag: "12%" if flag == "risk_free" else ["12%"]})
    assert built.risk_free == 0.12 or 0.12 in built.target_returns + built.target_volatilities


def test_weight_bounds_are_not_rates() -> None:
    built = build({"table": "t", "values": "returns", "bounds": "-0.5,1.5", "bound": ["gold=0,2"]})
    assert (built.lower, built.upper, built.asset_bounds) == (-0.5, 1.5, (("gold", 0.0, 2.0),))


def test_a_long_gap_between_dates_is_a_warning(project: Project) -> None:
    frame = wide_returns(300)
    add_table(project, "gap", frame.drop(index=range(100, 115)))  # three business weeks missing
    warned = analyze_risk_return(project, spec("gap")).notes["warnings"]
    assert warned == [
        "Table 'gap' has 1 gap(s) between consecutive dates much longer than the usual 1 day(s) (the "
        "longest: 2021-05-21 to 2021-06-14, 24 days). Prices across a gap give one return for the whole "
        "gap, counted as one period; a returns table simply has no return there. Fill the dates or check "
        "the source."
    ]
    add_table(project, "weekends", frame)  # business days: weekends and the like are not gaps
    assert analyze_risk_return(project, spec("weekends")).notes["warnings"] == []
