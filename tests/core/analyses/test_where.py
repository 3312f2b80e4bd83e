"""Issue 15, observation 8: ``--where`` on every analysis kind.

Each kind run with ``where`` on a table must give exactly the candidates it gives on a copy of
the table holding only the kept rows (what users had to build by hand before), record the filter
in the stored spec, and leave no trace in the project. Anything but one read-only boolean
expression over the table's columns is refused before any work, with the project unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tradeoff_studio.core import analysis_workflows as flows
from tradeoff_studio.core.analyses.candidates import AnalysisError, Objective
from tradeoff_studio.core.analyses.generic import GenericSpec
from tradeoff_studio.core.analyses.where import check_where, source_sql
from tradeoff_studio.core.project import Project
from tradeoff_studio.core.sql import ident

DEMO = Path(__file__).resolve().parents[3] / "resources" / "demo"


def add_table(project: Project, name: str, frame: pd.DataFrame) -> None:
    project.con.register("incoming", frame)
    project.con.execute(f"CREATE TABLE {ident(name)} AS SELECT * FROM incoming")
    project.con.unregister("incoming")


def copy_filtered(project: Project, table: str, where: str, copy: str) -> None:
    project.con.execute(f"CREATE TABLE {ident(copy)} AS SELECT * FROM {ident(table)} WHERE {where}")


def candidates(project: Project, name: str) -> pd.DataFrame:
    return flows.get_candidates(project, name).frame


def same_as_copy(
    project: Project, run: Callable[..., Any], spec_for: Callable[[str], Any], where: str
) -> None:
    """``run`` with ``where`` on ``t`` equals ``run`` on a filtered copy; the spec records the filter."""
    table = spec_for("t")
    record = run(project, table, name="filtered", where=where)
    copy_filtered(project, "t", where, "t_copy")
    run(project, spec_for("t_copy"), name="copy")
    pd.testing.assert_frame_equal(candidates(project, "filtered"), candidates(project, "copy"))
    kept = project.con.execute("SELECT count(*) FROM t_copy").fetchone()[0]
    total = project.con.execute("SELECT count(*) FROM t").fetchone()[0]
    assert record.spec["inputs"]["where"] == {"table": "t", "expression": where, "rows": kept, "total": total}
    assert 0 < kept < total
    assert record.to_dict()["inputs"]["where"]["rows"] == kept
    assert project.con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE temporary AND NOT internal"
    ).fetchone() == (0,)


@pytest.fixture
def runs(project: Project) -> Project:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"id": [f"c{i}" for i in range(40)], "accuracy": rng.random(40),
                          "cost": rng.random(40), "split": ["test", "train"] * 20})  # fmt: skip
    add_table(project, "t", frame)
    return project


def generic_spec(table: str) -> GenericSpec:
    return GenericSpec(table, [Objective("accuracy", "max"), Objective("cost", "min")], "id")


def test_generic(runs: Project) -> None:
    same_as_copy(runs, flows.analyze_generic, generic_spec, "split = 'test' AND cost < 0.9")


def test_fairness(project: Project) -> None:
    from tradeoff_studio.core.analyses.fairness import FairnessSpec

    rng = np.random.default_rng(7)
    n = 600
    sex = rng.choice(["f", "m"], n)
    y = rng.random(n) < 0.4
    score = np.clip(0.5 * y + rng.normal(0.3, 0.2, n) + 0.05 * (sex == "m"), 0, 1)
    other = np.clip(score + rng.normal(0, 0.05, n), 0, 1)  # a second model: multiplicity reads rowids
    split = np.where(np.arange(n) % 3 == 0, "test", "train")
    frame = {"y": y.astype(int), "sex": sex, "score": score, "other": other, "split": split}
    add_table(project, "t", pd.DataFrame(frame))
    same_as_copy(project, flows.analyze_fairness, lambda t: FairnessSpec(t, "y", ["sex"], ["score", "other"]),
                 "split = 'test'")  # fmt: skip


def test_ope(project: Project) -> None:
    from tradeoff_studio.core.analyses.ope import OpeSpec

    project.con.execute(
        "CREATE TABLE t AS SELECT * FROM read_parquet(?)", [str(DEMO / "ope_results.parquet")]
    )
    same_as_copy(project, flows.analyze_ope,
                 lambda t: OpeSpec(t, "policy", "estimator", "estimated_value", "true_value", "is_behaviour"),
                 "estimator <> 'DM'")  # fmt: skip


def test_risk_return(project: Project) -> None:
    from tradeoff_studio.core.analyses.risk_return.analysis import RiskReturnSpec
    from tradeoff_studio.core.analyses.risk_return.metrics import Bootstrap
    from tradeoff_studio.core.analyses.risk_return.returns import ReturnsSource

    rng = np.random.default_rng(3)
    frame = pd.DataFrame(rng.normal(4e-4, 0.01, size=(300, 3)), columns=["a", "b", "c"])
    frame.insert(0, "date", pd.date_range("2021-01-04", periods=300, freq="B").date)
    add_table(project, "t", frame)
    quick = {"points": 10, "bootstrap": Bootstrap(resamples=20)}
    same_as_copy(project, flows.analyze_risk_return,
                 lambda t: RiskReturnSpec(ReturnsSource(t, "returns"), **quick),  # type: ignore[arg-type]
                 "date >= DATE '2021-06-01'")  # fmt: skip


def test_cost_quality(project: Project) -> None:
    from tradeoff_studio.core.analyses.cost_quality import CostQualitySpec

    project.con.execute(
        "CREATE TABLE t AS SELECT * FROM read_parquet(?)", [str(DEMO / "llm_eval_log.parquet")]
    )
    same_as_copy(project, flows.analyze_cost_quality,
                 lambda t: CostQualitySpec(t, "item", "system", "correct", cost="cost_usd", resamples=50),
                 "item < 'q00800' AND system <> 'legacy-13b'")  # fmt: skip


def test_model_variants_reads_only_kept_rows(project: Project) -> None:
    from tradeoff_studio.core.analyses.model_variants import VariantSpec
    from tradeoff_studio.core.inference.registry import add_model

    repo = Path(__file__).resolve().parents[3]
    project.con.execute(
        "CREATE TABLE t AS SELECT * FROM read_parquet(?) WHERE applicant_id % 50 = 0",
        [str(DEMO / "credit_applications.parquet")],
    )
    add_model(project, repo / "models" / "credit_mlp.onnx")
    fast = {"repeats": 10, "warmup": 1, "resamples": 50, "bulk_size": 500, "provider": "cpu"}
    where = "age >= 40"
    record = flows.measure_model_variants(
        project,
        VariantSpec("t", "default", ("credit_mlp",), **fast),
        name="filtered",
        where=where,  # type: ignore[arg-type]
    )
    copy_filtered(project, "t", where, "t_copy")
    flows.measure_model_variants(
        project, VariantSpec("t_copy", "default", ("credit_mlp",), **fast), name="copy"
    )  # type: ignore[arg-type]
    quality = [candidates(project, name)["quality"].iloc[0] for name in ("filtered", "copy")]
    assert quality[0] == quality[1]
    assert (
        record.spec["inputs"]["where"]["rows"]
        == project.con.execute("SELECT count(*) FROM t_copy").fetchone()[0]
    )
    assert source_sql(project, "t") == 'proj.main."t"'  # the filter is gone after the run


REFUSED = {
    "second_statement": ("split = 'test'; DROP TABLE t", "not one condition"),
    "closing_parenthesis_union": ("1=1) UNION SELECT * FROM t WHERE (1=1", "not one condition"),
    "closing_parenthesis_order": ("1=1) ORDER BY (id", "not one condition"),
    "closing_parenthesis_limit": ("1=1) LIMIT (1", "not one condition"),
    "subquery": ("id IN (SELECT id FROM t)", "subquery"),
    "exists": ("EXISTS (SELECT 1)", "subquery"),
    "read_csv": ("id IN (SELECT * FROM read_csv('/etc/passwd'))", "subquery"),
    "read_text_scalar": ("length(read_text('/etc/passwd')::VARCHAR) > 0", "read_text"),
    "getenv": ("getenv('HOME') IS NOT NULL", "getenv"),
    "nextval": ("nextval('s') > 0", "nextval"),
    "random": ("random() < 0.5", "random"),
    "glob": ("len(glob('*')) > 0", "glob"),
    "schema_qualified": ("main.lower(split) = 'test'", "with a schema"),
    "window": ("row_number() OVER () < 3", "window"),
    "not_boolean": ("cost + 1", "true/false condition"),
    "unknown_column": ("spilt = 'test'", "has no column 'spilt'"),
    "keeps_nothing": ("split = 'validation'", "keeps none of the 40 rows"),
    "empty": ("  ", "is empty"),
    "too_long": ("cost < 1 AND " * 1000 + "TRUE", "at most 10,000"),
    "aggregate": ("count(*) > 1", "cannot be evaluated"),
    "comment_escape": ("1=1 --", "not one condition"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_expressions_change_nothing(
    case: str, runs: Project, state: Callable[[Project], object]
) -> None:
    where, pattern = REFUSED[case]
    before = state(runs), flows.list_analyses(runs)
    with pytest.raises(AnalysisError) as caught:
        flows.analyze_generic(runs, generic_spec("t"), where=where)
    assert pattern in str(caught.value), str(caught.value)
    assert (state(runs), flows.list_analyses(runs)) == before
    assert runs.con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE temporary AND NOT internal"
    ).fetchone() == (0,)


def test_unknown_table_is_refused(runs: Project) -> None:
    with pytest.raises(AnalysisError, match=r"no table 'nope'\. Its tables: t"):
        flows.analyze_generic(runs, generic_spec("nope"), where="TRUE")


def test_failed_analysis_drops_the_view(runs: Project) -> None:
    bad = GenericSpec("t", [Objective("missing", "max")], "id")
    with pytest.raises(AnalysisError):
        flows.analyze_generic(runs, bad, where="split = 'test'")
    assert runs.con.execute("SELECT count(*) FROM t").fetchone() == (40,)


def test_check_where_counts_and_allows_safe_functions(runs: Project) -> None:
    checked = check_where(runs, "t", "lower(split) = 'test' AND abs(cost) < 2 AND id LIKE 'c%'")
    assert (checked.rows, checked.total) == (20, 40)
    assert (
        checked.describe()
        == "20 of 40 rows of 't' where lower(split) = 'test' AND abs(cost) < 2 AND id LIKE 'c%'"
    )
    assert check_where(runs, "t", "split = 'a;b' OR TRUE").rows == 40  # a ';' inside a literal is text
