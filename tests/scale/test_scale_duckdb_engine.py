"""The DuckDB engine over Parquet files outside the project, and the dataset checks (issue #21)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from tradeoff_studio.core.engines import EngineError, get_engine
from tradeoff_studio.core.engines.base import CountPlan, FairnessRequest
from tradeoff_studio.core.engines.blocks import block_counts
from tradeoff_studio.core.engines.dataset import DatasetError, open_dataset
from tradeoff_studio.core.engines.fairness_counts import count_fairness

REQUEST = FairnessRequest("label", ("sex", "region"), ("score", "score_b"))


def test_duckdb_counts_equal_numpy_blocks_and_footers(scale_dataset: Path) -> None:
    dataset = open_dataset(str(scale_dataset / "*.parquet"))
    counts = count_fairness(get_engine("duckdb"), dataset, REQUEST, bins=40)
    assert counts.rows == dataset.rows == 80_000
    assert counts.groups[-1] == ("male", None)  # NULL sorts last within its column
    plan = CountPlan(
        REQUEST, counts.groups, counts.positive, {s: t[1:-1] for s, t in counts.thresholds.items()}
    )
    for score in REQUEST.scores:
        vector = sum(block_counts(pq.read_table(path), plan)[score] for path in dataset.paths)
        np.testing.assert_array_equal(vector.reshape(counts.counts[score].shape), counts.counts[score])
        assert counts.counts[score].sum() == 80_000
        thresholds = counts.thresholds[score]
        assert np.all(np.diff(thresholds) > 0) and 20 < len(thresholds) - 1 <= 40


def test_edges_are_shared_when_given(scale_dataset: Path) -> None:
    dataset = open_dataset(str(scale_dataset))
    first = count_fairness(get_engine("duckdb"), dataset, REQUEST, bins=10)
    again = count_fairness(get_engine("duckdb"), dataset, REQUEST, bins=500, thresholds=first.thresholds)
    assert again.edges_sha256() == first.edges_sha256()
    for score in REQUEST.scores:
        np.testing.assert_array_equal(again.counts[score], first.counts[score])


def test_duplicate_file_is_refused(tmp_path: Path, scale_dataset: Path) -> None:
    folder = tmp_path / "dup"
    folder.mkdir()
    os.symlink(scale_dataset / "part-000.parquet", folder / "a.parquet")
    os.symlink(scale_dataset / "part-000.parquet", folder / "b.parquet")
    with pytest.raises(DatasetError, match="same file twice"):
        open_dataset(str(folder / "*.parquet"))


def test_no_files_and_missing_column_are_refused(tmp_path: Path, scale_dataset: Path) -> None:
    with pytest.raises(DatasetError, match="No Parquet file matches"):
        open_dataset(str(tmp_path / "none-*.parquet"))
    dataset = open_dataset(str(scale_dataset))
    with pytest.raises(DatasetError, match=r"no column 'gender'.*its columns: sex"):
        count_fairness(
            get_engine("duckdb"), dataset, FairnessRequest("label", ("gender",), ("score",)), bins=5
        )


def test_rows_that_disagree_with_the_footers_are_refused(tmp_path: Path, scale_dataset: Path) -> None:
    """A file rewritten after it was listed: the scan's total no longer matches the footers'."""
    folder = tmp_path / "changing"
    folder.mkdir()
    for path in sorted(scale_dataset.glob("*.parquet"))[:2]:
        (folder / path.name).write_bytes(path.read_bytes())
    dataset = open_dataset(str(folder))
    table = pq.read_table(folder / "part-000.parquet")
    pq.write_table(table.slice(0, 100), folder / "part-000.parquet")
    with pytest.raises(EngineError, match=r"scanned 20,100 rows, but the Parquet footers .* declare 40,000"):
        count_fairness(get_engine("duckdb"), dataset, REQUEST, bins=5)


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(EngineError, match=r"no engine 'spark'.*duckdb, ray"):
        get_engine("spark")


def test_case_tree_and_numpy_blocks_agree(scale_dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Below CASE_TREE_BINS the engine bins with a CASE tree, above with numpy blocks: same counts."""
    from tradeoff_studio.core.engines import duckdb_engine

    dataset = open_dataset(str(scale_dataset))
    tree = count_fairness(get_engine("duckdb"), dataset, REQUEST, bins=100)
    monkeypatch.setattr(duckdb_engine, "CASE_TREE_BINS", 1)
    asof = count_fairness(get_engine("duckdb"), dataset, REQUEST, bins=100, thresholds=tree.thresholds)
    for score in REQUEST.scores:
        np.testing.assert_array_equal(asof.counts[score], tree.counts[score])


def quantile_disc(folder: Path, score: str, bins: int) -> np.ndarray:
    """DuckDB's ``quantile_disc`` of ``score`` over every file, at k / bins (distinct values)."""
    import duckdb

    levels = [k / bins for k in range(1, bins)]
    sql = f"SELECT quantile_disc(CAST({score} AS DOUBLE), $q) FROM read_parquet($files)"
    found = duckdb.execute(sql, {"q": levels, "files": [str(p) for p in sorted(folder.glob("*.parquet"))]})
    return np.unique(np.asarray(found.fetchone()[0], dtype=np.float64))


@pytest.mark.parametrize("sample", [100_000, 500, 20])
def test_exact_edges_are_duckdbs_quantile_disc(scale_dataset: Path, sample: int) -> None:
    """Whatever the sample (all rows, or so few that the collect pass gathers most values): the
    interior edges are quantile_disc's, ties (``score`` rounded to 1e-3) and all."""
    dataset = open_dataset(str(scale_dataset))
    request = FairnessRequest("label", ("sex",), ("score", "score_b"), sample_rows=sample)
    for bins in (20, 700):
        counts = count_fairness(get_engine("duckdb"), dataset, request, bins=bins)
        assert counts.edges == "exact" and counts.to_dict()["edges"] == "exact"
        for score in request.scores:
            expected = quantile_disc(scale_dataset, score, bins)
            low = counts.thresholds[score][0]
            np.testing.assert_array_equal(counts.thresholds[score][1:-1], expected[expected > low])


def test_sample_edges_on_request(scale_dataset: Path) -> None:
    """``edges="sample"``: quantiles of a 500-row sample, not quantile_disc's (said in the provenance)."""
    dataset = open_dataset(str(scale_dataset))
    request = FairnessRequest("label", ("sex",), ("score_b",), sample_rows=500)
    counts = count_fairness(get_engine("duckdb"), dataset, request, bins=50, edges="sample")
    assert counts.to_dict()["edges_rule"] == "discrete quantiles of a sample of the rows"
    expected = quantile_disc(scale_dataset, "score_b", 50)
    assert len(counts.thresholds["score_b"]) == 51
    assert not np.array_equal(counts.thresholds["score_b"][1:-1], expected)
    with pytest.raises(DatasetError, match="Unknown edges 'approx'"):
        count_fairness(get_engine("duckdb"), dataset, request, bins=50, edges="approx")


def test_exact_ranks_round_as_duckdb_does() -> None:
    """The rank of each k / K quantile, for sizes where n·k / K is and is not a whole number."""
    import duckdb

    from tradeoff_studio.core.engines.edges import exact_ranks

    for rows in (1, 2, 3, 10, 999, 80_000):
        for bins in (2, 7, 700):
            levels = [k / bins for k in range(1, bins)]
            found = duckdb.execute(f"SELECT quantile_disc(range, $q) FROM range({rows})", {"q": levels})
            assert exact_ranks(rows, bins).tolist() == found.fetchone()[0], (rows, bins)
