"""OPE shortlist analysis: @k metrics by hand, behaviour-policy checks, bootstrap and the demo."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from tradeoff_studio.core import analysis_workflows as flows
from tradeoff_studio.core.analyses.candidates import AnalysisError, Objective
from tradeoff_studio.core.analyses.ope import BASE_METRICS, OpeSpec, analyze_ope
from tradeoff_studio.core.data.importer import import_files
from tradeoff_studio.core.project import Project
from tradeoff_studio.core.sql import ident

DEMO = Path(__file__).resolve().parents[3] / "resources" / "demo" / "ope_results.parquet"


def add_table(project: Project, name: str, frame: pd.DataFrame) -> None:
    project.con.register("incoming", frame)
    project.con.execute(f"CREATE TABLE {ident(name)} AS SELECT * FROM incoming")
    project.con.unregister("incoming")


def spec(table: str = "ope", **changes: object) -> OpeSpec:
    columns = {"policy": "policy", "estimator": "est", "estimate": "estimate", "true_value": "truth",
               "behaviour": "is_b", "resamples": 50} | changes  # fmt: skip
    return OpeSpec(table, **columns)  # type: ignore[arg-type]


def small_frame() -> pd.DataFrame:
    """Behaviour b (true 1); p1, p2, p3 with true values 3, 2, 0. A ranks p1>p2>p3, B ranks p3>p2>p1."""
    estimates = {
        "A": {"b": 1.0, "p1": 0.9, "p2": 0.5, "p3": 0.1},
        "B": {"b": 1.0, "p1": 0.2, "p2": 0.7, "p3": 0.8},
    }
    truth = {"b": 1.0, "p1": 3.0, "p2": 2.0, "p3": 0.0}
    rows = [
        {"policy": p, "est": e, "estimate": v, "truth": truth[p], "is_b": p == "b"}
        for e, values in estimates.items()
        for p, v in values.items()
    ]
    return pd.DataFrame(rows)


def test_hand_computed_metrics_use_population_std(project: Project) -> None:
    add_table(project, "ope", small_frame())
    table = analyze_ope(project, spec())
    frame = table.frame.set_index("candidate_id")
    assert list(frame.index) == ["A@2", "A@3", "B@2", "B@3"]
    std3 = math.sqrt(((3 - 5 / 3) ** 2 + (2 - 5 / 3) ** 2 + (0 - 5 / 3) ** 2) / 3)
    expected = {
        "A@2": (3.0, 2.0, 2.5, 0.5, (3 - 1) / 0.5),
        "A@3": (3.0, 0.0, 5 / 3, std3, 2 / std3),
        "B@2": (2.0, 0.0, 1.0, 1.0, (2 - 1) / 1.0),
        "B@3": (3.0, 0.0, 5 / 3, std3, 2 / std3),
    }
    for candidate, values in expected.items():
        assert frame.loc[candidate, list(BASE_METRICS)].tolist() == pytest.approx(values)
    assert frame.loc["A@2", "estimator"] == "A" and frame.loc["A@2", "k"] == 2
    assert "1/k" in table.notes["std_convention"]
    assert table.notes["behaviour_value"] == 1.0 and table.notes["bootstrap"]["resamples"] == 50
    assert table.knobs == ["estimator", "k"]
    assert frame["on_front"].tolist() == [True, False, False, False]


def test_behaviour_flag_must_name_exactly_one_policy(project: Project) -> None:
    none = small_frame().assign(is_b=False)
    two = small_frame()
    two.loc[two["policy"] == "p3", "is_b"] = True
    add_table(project, "none", none)
    add_table(project, "two", two)
    with pytest.raises(AnalysisError, match=r"No row .* behaviour policy"):
        analyze_ope(project, spec("none"))
    with pytest.raises(AnalysisError, match="2 different behaviour policies"):
        analyze_ope(project, spec("two"))


BAD_CELLS = [("estimate", math.nan), ("truth", math.nan), ("estimate", None), ("truth", math.inf),
             ("est", None)]  # fmt: skip


@pytest.mark.parametrize(("column", "value"), BAD_CELLS)
def test_nan_missing_or_infinite_value_names_its_row_and_column(
    project: Project, state: Callable[[Project], object], column: str, value: object
) -> None:
    frame = small_frame()
    frame.loc[5, column] = value  # the table's 6th row
    add_table(project, "ope", frame)
    before = state(project)
    message = rf"Row 6 of table 'ope' has no usable value in column '{column}'"
    with pytest.raises(AnalysisError, match=message):
        flows.analyze_ope(project, spec(), name="broken")
    assert state(project) == before


def test_missing_column_is_named_with_the_tables_columns(project: Project) -> None:
    add_table(project, "ope", small_frame())
    with pytest.raises(AnalysisError, match=r"no column 'value'\. Its columns: policy \(VARCHAR\)"):
        analyze_ope(project, spec(true_value="value"))
    with pytest.raises(AnalysisError, match="not an OPE metric"):
        analyze_ope(project, spec(objectives=(Objective("acc", "max"),)))


@pytest.fixture
def demo_project(project: Project) -> Project:
    import_files(project, [DEMO], table="ope_results")
    return project


DEMO_SPEC = OpeSpec("ope_results", "policy", "estimator", "estimated_value", "true_value", "is_behaviour")


def test_demo_runs_end_to_end_and_intervals_contain_the_estimates(demo_project: Project) -> None:
    record = flows.analyze_ope(demo_project, DEMO_SPEC)
    assert record.name == "ope-ope_results" and record.kind == "ope"
    table = flows.get_candidates(demo_project, record.name)
    frame = table.frame
    assert set(frame["estimator"]) == {"DM", "IPS", "SNIPS", "DR"}
    assert len(frame) == 4 * 40 - 4 * 1  # k = 2..40 for 40 candidate policies
    reliable = frame["sharpe_ratio_at_k_ci_reliable"]
    assert 0 < reliable.sum() < len(frame)  # small k: the top policy often repeats in a resample
    for metric in BASE_METRICS:
        rows = frame[reliable] if metric == "sharpe_ratio_at_k" else frame
        assert (rows[f"{metric}_lo"] <= rows[metric]).all() and (rows[metric] <= rows[f"{metric}_hi"]).all()
    assert frame.loc[~reliable, "sharpe_ratio_at_k_lo"].isna().all()
    at5 = frame[frame["k"] == 5].set_index("estimator")["sharpe_ratio_at_k"]
    assert at5.idxmax() == "DR"
    assert frame["on_front"].sum() >= 1
