"""Query rows as NumPy batches, through Arrow or without pyarrow (the installed app leaves it out)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import onnx
import pytest

from support.onnx_builders import create_table, grade_is_a, logistic, lookup, scores_by_id
from tradeoff_studio.core.inference import batches
from tradeoff_studio.core.inference.batches import VECTOR_ROWS, numpy_batches, numpy_columns, query_batches
from tradeoff_studio.core.inference.registry import add_model
from tradeoff_studio.core.inference.runner import score_table
from tradeoff_studio.core.project import Project

FEATURES = ["age", "income", "debt"]

ROWS = 3 * VECTOR_ROWS + 123  # several DuckDB vectors and a partial one


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE t AS SELECT range AS id, CAST(range AS DOUBLE) * 0.5 AS x, "
        "CAST(range % 3 AS FLOAT) AS f, "
        f"'s' || (range % 4) AS s, CASE WHEN range % 5 = 0 THEN NULL ELSE range END :: INTEGER AS n "
        f"FROM range({ROWS})"
    )
    return con


@pytest.mark.parametrize("batch_rows", [1_000, VECTOR_ROWS, 5_000, ROWS, 10 * ROWS])
def test_batches_are_exactly_batch_rows_and_hold_every_row_in_order(
    con: duckdb.DuckDBPyConnection, batch_rows: int
) -> None:
    batches = list(numpy_batches(con.execute("SELECT id, x, f, s FROM t ORDER BY id"), batch_rows))
    sizes = [batch.num_rows for batch in batches]
    assert sizes[:-1] == [batch_rows] * (len(sizes) - 1) and 0 < sizes[-1] <= batch_rows
    assert sum(sizes) == ROWS and {batch.num_columns for batch in batches} == {4}
    ids = np.concatenate([batch.column(0) for batch in batches])
    np.testing.assert_array_equal(ids, np.arange(ROWS))
    np.testing.assert_array_equal(np.concatenate([batch.column(1) for batch in batches]), ids * 0.5)
    floats = np.concatenate([batch.column(2) for batch in batches])
    assert floats.dtype == np.float32 and np.array_equal(floats, (ids % 3).astype(np.float32))
    text = np.concatenate([batch.column(3) for batch in batches])
    assert text.dtype == object and list(text[:5]) == ["s0", "s1", "s2", "s3", "s0"]


def test_an_integer_column_with_nulls_comes_out_as_float_with_nan(con: duckdb.DuckDBPyConnection) -> None:
    (n,) = numpy_columns(con.execute("SELECT n FROM t ORDER BY id"))
    assert n.dtype == np.float64 and np.isnan(n[::5]).all() and n[1] == 1.0


def test_an_empty_result_gives_no_batch(con: duckdb.DuckDBPyConnection) -> None:
    assert list(numpy_batches(con.execute("SELECT id FROM t WHERE id < 0"), 100)) == []


@pytest.mark.parametrize("batch_rows", [1_000, VECTOR_ROWS, 65_536])
def test_arrow_and_numpy_give_the_same_batches(con: duckdb.DuckDBPyConnection, batch_rows: int) -> None:
    sql = "SELECT id, x, f, s FROM t ORDER BY id"
    arrow = list(query_batches(con.execute(sql), batch_rows))
    plain = list(numpy_batches(con.execute(sql), batch_rows))
    assert [b.num_rows for b in arrow] == [b.num_rows for b in plain]
    for ours, theirs in zip(arrow, plain, strict=True):
        for a, b in zip(ours.columns, theirs.columns, strict=True):
            assert a.dtype == b.dtype and np.array_equal(a, b)


def test_scoring_without_pyarrow_writes_the_same_scores(
    project: Project, save_model: Callable[[onnx.ModelProto, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The installed app has no pyarrow: the runner then reads pandas chunks, with the same result."""
    create_table(project, "loans", 10_000)
    project.con.execute(
        "CREATE TABLE codes AS SELECT id, CASE WHEN id % 3 = 0 THEN 'A' ELSE 'B' END AS grade, "
        "id % 10 AS code FROM range(5000) r(id) ORDER BY hash(id)"
    )
    for model, name in ((logistic(FEATURES), "lr"), (grade_is_a(), "grade"), (lookup(), "lookup")):
        add_model(project, save_model(model, name))
    jobs = [("lr", "loans"), ("grade", "codes"), ("lookup", "codes")]
    for model, table in jobs:
        score_table(project, model=model, table=table, batch_rows=3_000, output_column=f"arrow_{model}")
    monkeypatch.setattr(batches, "arrow_available", lambda: False)
    for model, table in jobs:
        score_table(project, model=model, table=table, batch_rows=3_000, output_column=f"numpy_{model}")
    for model, table in jobs:
        assert np.array_equal(
            scores_by_id(project, table, f"arrow_{model}"), scores_by_id(project, table, f"numpy_{model}")
        )
