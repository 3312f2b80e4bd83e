"""Cost–quality analysis: hand-computed systems, hull, mixtures, cascades, frontier; errors; demo."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradeoff_studio.core import analysis_workflows as flows
from tradeoff_studio.core.analyses.candidates import AnalysisError, Objective
from tradeoff_studio.core.analyses.cost_quality import CostQualitySpec, analyze_cost_quality, evaluate
from tradeoff_studio.core.analyses.cost_quality.routing import upper_hull
from tradeoff_studio.core.data.importer import import_files
from tradeoff_studio.core.errors import CancelledError, NotFoundError
from tradeoff_studio.core.jobs import CancelToken
from tradeoff_studio.core.project import Project
from tradeoff_studio.core.sql import ident

DEMO = Path(__file__).resolve().parents[3] / "resources" / "demo" / "llm_eval_log.parquet"
SYSTEMS = {  # correct, cost, confidence, latency per item i1..i4
    "A": ([1, 1, 0, 0], [1.0] * 4, [0.9, 0.8, 0.3, 0.2], [10.0] * 4),
    "B": ([1, 1, 1, 0], [4.0] * 4, [0.9] * 4, [100.0] * 4),
    "C": ([0, 0, 0, 0], [0.5] * 4, [0.5] * 4, [1.0] * 4),
}


def add_table(project: Project, name: str, frame: pd.DataFrame) -> None:
    project.con.register("incoming", frame)
    project.con.execute(f"CREATE TABLE {ident(name)} AS SELECT * FROM incoming")
    project.con.unregister("incoming")


def small_log() -> pd.DataFrame:
    rows = [
        {"item": f"i{i + 1}", "sys": name, "ok": bool(ok[i]), "usd": cost[i], "conf": conf[i], "ms": ms[i],
         "tin": 1000, "tout": 500}
        for name, (ok, cost, conf, ms) in SYSTEMS.items()
        for i in range(4)
    ]  # fmt: skip
    return pd.DataFrame(rows)


def spec(table: str = "log", **changes: object) -> CostQualitySpec:
    columns = {"cost": "usd", "latency": "ms", "confidence": "conf", "thresholds": 4, "mix_steps": 4,
               "resamples": 50} | changes  # fmt: skip
    return CostQualitySpec(table, "item", "sys", "ok", **columns)  # type: ignore[arg-type]


@pytest.fixture
def small(project: Project) -> Project:
    add_table(project, "log", small_log())
    return project


def test_systems_cost_of_pass_and_latency_by_hand(small: Project) -> None:
    frame = analyze_cost_quality(small, spec()).frame.set_index("candidate_id")
    assert frame.loc[["A", "B", "C"], "quality"].tolist() == [0.5, 0.75, 0.0]
    assert frame.loc[["A", "B", "C"], "cost"].tolist() == [1.0, 4.0, 0.5]
    assert frame.loc["A", "cost_of_pass"] == 2.0 and frame.loc["B", "cost_of_pass"] == pytest.approx(16 / 3)
    assert math.isinf(frame.loc["C", "cost_of_pass"]) and math.isinf(frame.loc["C", "cost_of_pass_hi"])
    assert frame.loc["B", ["latency_p50", "latency_p95"]].tolist() == [100.0, 100.0]
    assert frame.loc["A", "kind"] == "system" and pd.isna(frame.loc["A", "second"])


def test_hull_and_a_mixture_recipe_reproduce_its_point(small: Project) -> None:
    table = analyze_cost_quality(small, spec())
    # the cascade A → B at 0.8 (quality 0.75 for 3.0) lies above the systems' hull C–A–B: it replaces B
    assert table.notes["hull"] == ["C", "A", "A>B@q0.75"]
    frame = table.frame.set_index("candidate_id")
    plain = frame.loc["C+A@0.25"]
    assert plain["system"] == "mix 75% C + 25% A" and (plain["first"], plain["second"]) == ("C", "A")
    assert plain["quality"] == pytest.approx(0.25 * 0.5) and plain["cost"] == pytest.approx(0.75 * 0.5 + 0.25)
    mix = frame.loc["A+A>B@q0.75@0.25"]
    assert mix["system"] == "mix 75% A + 25% [cascade A → B if confidence < 0.8]"
    assert (mix["first"], mix["second"]) == ("A", "A>B@q0.75") and mix["kind"] == "mixture"
    share = mix["share_second"]
    assert mix["quality"] == pytest.approx((1 - share) * 0.5 + share * 0.75)
    assert mix["cost"] == pytest.approx((1 - share) * 1.0 + share * 3.0)
    # A takes 10 ms; the cascade 10 or 110 ms (items 3, 4 escalate): 87.5 % of the mixture is 10 ms
    assert mix[["latency_p50", "latency_p95"]].tolist() == [10.0, 110.0]
    assert math.isnan(mix["latency_p95_lo"])
    assert not any(name.startswith("A+B@") for name in frame.index)  # A–B is no hull edge any more
    assert upper_hull(np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.2, 0.3, 0.8, 0.5])) == [0, 2]


def test_cascade_at_a_threshold_by_hand(small: Project) -> None:
    frame = analyze_cost_quality(small, spec()).frame.set_index("candidate_id")
    cascades = frame[frame["kind"] == "cascade"]
    assert set(cascades["first"]) == {"A"}  # C's constant confidence escalates nothing: no sweep
    row = frame.loc["A>B@q0.75"]
    assert row["threshold"] == 0.8 and row["system"] == "cascade A → B if confidence < 0.8"
    assert row["escalated"] == 0.5 and row["quality"] == 0.75 and row["cost"] == 1.0 + 0.5 * 4.0
    assert row[["latency_p50", "latency_p95"]].tolist() == [10.0, 110.0]
    low = frame.loc["A>B@q0.50"]
    assert (low["threshold"], low["quality"], low["cost"]) == (0.3, 0.5, 2.0)
    assert bool(row["on_front"]) and not bool(frame.loc["B", "on_front"])  # same quality, cheaper


def test_frontier_cost_of_pass_with_and_without_human(small: Project) -> None:
    plain = analyze_cost_quality(small, spec()).notes
    assert math.isinf(plain["frontier_cost_of_pass"]["value"])  # item i4: no system, no human
    assert plain["frontier_cost_of_pass"]["value_over_solved_items"] == pytest.approx((1 + 1 + 4) / 3)
    assert plain["frontier_cost_of_pass"]["unsolved_items"] == 1
    add_table(small, "solvable", small_log().query("item != 'i4'"))
    solvable = analyze_cost_quality(small, spec("solvable")).notes["frontier_cost_of_pass"]
    assert solvable["value"] == solvable["value_over_solved_items"] == pytest.approx((1 + 1 + 4) / 3)
    assert plain["best_single_system"] == {"system": "A", "cost_of_pass": 2.0}
    human = analyze_cost_quality(small, spec(human_cost=3.0)).notes
    assert human["frontier_cost_of_pass"]["value"] == pytest.approx((1 + 1 + 3 + 3) / 4)
    assert human["frontier_cost_of_pass"]["items_given_to_human"] == 2
    cheap = analyze_cost_quality(small, spec(human_cost=1.5)).notes
    assert cheap["best_single_system"] == {"system": "human expert", "cost_of_pass": 1.5}


def test_scores_and_token_costs_with_a_price_table(small: Project) -> None:
    scored = small_log().assign(ok=lambda f: np.where(f["ok"], 1.0, 0.25))
    add_table(small, "scored", scored)
    prices = pd.DataFrame(
        {"system": ["A", "B", "C"], "input_price": [1.0, 2.0, 0.0], "output_price": [2.0, 4.0, 0.0]}
    )
    add_table(small, "prices", prices)
    tokens = spec("scored", cost=None, input_tokens="tin", output_tokens="tout", price_table="prices")
    table = analyze_cost_quality(small, tokens)
    frame = table.frame.set_index("candidate_id")
    assert frame.loc["A", "quality"] == pytest.approx((1 + 1 + 0.25 + 0.25) / 4)
    assert frame.loc["A", "cost"] == pytest.approx((1000 * 1.0 + 500 * 2.0) / 1e6)
    assert frame.loc["B", "cost"] == pytest.approx((1000 * 2.0 + 500 * 4.0) / 1e6)
    assert "1M tokens" in table.notes["cost_axis"]["formula"]
    latency_axis = analyze_cost_quality(small, spec(cost="ms", latency=None)).notes["cost_axis"]
    assert latency_axis["column"] == "ms"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns="usd"), r"no column 'usd'\. Its columns: item \(VARCHAR\)"),
        (lambda f: f.assign(usd=f["usd"].astype(str)), "'usd' of table 'log' is VARCHAR, not a number"),
        (lambda f: f.assign(usd=f["usd"].where(f.index != 5, -1.0)), "Row 6 .* 'usd' is a negative cost"),
        (lambda f: f.assign(usd=f["usd"].where(f.index != 2)), "Row 3 .* 'usd' has no usable value"),
        (lambda f: f.assign(ok=f["ok"].astype(float) * 2), "outside \\[0, 1\\]"),
        (lambda f: pd.concat([f, f.iloc[[0]]]), "Item 'i1' has 2 rows for system 'A'"),
        (
            lambda f: f[(f["sys"] != "B") | (f["item"] != "i4")],
            r"\(4 items\): 'B' lacks 1 item \(e\.g\. item 'i4' for 'B'\)\. .*--missing common.*incorrect",
        ),
    ],
)
def test_bad_logs_name_column_row_and_fix(project: Project, change: object, message: str) -> None:
    add_table(project, "log", change(small_log()))  # type: ignore[operator]
    with pytest.raises(AnalysisError, match=message):
        analyze_cost_quality(project, spec())


def test_bad_requests(small: Project) -> None:
    with pytest.raises(NotFoundError, match="no table 'nope'"):
        analyze_cost_quality(small, spec("nope"))
    with pytest.raises(AnalysisError, match="System 'Z' has no rows"):
        analyze_cost_quality(small, spec(systems=("A", "Z")))
    with pytest.raises(AnalysisError, match=r"System 'Z' has no rows .* Its systems: A, B, C"):
        analyze_cost_quality(small, spec(systems=("Z",)))  # nothing left to read, yet the same advice
    with pytest.raises(AnalysisError, match="not both"):
        analyze_cost_quality(small, spec(input_tokens="tin"))
    with pytest.raises(AnalysisError, match="Give the cost"):
        analyze_cost_quality(small, spec(cost=None))
    add_table(
        small,
        "prices",
        pd.DataFrame({"system": ["A", "B"], "input_price": [1.0, 1.0], "output_price": [1.0, 1.0]}),
    )
    with pytest.raises(AnalysisError, match="Price table 'prices' has no row for system 'C'"):
        analyze_cost_quality(
            small, spec(cost=None, input_tokens="tin", output_tokens="tout", price_table="prices")
        )
    unpriced = pd.DataFrame({"system": ["A", "B", "C"], "input_price": [1.0, None, 1.0], "output_price": 1.0})
    add_table(small, "unpriced", unpriced)
    with pytest.raises(AnalysisError, match="'unpriced' has no usable input_price for system 'B'"):
        analyze_cost_quality(
            small, spec(cost=None, input_tokens="tin", output_tokens="tout", price_table="unpriced")
        )
    with pytest.raises(AnalysisError, match="cost_of_pass is infinite for 'C'"):
        analyze_cost_quality(small, spec(objectives=(Objective("cost_of_pass", "min"),)))
    with pytest.raises(AnalysisError, match="latency metrics need a latency column"):
        analyze_cost_quality(small, spec(latency=None, objectives=(Objective("latency_p95", "min"),)))
    only = analyze_cost_quality(small, spec(systems=("A", "B"))).frame
    assert set(only.loc[only["kind"] == "system", "candidate_id"]) == {"A", "B"}


def test_cancel_before_and_between_bootstrap_chunks(small: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        analyze_cost_quality(small, spec(), cancel=token)
    monkeypatch.setattr(evaluate, "_CELLS_PER_CHUNK", 40)  # 10 resamples per chunk
    token = CancelToken()
    seen: list[str] = []

    def progress(_fraction: float, message: str) -> None:
        seen.append(message)
        if message.startswith("Bootstrap"):
            token.cancel()

    with pytest.raises(CancelledError):
        analyze_cost_quality(small, spec(), progress=progress, cancel=token)
    assert sum(m.startswith("Bootstrap") for m in seen) == 1


def test_infinity_survives_store_exports_and_a_decision(small: Project, tmp_path: Path) -> None:
    record = flows.analyze_cost_quality(small, spec())
    assert record.name == "cost-quality-log" and record.kind == "cost-quality"
    frame = flows.get_candidates(small, record.name).frame.set_index("candidate_id")
    assert math.isinf(frame.loc["C", "cost_of_pass"])
    flows.export_candidates(small, record.name, tmp_path / "c.csv")
    flows.export_candidates(small, record.name, tmp_path / "c.json")
    csv = pd.read_csv(tmp_path / "c.csv").set_index("candidate_id")
    assert math.isinf(csv.loc["C", "cost_of_pass"])
    strict = json.loads((tmp_path / "c.json").read_text(), parse_constant=pytest.fail)
    rows = {row["candidate_id"]: row for row in strict}
    assert rows["C"]["cost_of_pass"] == "Infinity" and math.isinf(float(rows["C"]["cost_of_pass"]))
    decision = flows.decide(small, record.name, rationale="cheapest on the front that keeps B's quality",
                            candidate_id="A>B@q0.75")  # fmt: skip
    assert decision.candidate_id == "A>B@q0.75"


@pytest.fixture
def demo(project: Project) -> Project:
    import_files(project, [DEMO], table="llm")
    return project


DEMO_SPEC = CostQualitySpec("llm", "item", "system", "correct", cost="cost_usd", latency="latency_ms",
                            confidence="confidence", resamples=200)  # fmt: skip


def test_demo_intervals_contain_points_and_cascades_beat_systems(demo: Project) -> None:
    table = analyze_cost_quality(demo, DEMO_SPEC)
    frame = table.frame
    assert table.notes["items"] == 2400 and len(table.notes["systems"]) == 7
    for metric in ("quality", "cost", "cost_of_pass"):
        assert (frame[f"{metric}_lo"] <= frame[metric]).all() and (
            frame[metric] <= frame[f"{metric}_hi"]
        ).all()
    systems = frame[frame["kind"] == "system"].set_index("candidate_id")
    for metric in ("latency_p50", "latency_p95"):
        assert (systems[f"{metric}_lo"] <= systems[metric]).all() and (
            systems[metric] <= systems[f"{metric}_hi"]
        ).all()
    sql = demo.con.execute(
        "SELECT system, avg(correct::DOUBLE), avg(cost_usd) FROM llm GROUP BY 1"
    ).fetchall()
    for name, quality, cost in sql:
        assert systems.loc[name, ["quality", "cost"]].tolist() == pytest.approx([quality, cost])
    cascades = frame[frame["kind"] == "cascade"]
    for name in ("mid-70b", "large-400b", "frontier-xl", "reasoner-xl"):
        q, c = systems.loc[name, ["quality", "cost"]]
        assert ((cascades["quality"] > q) & (cascades["cost"] < c)).any(), name
    assert not systems.loc["legacy-13b", "on_front"]
    assert "legacy-13b" not in table.notes["hull"]


def test_targets_give_the_exact_hull_mixture_or_say_why_not(small: Project) -> None:
    # hull: C (0.5, 0) → A (1, 0.5) → cascade A → B at 0.8 (3, 0.75)
    table = analyze_cost_quality(small, spec(target_qualities=(0.6, 0.9), budgets=(2.5, 0.1)))
    frame = table.frame.set_index("candidate_id")
    quality = frame.loc["target quality 0.6"]
    assert (quality["first"], quality["second"]) == ("A", "A>B@q0.75")
    assert quality["share_second"] == pytest.approx(0.4)
    assert quality["quality"] == pytest.approx(0.6) and quality["cost"] == pytest.approx(0.6 * 1 + 0.4 * 3)
    assert quality["system"] == "mix 60% A + 40% [cascade A → B if confidence < 0.8]"
    budget = frame.loc["target budget 2.5"]
    assert budget["cost"] == pytest.approx(2.5) and budget["quality"] == pytest.approx(
        0.25 * 0.5 + 0.75 * 0.75
    )
    reasons = table.notes["targets_out_of_reach"]
    assert len(reasons) == 2 and "reaches a quality of 0.9" in reasons[0] and "cheapest system" in reasons[1]


def test_a_system_named_like_a_generated_candidate_is_refused(project: Project) -> None:
    log = small_log()
    log.loc[log["sys"] == "B", "sys"] = "C+A@0.25"  # the name of a mixture on the hull edge C–A
    add_table(project, "log", log)
    with pytest.raises(AnalysisError, match=r"Two candidates would both be called 'C\+A@0\.25'"):
        analyze_cost_quality(project, spec())


def test_a_system_without_confidence_is_compared_but_starts_no_cascade(project: Project) -> None:
    log = small_log()
    log["conf"] = log["conf"].astype(object)
    log.loc[log["sys"] == "A", "conf"] = None  # A has no confidence at all
    add_table(project, "log", log)
    table = analyze_cost_quality(project, spec())
    assert "A" in set(table.frame["candidate_id"])
    assert not (table.frame["kind"].eq("cascade") & table.frame["first"].eq("A")).any()
    assert table.notes["cascades"]["systems_without_confidence"] == ["A"]
    partial = small_log()
    partial["conf"] = partial["conf"].astype(object)
    partial.loc[1, "conf"] = None  # A on item 2 only
    add_table(project, "partial", partial)
    with pytest.raises(AnalysisError, match=r"System 'A' has a confidence .* on 3 of its 4 rows \(row 2"):
        analyze_cost_quality(project, spec("partial"))
