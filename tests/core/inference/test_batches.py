"""Query rows as NumPy batches without pyarrow (the installed app leaves pyarrow out)."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from tradeoff_studio.core.inference.batches import VECTOR_ROWS, numpy_batches, numpy_columns

ROWS = 3 * VECTOR_ROWS + 123  # several DuckDB vectors and a partial one


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        f"CREATE TABLE t AS SELECT range AS id, range * 0.5 AS x, CAST(range % 3 AS FLOAT) AS f, "
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
