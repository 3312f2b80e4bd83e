"""Cost–quality fronts (issue #17, observations 2 and 4): on_front among deterministic options, on_hull
for the mixture hull, and a 0 % / 100 % mixture shown as the single system."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tradeoff_studio.core import analysis_workflows as flows
from tradeoff_studio.core.analyses.candidates import Objective
from tradeoff_studio.core.analyses.cost_quality import CostQualitySpec, analyze_cost_quality
from tradeoff_studio.core.project import Project
from tradeoff_studio.core.sql import ident

# quality over 10 items and cost per item: "tree" lies below the segment cheap–forest (a 50/50 mixture
# of them reaches 0.6 at cost 3.5), so only a randomized mixture beats it; "bad" is beaten by "tree".
SYSTEMS = {"cheap": (3, 1.0), "tree": (5, 3.0), "forest": (9, 6.0), "bad": (4, 4.0)}


def log() -> pd.DataFrame:
    rows = [{"item": f"i{i}", "sys": name, "ok": i < right, "usd": cost}
            for name, (right, cost) in SYSTEMS.items() for i in range(10)]  # fmt: skip
    return pd.DataFrame(rows)


def spec(**changes: object) -> CostQualitySpec:
    options = {"cost": "usd", "mix_steps": 2, "resamples": 20} | changes
    return CostQualitySpec("log", "item", "sys", "ok", **options)  # type: ignore[arg-type]


@pytest.fixture
def small(project: Project) -> Project:
    project.con.register("incoming", log())
    project.con.execute(f"CREATE TABLE {ident('log')} AS SELECT * FROM incoming")
    project.con.unregister("incoming")
    return project


def test_a_system_only_a_mixture_beats_is_on_the_front_but_not_on_the_hull(small: Project) -> None:
    table = analyze_cost_quality(small, spec())
    frame = table.frame.set_index("candidate_id")
    assert frame.loc["cheap+forest@0.50", ["quality", "cost"]].tolist() == [0.6, 3.5]
    assert frame.loc[["cheap", "tree", "forest", "bad"], "on_front"].tolist() == [True, True, True, False]
    assert frame.loc[["cheap", "tree", "forest", "bad"], "on_hull"].tolist() == [True, False, True, False]
    mixtures = frame[frame["kind"] == "mixture"]
    assert not mixtures["on_front"].any() and mixtures["on_hull"].all() and not mixtures["near_front"].any()
    assert frame.loc["cheap+forest@0.50", "rank"] == 0  # no deterministic option dominates it
    assert frame.loc["bad", "rank"] == 1
    assert set(table.notes["fronts"]) == {"on_front", "on_hull"}


def test_front_count_and_every_output_carry_both_flags(small: Project, tmp_path: object) -> None:
    record = flows.analyze_cost_quality(small, spec())
    assert record.spec["front"] == 3  # cheap, tree, forest: never a mixture
    stored = flows.get_candidates(small, record.name).frame
    assert {"on_front", "on_hull"} <= set(stored.columns)
    assert stored["on_hull"].dtype == bool and stored["on_front"].dtype == bool


def test_latency_objective_ranks_deterministic_options_only(small: Project) -> None:
    table = analyze_cost_quality(small, spec(objectives=(Objective("quality", "max"),)))
    frame = table.frame.set_index("candidate_id")
    assert frame.loc["forest", "on_front"] and not frame.loc["tree", "on_front"]
    assert int(frame["on_front"].sum()) == 1


@pytest.mark.parametrize(("budget", "shown"), [(1.0, "cheap"), (6.0, "forest"), (9.0, "forest")])
def test_a_budget_met_at_a_vertex_reads_as_that_system(small: Project, budget: float, shown: str) -> None:
    frame = analyze_cost_quality(small, spec(budgets=(budget,))).frame.set_index("candidate_id")
    row = frame.loc[f"target budget {budget:g}"]
    assert row["system"] == shown and row["kind"] == "system" and row["first"] == shown
    assert pd.isna(row["second"]) and np.isnan(row["share_second"])
    assert row[["quality", "cost"]].tolist() == frame.loc[shown, ["quality", "cost"]].tolist()
    assert row["on_front"] and row["on_hull"]


def test_a_budget_between_vertices_stays_a_mixture_recipe(small: Project) -> None:
    frame = analyze_cost_quality(small, spec(budgets=(3.5,))).frame.set_index("candidate_id")
    row = frame.loc["target budget 3.5"]
    assert row["system"] == "mix 50% cheap + 50% forest" and row["kind"] == "mixture"
    assert not row["on_front"] and row["on_hull"]
