"""Deciding among kinds of cost–quality candidate (issue #17, observations 3 and 4): ``only``,
a budget met exactly, ``@95`` keeping its margin."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from tradeoff_studio.core import analysis_workflows as flows
from tradeoff_studio.core.analyses.cost_quality import CostQualitySpec
from tradeoff_studio.core.decisions.card import card_lines
from tradeoff_studio.core.decisions.preferences import Constraint, DecisionError, Preferences
from tradeoff_studio.core.project import Project
from tradeoff_studio.core.sql import ident

# 40 items; quality = share right, cost per item (no confidence: no cascades)
SYSTEMS = {"cheap": (12, 1.0), "mid": (20, 3.0), "forest": (34, 6.0)}


def log() -> pd.DataFrame:
    rows = []
    for name, (right, cost) in SYSTEMS.items():
        for i in range(40):
            ok = (i * 7 % 40) < right
            rows.append({"item": f"i{i:02d}", "sys": name, "ok": ok, "usd": cost + 0.01 * (i % 5)})
    return pd.DataFrame(rows)


@pytest.fixture
def analysed(project: Project) -> Project:
    project.con.register("incoming", log())
    project.con.execute(f"CREATE TABLE {ident('log')} AS SELECT * FROM incoming")
    project.con.unregister("incoming")
    spec = CostQualitySpec("log", "item", "sys", "ok", cost="usd", mix_steps=4, resamples=200,
                           budgets=(4.0,))  # fmt: skip
    flows.analyze_cost_quality(project, spec, name="cq")
    return project


def decide(project: Project, *constraints: str, only: tuple[str, ...] = ()) -> dict[str, Any]:
    """The best quality within the constraints (cost weighs nothing)."""
    prefs = Preferences(constraints=tuple(Constraint.parse(text) for text in constraints), only=only,
                        weights={"quality": 1.0, "cost": 0.0})  # fmt: skip
    return flows.decide(project, "cq", rationale="test", preferences=prefs).to_dict()


def test_only_systems_chooses_a_single_system(analysed: Project) -> None:
    chosen = decide(analysed, "cost<=4.5", only=("system",))
    assert chosen["candidate_id"] == "mid"
    excluded = chosen["evidence"]["recommendation"]["excluded"]
    kinds = flows.get_candidates(analysed, "cq").frame["kind"]
    assert excluded["other_kinds"] == int((kinds != "system").sum()) > 0
    assert any("--only leaves out" in line for line in card_lines(chosen))
    assert chosen["preferences"]["only"] == ["system"]


def test_only_is_repeatable_and_without_it_a_mixture_can_win(analysed: Project) -> None:
    anything = decide(analysed, "cost<=4.5")
    assert anything["evidence"]["candidate"]["kind"] == "mixture"
    fixed = decide(analysed, "cost<=4.5", only=("system", "cascade"))
    assert fixed["evidence"]["candidate"]["kind"] in {"system", "cascade"}
    mixture = decide(analysed, "cost<=4.5", only=("mixture",))
    assert mixture["evidence"]["candidate"]["kind"] == "mixture"


def test_only_refused_with_a_reason(analysed: Project, make_table: object) -> None:
    with pytest.raises(DecisionError, match="give --only system, --only cascade or --only mixture"):
        Constraint.parse("kind==system")
    with pytest.raises(DecisionError, match="'router' is not a kind"):
        decide(analysed, only=("router",))
    with pytest.raises(DecisionError, match="with --candidate you choose yourself"):
        flows.decide(
            analysed, "cq", rationale="x", preferences=Preferences(only=("system",)), candidate_id="mid"
        )
    generic = make_table({"acc": [0.1, 0.2], "gap": [0.3, 0.1]}, "acc:max,gap:min")  # type: ignore[operator]
    with pytest.raises(DecisionError, match="this generic analysis has no kinds"):
        Preferences(only=("system",)).check(generic)


def test_a_budget_met_exactly_is_reported_and_at_95_keeps_a_margin(analysed: Project) -> None:
    exact = decide(analysed, "cost<=4")  # the budget mixture sits on the bound
    check = exact["evidence"]["constraints"][0]
    assert exact["candidate_id"] == "target budget 4" and check["met_exactly"]
    assert 0.4 < check["p_violated"] < 0.6
    assert any("met exactly" in line and "@95" in line for line in card_lines(exact))
    margin = decide(analysed, "cost<=4@95")
    chosen = margin["evidence"]["candidate"]
    assert chosen["cost_hi"] <= 4.0 and chosen["cost"] < 4.0
    assert not margin["evidence"]["constraints"][0]["met_exactly"]
