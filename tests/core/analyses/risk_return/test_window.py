"""The fit window (issue #16, observation 4): ``--from DATE --to DATE`` without editing the file."""

from __future__ import annotations

import numpy as np
import pytest

from support.returns_tables import ASSETS, add_table, prices_of, spec, wide_returns
from tradeoff_studio.core.analyses.candidates import AnalysisError
from tradeoff_studio.core.analyses.risk_return.analysis import analyze_risk_return
from tradeoff_studio.core.analyses.risk_return.kind import build
from tradeoff_studio.core.project import Project


def test_from_and_to_fit_on_the_window_only(project: Project) -> None:
    frame = wide_returns(300)
    add_table(project, "wide", frame)
    add_table(project, "cut", frame.iloc[50:200])
    window = {"start": str(frame["date"].iloc[50]), "end": str(frame["date"].iloc[199])}
    windowed = analyze_risk_return(project, spec(source=window))
    edited = analyze_risk_return(project, spec("cut"))
    assert (
        windowed.notes["windows"]["fit"]
        == edited.notes["windows"]["fit"]
        == [window["start"], window["end"], 150]
    )
    assert (windowed.notes["windows"]["from"], windowed.notes["windows"]["to"]) == (
        window["start"],
        window["end"],
    )
    assert np.allclose(windowed.frame["volatility"], edited.frame["volatility"], rtol=1e-12)
    split = analyze_risk_return(project, spec(source=window, split="0.8"))
    assert split.notes["windows"]["fit"][2] == 120 and split.notes["windows"]["test"][1] == window["end"]


def test_prices_keep_the_last_price_before_the_window(project: Project) -> None:
    frame = wide_returns(300)
    add_table(project, "prices", prices_of(frame))
    start = str(frame["date"].iloc[100])
    table = analyze_risk_return(project, spec("prices", "prices", source={"start": start}))
    assert table.notes["windows"]["fit"] == [
        start,
        str(frame["date"].iloc[-1]),
        200,
    ]  # the return on --from is in
    weights = table.frame[table.frame["candidate_id"] == "equal-weight"][[f"weight_{a}" for a in ASSETS]]
    realised = frame[ASSETS].to_numpy()[100:] @ weights.to_numpy()[0]
    assert table.frame.set_index("candidate_id").loc["equal-weight", "return"] == pytest.approx(
        realised.mean() * 252, rel=1e-9
    )


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ({"start": "2021-13-01"}, r"--from expects a date such as 2019-12-31, got '2021-13-01'"),
        ({"start": "2021-06-01", "end": "2021-02-01"}, "--from 2021-06-01 is after --to 2021-02-01"),
        ({"start": "2030-01-01"}, r"has 0 date\(s\) between --from 2030-01-01 .* dates run from 2021-01-04"),
    ],
)
def test_a_bad_window_says_what_to_do(project: Project, window: dict[str, str], message: str) -> None:
    add_table(project, "wide", wide_returns())
    with pytest.raises(AnalysisError, match=message):
        analyze_risk_return(project, spec(source=window))


def test_the_window_options_reach_the_spec() -> None:
    built = build({"table": "t", "values": "prices", "start": "2010-01-01", "end": "2019-12-31"})
    assert (built.source.start, built.source.end) == ("2010-01-01", "2019-12-31")
