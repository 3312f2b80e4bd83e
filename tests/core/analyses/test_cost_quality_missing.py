"""Cost–quality on ragged logs (--missing refuse|common|incorrect): every number computed by hand.

The log: systems a and b on items i1..i4; a did not answer i4.

====  ==========================  ==========================
item  a: correct, cost, confidence  b: correct, cost, confidence
====  ==========================  ==========================
i1    1, 1, 0.9                   1, 3, 0.9
i2    0, 1, 0.2                   1, 3, 0.9
i3    1, 1, 0.6                   0, 3, 0.9
i4    (no answer)                 1, 3, 0.9
====  ==========================  ==========================
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

from tradeoff_studio.core import analysis_workflows as flows
from tradeoff_studio.core.analyses.candidates import AnalysisError
from tradeoff_studio.core.analyses.cost_quality import CostQualitySpec, analyze_cost_quality
from tradeoff_studio.core.project import Project
from tradeoff_studio.core.sql import ident

ROWS = [("i1", "a", 1, 1.0, 0.9), ("i2", "a", 0, 1.0, 0.2), ("i3", "a", 1, 1.0, 0.6),
        ("i1", "b", 1, 3.0, 0.9), ("i2", "b", 1, 3.0, 0.9), ("i3", "b", 0, 3.0, 0.9),
        ("i4", "b", 1, 3.0, 0.9)]  # fmt: skip


def add_table(project: Project, name: str, frame: pd.DataFrame) -> None:
    project.con.register("incoming", frame)
    project.con.execute(f"CREATE TABLE {ident(name)} AS SELECT * FROM incoming")
    project.con.unregister("incoming")


@pytest.fixture
def ragged(project: Project) -> Project:
    add_table(project, "rag", pd.DataFrame(ROWS, columns=["item", "sys", "ok", "usd", "conf"]))
    return project


def spec(**changes: object) -> CostQualitySpec:
    settings = {"cost": "usd", "confidence": "conf", "thresholds": 4, "mix_steps": 2, "resamples": 50}
    return CostQualitySpec("rag", "item", "sys", "ok", **(settings | changes))  # type: ignore[arg-type]


def test_refuse_is_the_default_names_both_options_and_leaves_the_project_unchanged(
    ragged: Project, state: Callable[[Project], object]
) -> None:
    before = state(ragged)
    expected = (
        r"Not every system answered every item of table 'rag' \(4 items\): 'a' lacks 1 item \(e\.g\. item "
        r"'i4' for 'a'\)\. .*--missing common keeps only the items every system answered; --missing "
        r"incorrect scores an unanswered item as wrong at zero cost \(or at --missing-cost X\)"
    )
    with pytest.raises(AnalysisError, match=expected):
        flows.analyze_cost_quality(ragged, spec(), name="refused")
    assert state(ragged) == before and flows.list_analyses(ragged) == []
    alone = analyze_cost_quality(ragged, spec(systems=("b",)))  # b answered every item: nothing missing
    assert alone.notes["missing"]["unanswered_per_system"] == {"b": 0} and alone.notes["items"] == 4


def test_common_keeps_the_items_every_system_answered(ragged: Project) -> None:
    table = analyze_cost_quality(ragged, spec(missing="common"))
    frame = table.frame.set_index("candidate_id")
    # items i1..i3: a = (1 + 0 + 1) / 3 at cost 1; b = (1 + 1 + 0) / 3 at cost 3; no cascade (b no better)
    assert frame.loc["a", "quality"] == pytest.approx(2 / 3) and frame.loc["a", "cost"] == 1.0
    assert frame.loc["b", "quality"] == pytest.approx(2 / 3) and frame.loc["b", "cost"] == 3.0
    assert frame.loc["a", "cost_of_pass"] == pytest.approx(1.5) and frame.loc["b", "cost_of_pass"] == 4.5
    assert set(frame["kind"]) == {"system"} and table.notes["hull"] == ["a"]
    assert table.notes["items"] == 3 and table.notes["rows"] == 6
    # per item, the cheapest cost / score: i1 a 1, i2 b 3, i3 a 1 → 5/3
    assert table.notes["frontier_cost_of_pass"]["value"] == pytest.approx(5 / 3)
    assert table.notes["missing"] == {
        "treatment": "common", "items_in_log": 4, "items_kept": 3,
        "unanswered_per_system": {"a": 1, "b": 0}, "dropped_per_system": {"a": 0, "b": 1},
        "rule": "only the items every selected system answered are compared",
    }  # fmt: skip


def test_incorrect_scores_an_unanswered_item_wrong_at_zero_cost(ragged: Project) -> None:
    table = analyze_cost_quality(ragged, spec(missing="incorrect", target_qualities=(0.75,)))
    frame = table.frame.set_index("candidate_id")
    # a: (1 + 0 + 1 + 0) / 4 = 0.5 at (1 + 1 + 1 + 0) / 4 = 0.75; b: 3/4 at 3
    assert frame.loc["a", ["quality", "cost", "cost_of_pass"]].tolist() == [0.5, 0.75, 1.5]
    assert frame.loc["b", ["quality", "cost", "cost_of_pass"]].tolist() == [0.75, 3.0, 4.0]
    # a's confidences with i4 at −∞: quantiles 0.25/0.5/0.75 are −∞ (escalates nothing: dropped), 0.2, 0.6.
    # At 0.2 only the unanswered i4 goes to b: quality (1 + 0 + 1 + 1) / 4, cost (3 + 3) / 4.
    first = frame.loc["a>b@q0.50"]
    assert first["system"] == "cascade a → b if confidence < 0.2" and first["escalated"] == 0.25
    assert (first["quality"], first["cost"]) == (0.75, 1.5)
    # At 0.6, i4 and i2 go to b: quality 4/4, cost (3 + 3 + 3) / 4.
    second = frame.loc["a>b@q0.75"]
    assert (second["quality"], second["cost"], second["escalated"]) == (1.0, 2.25, 0.5)
    assert "a>b@q0.25" not in frame.index
    # hull a (0.75, 0.5) → a>b@q0.75 (2.25, 1.0); a>b@q0.50 lies on that segment, b below it
    assert table.notes["hull"] == ["a", "a>b@q0.75"]
    target = frame.loc["target quality 0.75"]  # share (0.75 − 0.5) / (1 − 0.5) of the cascade
    assert target["share_second"] == 0.5 and target["cost"] == pytest.approx(0.75 + 0.5 * 1.5)
    # per item: i1 a 1, i2 b 3, i3 a 1, i4 b 3 (a's missing answer solves nothing) → 2
    assert table.notes["frontier_cost_of_pass"]["value"] == 2.0
    assert table.notes["items"] == 4 and table.notes["rows"] == 7
    missing = table.notes["missing"]
    assert missing["treatment"] == "incorrect" and missing["missing_cost"] == 0.0
    assert missing["unanswered_per_system"] == {"a": 1, "b": 0} and "always escalated" in missing["rule"]


def test_incorrect_at_a_missing_cost(ragged: Project) -> None:
    frame = analyze_cost_quality(ragged, spec(missing="incorrect", missing_cost=2.0)).frame
    frame = frame.set_index("candidate_id")
    # a pays 2 for i4: (1 + 1 + 1 + 2) / 4 = 1.25, cost-of-pass 1.25 / 0.5; the cascades add b's 3 per
    # escalated item to a's 5: (5 + 3) / 4 and (5 + 6) / 4
    assert frame.loc["a", ["quality", "cost", "cost_of_pass"]].tolist() == [0.5, 1.25, 2.5]
    assert frame.loc["a>b@q0.50", "cost"] == 2.0 and frame.loc["a>b@q0.75", "cost"] == 2.75
    assert frame.loc["b", "cost"] == 3.0


def test_a_complete_log_is_the_same_under_every_treatment(project: Project) -> None:
    add_table(
        project, "rag", pd.DataFrame(ROWS[:3] + ROWS[3:6], columns=["item", "sys", "ok", "usd", "conf"])
    )
    frames = [
        analyze_cost_quality(project, spec(missing=how)).frame for how in ("refuse", "common", "incorrect")
    ]
    for frame in frames[1:]:
        pd.testing.assert_frame_equal(frame, frames[0])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"missing": "skip"}, r"Unknown treatment of unanswered items 'skip'; use one of: refuse, common"),
        ({"missing": "common", "missing_cost": 1.0}, "applies only when unanswered items count as wrong"),
        ({"missing": "incorrect", "missing_cost": -1.0}, r"must lie between 0 and 1e\+12 .*got -1\.0"),
        ({"missing": "incorrect", "missing_cost": float("inf")}, "must lie between 0 and"),
        ({"missing": "incorrect", "missing_cost": float("nan")}, "must lie between 0 and"),
    ],
)
def test_bad_missing_settings_are_refused(ragged: Project, changes: dict[str, object], message: str) -> None:
    with pytest.raises(AnalysisError, match=message):
        analyze_cost_quality(ragged, spec(**changes))


def test_latency_with_incorrect_and_no_common_item_are_refused(project: Project) -> None:
    log = pd.DataFrame(ROWS, columns=["item", "sys", "ok", "usd", "conf"]).assign(ms=10.0)
    add_table(project, "rag", log)
    with pytest.raises(AnalysisError, match=r"unanswered item has no latency.*--missing common"):
        analyze_cost_quality(project, spec(missing="incorrect", latency="ms"))
    assert analyze_cost_quality(project, spec(missing="common", latency="ms")).notes["items"] == 3
    add_table(project, "apart", log[log["item"].isin(["i4"]) | log["sys"].eq("a")])
    with pytest.raises(AnalysisError, match="No item of table 'apart' was answered by every selected system"):
        analyze_cost_quality(
            project, CostQualitySpec("apart", "item", "sys", "ok", cost="usd", missing="common")
        )
