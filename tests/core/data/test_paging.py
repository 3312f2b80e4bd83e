"""Pages, sorted copies, filters' rowid lists and column statistics for the data view (core, no Qt)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from support.dataview_tables import make_people
from tradeoff_studio.core.data import column_stats, paging
from tradeoff_studio.core.data.paging import BLOCK_ROWS, ViewSpec
from tradeoff_studio.core.data.view_scratch import FilterError, ViewScratch, build_view, check_filter
from tradeoff_studio.core.errors import CancelledError
from tradeoff_studio.core.jobs import CancelToken
from tradeoff_studio.core.project import Project

ROWS = 1_234


@pytest.fixture
def cursor(project: Project) -> Iterator[duckdb.DuckDBPyConnection]:
    make_people(project, ROWS)
    opened = project.con.cursor()
    yield opened
    opened.close()


def all_rows(source: paging.Source, cursor: duckdb.DuckDBPyConnection) -> list[tuple[str | None, ...]]:
    blocks = math.ceil(source.rows / BLOCK_ROWS)
    return [row for block in range(blocks) for row in paging.read_block(cursor, source, block)]


def stored(cursor: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return cursor.execute("SELECT * FROM proj.main.people ORDER BY rowid").fetchall()


def as_text(row: tuple[object, ...]) -> tuple[str | None, ...]:
    return tuple(None if value is None else str(value) for value in row)


def test_blocks_read_the_stored_order_as_text(cursor: duckdb.DuckDBPyConnection) -> None:
    source = paging.plain_source(cursor, "people")
    assert source.rows == ROWS and [name for name, _t in source.columns][:3] == ["id", "approved", "sex"]
    rows = all_rows(source, cursor)
    assert len(rows) == ROWS
    assert rows[-1][0] == str(ROWS - 1) and rows[7][3] is None  # income is NULL where i % 10 == 7
    assert rows[5][6] == "2020-01-06" and rows[2][4] == "2.5"


def test_sorted_copy_matches_a_python_sort(cursor: duckdb.DuckDBPyConnection, project: Project) -> None:
    plain = paging.plain_source(cursor, "people")
    spec = ViewSpec(sort="income", descending=True)
    scratch = ViewScratch(cursor, encrypted=False)
    try:
        source = build_view(cursor, scratch, plain, spec, CancelToken())
        shown = all_rows(source, cursor)
        top = [tuple(row) for row in cursor.execute(paging.top_rows_sql(plain, spec)).fetchall()]
    finally:
        scratch.close()
    rows = stored(cursor)
    expected = sorted(range(len(rows)), key=lambda i: (rows[i][3] is None, -(rows[i][3] or 0), i))
    assert shown == [as_text(rows[i]) for i in expected]
    assert top == shown[:BLOCK_ROWS]


def test_filter_rowids_page_the_kept_rows(cursor: duckdb.DuckDBPyConnection) -> None:
    plain = paging.plain_source(cursor, "people")
    where = check_filter(cursor, "people", "  sex = 'F' AND income > 500 ")
    scratch = ViewScratch(cursor, encrypted=False)
    try:
        source = build_view(cursor, scratch, plain, ViewSpec(where=where), CancelToken())
        shown = all_rows(source, cursor)
        both = build_view(cursor, scratch, plain, ViewSpec("score", False, where), CancelToken())
        sorted_shown = all_rows(both, cursor)
    finally:
        scratch.close()
    kept = [row for row in stored(cursor) if row[2] == "F" and row[3] is not None and row[3] > 500]
    assert source.rows == len(kept) == len(shown) and shown == [as_text(row) for row in kept]
    assert sorted_shown == [as_text(row) for row in sorted(kept, key=lambda row: row[7])]


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("nope > 1", "The filter 'nope > 1' cannot be evaluated on table 'people'"),
        ("income + 1", "The filter must be a true/false condition, but 'income + 1' is a INTEGER"),
        ("1=1; DROP TABLE people", "is not one condition on the table's columns"),
        ("id IN (SELECT 1)", "is refused: it contains a subquery"),
        ("read_csv('x') IS NULL", "reads outside the table"),
    ],
)
def test_bad_filters_are_refused_by_name(
    cursor: duckdb.DuckDBPyConnection, expression: str, message: str
) -> None:
    with pytest.raises(
        FilterError, match=message.replace("(", r"\(").replace(")", r"\)").replace("+", r"\+")
    ):
        check_filter(cursor, "people", expression)
    assert cursor.execute("SELECT count(*) FROM proj.main.people").fetchone() == (ROWS,)


def test_scratch_is_detached_and_deleted(cursor: duckdb.DuckDBPyConnection) -> None:
    scratch = ViewScratch(cursor, encrypted=False)
    databases = {row[0] for row in cursor.execute("SELECT database_name FROM duckdb_databases()").fetchall()}
    path = cursor.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = ?", [scratch.alias]
    ).fetchone()
    scratch.close()
    assert scratch.alias in databases and path is not None
    assert not Path(path[0]).parent.exists()
    assert scratch.alias not in {
        row[0] for row in cursor.execute("SELECT database_name FROM duckdb_databases()").fetchall()
    }


def test_cancelled_build_raises_and_writes_nothing_to_the_project(
    cursor: duckdb.DuckDBPyConnection, project: Project
) -> None:
    plain = paging.plain_source(cursor, "people")
    token = CancelToken()
    token.cancel()
    scratch = ViewScratch(cursor, encrypted=False)
    try:
        with pytest.raises(CancelledError):
            build_view(cursor, scratch, plain, ViewSpec(sort="id"), token)
    finally:
        scratch.close()
    assert project.tables() == ["people"]


def test_basic_stats_and_histogram_equal_direct_computation(cursor: duckdb.DuckDBPyConnection) -> None:
    rows = stored(cursor)
    incomes = [row[3] for row in rows]
    basic = column_stats.basic_stats(cursor, "people", "income", "INTEGER", CancelToken())
    present = [value for value in incomes if value is not None]
    assert (basic.rows, basic.nulls) == (ROWS, incomes.count(None))
    assert (basic.minimum, basic.maximum) == (str(min(present)), str(max(present)))
    direct = cursor.execute("SELECT approx_count_distinct(income) FROM proj.main.people").fetchone()
    exact = len(set(present))
    assert basic.distinct_approx == direct[0]
    assert abs(basic.distinct_approx - exact) <= 0.15 * exact  # HyperLogLog: approximate by design
    shape = column_stats.distribution(cursor, "people", "income", "INTEGER", CancelToken())
    low, high = min(present), max(present)
    width = (high - low) / column_stats.BINS
    expected = [0] * column_stats.BINS
    for value in present:
        expected[min(math.floor((value - low) / width), column_stats.BINS - 1)] += 1
    assert (shape.kind, shape.low, shape.high, shape.missing) == ("histogram", low, high, incomes.count(None))
    assert shape.counts == expected


def test_text_column_shows_its_top_values(cursor: duckdb.DuckDBPyConnection) -> None:
    shape = column_stats.distribution(cursor, "people", "city", "VARCHAR", CancelToken())
    counts = Counter(row[5] for row in stored(cursor))
    expected = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[: column_stats.TOP_VALUES]
    assert list(zip(shape.labels, shape.counts, strict=True)) == expected


def test_date_column_has_a_histogram_over_time(cursor: duckdb.DuckDBPyConnection) -> None:
    shape = column_stats.distribution(cursor, "people", "born", "DATE", CancelToken())
    assert shape.kind == "histogram" and sum(shape.counts) == ROWS
    basic = column_stats.basic_stats(cursor, "people", "born", "DATE", CancelToken())
    assert (basic.minimum, basic.maximum) == ("2020-01-01", "2021-02-03")


def test_memory_limit_lowers_and_resets(cursor: duckdb.DuckDBPyConnection) -> None:
    default = paging.memory_limit(cursor)
    paging.set_memory_limit(cursor, paging.BROWSING_MEMORY)
    try:
        assert paging.memory_limit(cursor) != default
        assert "MiB" in paging.memory_limit(cursor)
    finally:
        paging.set_memory_limit(cursor, None)
    assert paging.memory_limit(cursor) == default
    with pytest.raises(ValueError, match="not a memory size"):
        paging.set_memory_limit(cursor, "1GB'; DROP TABLE x; --")


@pytest.mark.parametrize("encrypted", [False, True])
def test_sorted_copy_of_an_encrypted_project_is_encrypted_on_disk(tmp_path: Path, encrypted: bool) -> None:
    from tradeoff_studio.core.project import create_project

    marker = "ZQXJ-SECRET-MARKER"
    with create_project(tmp_path / "p.tsproj", encrypted=encrypted) as project:
        project.con.execute(
            f"CREATE TABLE t AS SELECT i, '{marker}' || i::VARCHAR AS secret FROM range(5000) r(i)"
        )
        cursor = project.con.cursor()
        cursor.execute("SET force_compression = 'uncompressed'")  # so that clear text would show verbatim
        scratch = ViewScratch(cursor, encrypted=project.encrypted)
        try:
            plain = paging.plain_source(cursor, "t")
            source = build_view(
                cursor, scratch, plain, ViewSpec(sort="secret", descending=True), CancelToken()
            )
            assert paging.read_block(cursor, source, 0)[0][1] == f"{marker}999"
            cursor.execute(f'CHECKPOINT "{scratch.alias}"')
            path = cursor.execute(
                "SELECT path FROM duckdb_databases() WHERE database_name = ?", [scratch.alias]
            ).fetchone()[0]
            stored = Path(path).read_bytes()
        finally:
            scratch.close()
            cursor.close()
    assert (marker.encode() in stored) is not encrypted


def test_a_missing_table_is_named(cursor: duckdb.DuckDBPyConnection) -> None:
    from tradeoff_studio.core.errors import NotFoundError

    with pytest.raises(NotFoundError, match="The project has no table 'gone'"):
        paging.plain_source(cursor, "gone")


def test_a_table_with_its_own_rowid_column_filters_and_sorts_right(project: Project) -> None:
    project.con.execute("CREATE TABLE odd AS SELECT 999 - i AS rowid, i % 3 AS k FROM range(1000) r(i)")
    cursor = project.con.cursor()
    scratch = ViewScratch(cursor, encrypted=False)
    try:
        plain = paging.plain_source(cursor, "odd")
        kept = build_view(cursor, scratch, plain, ViewSpec(where="k = 1"), CancelToken())
        ordered = build_view(cursor, scratch, plain, ViewSpec(sort="k"), CancelToken())
        assert all_rows(kept, cursor) == [(str(999 - i), "1") for i in range(1000) if i % 3 == 1]
        assert all_rows(ordered, cursor)[:2] == [("0", "0"), ("3", "0")]  # ties by the table's own rowid
    finally:
        scratch.close()
        cursor.close()
