"""``analyze PROJECT cost-quality --dataset GLOB`` with the DuckDB engine (issue #21): the candidates
and notes equal the in-project analysis of the same rows imported, exactly; refusals name item,
system and column and leave the project unchanged; the CLI stores the provenance."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from support.inprocess_cli import Cli, in_process_cli
from support.scale_data import write_eval_log
from tradeoff_studio.core.analyses.candidates import AnalysisError
from tradeoff_studio.core.analyses.cost_quality import CostQualitySpec, analyze_cost_quality
from tradeoff_studio.core.analysis_workflows import get_candidates
from tradeoff_studio.core.dataset_workflows import analyze_cost_quality_dataset
from tradeoff_studio.core.engines import EngineError, get_engine
from tradeoff_studio.core.engines.dataset import open_dataset
from tradeoff_studio.core.engines.pairs import PairsRequest, collect_pairs
from tradeoff_studio.core.errors import CancelledError
from tradeoff_studio.core.jobs import CancelToken
from tradeoff_studio.core.project import Project, create_project, open_project

COLUMNS = {"item": "item", "system": "system", "correct": "correct"}
FIRST = {"cost": "cost", "latency": "latency_ms", "confidence": "confidence", "cluster": "topic"}
TOKENS = {"input_tokens": "input_tokens", "output_tokens": "output_tokens", "price_table": "prices",
          "confidence": "confidence", "cluster": "topic", "systems": ("sys-a", "sys-c", "sys-e")}  # fmt: skip
PRICES = "('sys-a', 0.5, 1.5), ('sys-b', 1, 3), ('sys-c', 3, 15), ('sys-d', 5, 20), ('sys-e', 10, 30)"


@pytest.fixture(scope="module")
def sorted_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """5 systems × 2,000 items in 4 files, rows in (system, item) order."""
    return write_eval_log(tmp_path_factory.mktemp("cq") / "log", shuffled=False)


@pytest.fixture(scope="module")
def shuffled_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same kind of log, rows shuffled across 3 files."""
    return write_eval_log(tmp_path_factory.mktemp("cqs") / "log", files=3, shuffled=True, seed=5)


def _import(project: Project, folder: Path, name: str = "log") -> None:
    project.con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet('{folder}/*.parquet')")


def _assert_same(project: Project, record_name: str, local: Any) -> None:
    stored = get_candidates(project, record_name)
    assert len(local.frame) > 50
    assert stored.frame[list(local.frame.columns)].equals(local.frame)
    assert {k: v for k, v in stored.notes.items() if k != "source_table"} == {
        k: v for k, v in local.notes.items() if k != "source_table"
    }


@pytest.mark.parametrize(
    "options",
    [FIRST, TOKENS | {"folds": 3}],
    ids=["cost-column", "token-prices"],
)
def test_dataset_analysis_equals_the_table_analysis(
    project: Project, sorted_log: Path, options: dict[str, Any]
) -> None:
    """The same rows imported and analysed in the project: equal frames and notes, bit for bit."""
    project.con.execute(
        f"CREATE TABLE prices AS SELECT * FROM (VALUES {PRICES}) t(system, input_price, output_price)"
    )
    spec = CostQualitySpec("dataset", **COLUMNS, resamples=30, **options)
    record = analyze_cost_quality_dataset(project, spec, str(sorted_log / "*.parquet"))
    _import(project, sorted_log)
    local = analyze_cost_quality(project, CostQualitySpec("log", **COLUMNS, resamples=30, **options))
    _assert_same(project, record.name, local)
    found = record.spec["inputs"]["dataset"]
    assert found["engine"] == "duckdb" and found["rows"] == 10_000 and len(found["files"]) == 4
    assert found["pairs"] == 10_000 and set(project.tables()) == {"prices", "log"}


def test_the_engines_agree_on_shuffled_files(shuffled_log: Path) -> None:
    """Pairs are sorted by (system, item) whatever the file order: the same table from any order."""
    dataset = open_dataset(str(shuffled_log))
    request = PairsRequest("item", "system", ("correct", "cost", "latency_ms"), "topic")
    found = collect_pairs(get_engine("duckdb"), dataset, request)
    expected = pq.read_table(shuffled_log, columns=request.columns).sort_by(
        [("system", "ascending"), ("item", "ascending")]
    )
    assert found.rows == 10_000 and found.pairs.num_rows == 10_000
    assert found.pairs["item"].to_pylist() == expected["item"].to_pylist()
    assert found.pairs["cost"].to_pylist() == expected["cost"].to_pylist()
    assert found.pairs["correct"].to_pylist() == [float(v) for v in expected["correct"].to_pylist()]


def _bad_log(folder: Path, change: Callable[[pa.Table], pa.Table]) -> Path:
    table = pq.read_table(folder)
    folder = folder.parent / f"bad-{change.__name__}"
    folder.mkdir()
    pq.write_table(change(table), folder / "log.parquet")
    return folder


def _duplicate(table: pa.Table) -> pa.Table:
    return pa.concat_tables([table, table.slice(7, 1)])


def _negative(table: pa.Table) -> pa.Table:
    cost = table["cost"].to_numpy().copy()
    cost[3] = -1.0
    return table.set_column(table.schema.get_field_index("cost"), "cost", pa.array(cost))


def _partial_confidence(table: pa.Table) -> pa.Table:
    confidence = table["confidence"].to_pylist()
    confidence[table["system"].to_pylist().index("sys-b")] = None
    return table.set_column(table.schema.get_field_index("confidence"), "confidence", pa.array(confidence))


def _text_cost(table: pa.Table) -> pa.Table:
    return table.set_column(table.schema.get_field_index("cost"), "cost", table["cost"].cast(pa.string()))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_duplicate, r"Item 'set\d/q\d+' has 2 rows for system 'sys-\w'"),
        (
            _negative,
            r"Item 'set\d/q\d+' of system 'sys-\w' in the dataset .*: column 'cost' is a negative cost",
        ),
        (_text_cost, r"Column 'cost' of the dataset .* is string, not a number"),
        (_partial_confidence, r"System 'sys-b' has a confidence in column 'confidence' on 1,999 of its"),
    ],
)
def test_bad_logs_are_refused_and_nothing_is_stored(
    project: Project, sorted_log: Path, change: Callable[[pa.Table], pa.Table], message: str,
    state: Callable[[Project], Any],
) -> None:  # fmt: skip
    folder = _bad_log(sorted_log, change)
    before = state(project)
    spec = CostQualitySpec("dataset", **COLUMNS, cost="cost", confidence="confidence", resamples=10)
    with pytest.raises(AnalysisError, match=message):
        analyze_cost_quality_dataset(project, spec, str(folder))
    assert state(project) == before


def test_cancel_stores_nothing(project: Project, sorted_log: Path, state: Callable[[Project], Any]) -> None:
    token, before = CancelToken(), state(project)

    def progress(_fraction: float, message: str) -> None:
        if message.startswith("Aggregating"):
            token.cancel()

    spec = CostQualitySpec("dataset", **COLUMNS, cost="cost", resamples=10)
    with pytest.raises(CancelledError):
        analyze_cost_quality_dataset(project, spec, str(sorted_log), progress=progress, cancel=token)
    assert state(project) == before


def test_a_row_total_that_differs_from_the_footers_is_refused(sorted_log: Path) -> None:
    """A file changed after listing: the engine counts more rows than the footers declared."""
    dataset = open_dataset(str(sorted_log))
    last = dataset.files[-1]
    short = replace(last, rows=last.rows - 1)
    grown = replace(dataset, files=(*dataset.files[:-1], short))
    request = PairsRequest("item", "system", ("correct",))
    with pytest.raises(EngineError, match=r"counted 10,000 rows, but the Parquet footers .* declare 9,999"):
        collect_pairs(get_engine("duckdb"), grown, request)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    return in_process_cli(capsys)


def test_cli_dataset_option(
    cli: Cli, tmp_path: Path, sorted_log: Path, state: Callable[[Project], Any]
) -> None:
    path = tmp_path / "cq.tsproj"
    create_project(path).close()
    base = ["analyze", str(path), "cost-quality", "--item", "item", "--system", "system", "--correct",
            "correct", "--cost", "cost", "--resamples", "10"]  # fmt: skip
    status, out, err = cli(*base, "--dataset", str(sorted_log / "*.parquet"), "--hash-files", "--name", "cq")
    assert status == 0, err
    assert "Dataset: " in out and "10,000 (system, item) pairs, aggregated by the duckdb engine" in out
    status, out, err = cli("candidates", str(path), "cq", "--front-only", "--json")
    assert status == 0 and json.loads(out), err
    status, out, err = cli("decide", str(path), "cq", "--constraint", "quality>=0.6", "--dry-run")
    assert status == 0, err
    from tradeoff_studio.core.integrity import check_project

    report = check_project(path)  # the analysis names a dataset, not a missing table
    assert report.sound, report.problems
    with open_project(path) as project:
        before = state(project)
        assert project.tables() == []  # the rows never entered the project
    for argv, message in [
        ([*base, "--dataset", str(sorted_log), "--where", "cost > 0"], "--where filters a project table"),
        ([*base, "--dataset", str(sorted_log), "--table", "t"], "either --table T"),
        ([*base, "--engine", "ray"], "needs --table T (a project table) or --dataset"),
        ([*base, "--dataset", str(sorted_log), "--systems", "nobody"], "System 'nobody' has no rows"),
    ]:
        status, _, err = cli(*argv)
        assert status == 1 and message in err, err
    with open_project(path) as project:
        assert state(project) == before


def test_a_price_table_named_like_the_dataset_is_refused(project: Project, sorted_log: Path) -> None:
    project.con.execute(
        f"CREATE TABLE dataset AS SELECT * FROM (VALUES {PRICES}) t(system, input_price, output_price)"
    )
    spec = CostQualitySpec("dataset", **COLUMNS, **(TOKENS | {"price_table": "dataset"}))
    with pytest.raises(AnalysisError, match="The price table may not be called 'dataset'"):
        analyze_cost_quality_dataset(project, spec, str(sorted_log))
