"""``analyze PROJECT fairness --dataset GLOB`` with the DuckDB engine: stored provenance, refusals
that leave the project unchanged, and counts equal to the analysis of the same rows in a table."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest

from support.inprocess_cli import Cli, in_process_cli
from tradeoff_studio.core.analyses.fairness.analysis import analyze_fairness
from tradeoff_studio.core.analyses.fairness.spec import FairnessSpec
from tradeoff_studio.core.analysis_workflows import get_candidates
from tradeoff_studio.core.project import Project, create_project, open_project


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    return in_process_cli(capsys)


@pytest.fixture
def closed(tmp_path: Path) -> Path:
    """A new, empty project, closed (the command opens it)."""
    path = tmp_path / "scale.tsproj"
    create_project(path).close()
    return path


def _args(path: Path, dataset: Path, *more: str) -> list[str]:
    found = [
        "--label",
        "label",
        "--sensitive",
        "sex,region",
        "--score",
        "score",
        "score_b",
        "--resamples",
        "0",
    ]
    return ["analyze", str(path), "fairness", "--dataset", str(dataset / "*.parquet"), *found, *more]


def test_dataset_analysis_stores_counts_and_provenance(cli: Cli, closed: Path, scale_dataset: Path) -> None:
    status, out, err = cli(*_args(closed, scale_dataset, "--hash-files", "--json"))
    assert status == 0, err
    record = json.loads(out)
    found = record["inputs"]["dataset"]
    assert found["engine"] == "duckdb" and found["versions"]["duckdb"]
    assert found["rows"] == 80_000 and len(found["files"]) == 4
    assert all(len(f["sha256"]) == 64 and f["size"] > 0 and f["mtime_ns"] > 0 for f in found["files"])
    assert np.sum(found["counts"]["score"]) == 80_000 and np.sum(found["group_rows"]) == 80_000
    with open_project(closed) as project:
        assert project.tables() == []  # the rows never entered the project
    status, out, _ = cli(*_args(closed, scale_dataset, "--name", "twice"))
    assert status == 0
    assert (
        "Dataset: " in out
        and "counted by the duckdb engine" in out
        and "every metric at a bin edge is exact" in out
    )


def test_drill_down_and_decision_read_the_stored_counts(cli: Cli, closed: Path, scale_dataset: Path) -> None:
    """The per-group table and a decision work from the stored counts (the rows are not in the project)."""
    assert cli(*_args(closed, scale_dataset, "--name", "ds", "--resamples", "20"))[0] == 0
    status, out, err = cli("candidates", closed, "ds", "--front-only", "--json")
    assert status == 0, err
    first = json.loads(out)[0]["candidate_id"]
    status, out, err = cli("candidates", closed, "ds", "--candidate", first, "--by-group", "--json")
    assert status == 0, err
    groups = json.loads(out)["groups"]["groups"]
    assert sum(g["n"] for g in groups) == 80_000 and groups[-1]["group"] == "sex=male & region=(missing)"
    status, out, err = cli("decide", closed, "ds", "--constraint", "dp_difference<=0.05", "--dry-run")
    assert status == 0, err
    from tradeoff_studio.core.integrity import check_project

    report = check_project(closed)  # the analysis names a dataset, not a missing table
    assert report.sound, report.problems


def test_refusals_leave_the_project_unchanged(
    cli: Cli, closed: Path, scale_dataset: Path, state: Callable[[Project], Any], tmp_path: Path
) -> None:
    with open_project(closed) as project:
        before = state(project)
    cases = [
        (_args(closed, scale_dataset, "--weight", "w"), "--weight need(s) the rows"),
        (_args(closed, scale_dataset, "--table", "t"), "either --table T"),
        (_args(closed, scale_dataset, "--where", "label = 1"), "--where filters a project table"),
        (_args(closed, tmp_path / "nothing"), "No Parquet file matches"),
        (_args(closed, scale_dataset, "--model", "lr"), "--model scores the dataset inside Ray's actors"),
        (["analyze", str(closed), "fairness", "--label", "label", "--sensitive", "sex", "--score", "s"],
         "needs --table T"),
    ]  # fmt: skip
    for argv, message in cases:
        status, _, err = cli(*argv)
        assert status == 1 and message in err, err
    with open_project(closed) as project:
        assert state(project) == before


def test_dataset_counts_equal_the_table_analysis(project: Project, scale_dataset: Path) -> None:
    """The same rows imported as a table and analysed in exact mode: the same groups and rows, and
    an AUC within the binned analysis's reported bound."""
    from tradeoff_studio.core.dataset_workflows import analyze_fairness_dataset

    spec = FairnessSpec(
        table="dataset", label="label", sensitive=["sex"], scores=["score"], bootstrap=0, bins=5000
    )
    record = analyze_fairness_dataset(project, spec, str(scale_dataset))
    table = pq.read_table(scale_dataset)
    project.con.register("rows_view", table.to_pandas())
    project.con.execute("CREATE TABLE rows_table AS SELECT * FROM rows_view")
    local = analyze_fairness(
        project, FairnessSpec(table="rows_table", label="label", sensitive=["sex"], scores=["score"],
                              bootstrap=0, mode="exact", multiplicity=False),
    )  # fmt: skip
    stored = get_candidates(project, record.name)
    binned, exact = stored.notes["models"]["score"], local.notes["models"]["score"]
    assert abs(binned["auc"] - exact["auc"]) <= binned["error_bound"]["auc"] < 1e-3
    assert [g["rows"] for g in stored.notes["groups"]] == [g["rows"] for g in local.notes["groups"]]


def test_ray_is_imported_only_for_the_ray_engine() -> None:
    import subprocess
    import sys

    code = (
        "import sys, tradeoff_studio.cli.main, tradeoff_studio.core.dataset_workflows, "
        "tradeoff_studio.core.engines.ray_engine; print('ray' in sys.modules, 'ray.data' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]


def test_edges_option(cli: Cli, closed: Path, scale_dataset: Path) -> None:
    """``--edges exact`` (the default) and ``--edges sample`` are stored and said in the text."""
    status, out, err = cli(*_args(closed, scale_dataset, "--json"))
    assert status == 0, err
    found = json.loads(out)["inputs"]["dataset"]
    assert found["edges"] == "exact" and "quantile_disc" in found["edges_rule"]
    status, out, err = cli(*_args(closed, scale_dataset, "--edges", "sample"))
    assert status == 0, err
    assert "Bins: Scores are binned at quantile edges of a sample" in out
