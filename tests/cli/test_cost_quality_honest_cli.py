"""Issue #17 end to end: --cluster, --pass-at, --folds, the fronts line, decide --only, escaped names."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from support.cli import cli as subprocess_cli
from support.inprocess_cli import Cli, in_process_cli
from tradeoff_studio.core.project import create_project

FLAGS = ["--table", "runs", "--item", "item", "--system", "system", "--correct", "acc", "--cost", "seconds"]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    return in_process_cli(capsys)


def nested_runs() -> pd.DataFrame:
    """Learners × (dataset, seed) items with graded accuracy; the cheap learner has a confidence."""
    rng = np.random.default_rng(11)
    hardness = rng.normal(0, 1.2, 30)
    rows = []
    for d in range(30):
        for s in range(4):
            for name, shift, cost in (("knn", 0.0, 0.01), ("logreg", 0.4, 1.0), ("forest", 1.0, 5.0)):
                p = float(1 / (1 + np.exp(-(shift - hardness[d] + rng.normal(0, 0.2)))))
                rows.append({"item": f"ds{d:02d}/{s}", "dataset": f"ds{d:02d}", "system": name, "acc": p,
                             "seconds": cost, "conf": p if name == "knn" else None})  # fmt: skip
    return pd.DataFrame(rows)


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    path = tmp_path / "runs.tsproj"
    project = create_project(path)
    project.con.register("incoming", nested_runs())
    project.con.execute("CREATE TABLE runs AS SELECT * FROM incoming")
    project.con.unregister("incoming")
    project.close()
    return path


def test_cluster_pass_at_folds_and_what_the_output_says(cli: Cli, project_file: Path) -> None:
    status, out, err = cli(
        "analyze", project_file, "cost-quality", *FLAGS, "--resamples", "50", "--name", "plain"
    )
    assert status == 0, err
    assert "Intervals: 95% CI by item, 120 items." in out
    assert "Note: rows may nest: column 'dataset' groups the 120 items into 30 groups" in out
    assert "give --cluster dataset" in out
    assert "Best single system: knn, by lowest expected cost per unit of quality" in out
    assert "Frontier expected cost per unit of quality (per item)" in out
    assert "on_front: the Pareto front of single systems and cascades (never a random mixture)" in out
    more = [
        "--cluster",
        "dataset",
        "--pass-at",
        "0.6",
        "--confidence",
        "conf",
        "--folds",
        "3",
        "--budget",
        "2",
    ]
    status, out, err = cli("analyze", project_file, "cost-quality", *FLAGS, *more, "--resamples", "50",
                           "--name", "honest")  # fmt: skip
    assert status == 0, err
    assert "Intervals: 95% CI by dataset, 30 clusters." in out and "rows may nest" not in out
    assert "Best single system: logreg, by highest quality among single systems costing at most 2" in out
    assert "Cascades: cross-fitted over 3 folds of whole clusters of 'dataset'" in out
    status, out, err = cli("candidates", project_file, "honest", "--json")
    rows = json.loads(out)
    assert all("on_hull" in row and "on_front" in row for row in rows)
    assert any(row["kind"] == "cascade" and row["quality_in_sample"] is not None for row in rows)
    assert all(not row["on_front"] for row in rows if row["kind"] == "mixture")
    with pytest.raises(SystemExit):  # argparse refuses it: "--pass-at: 1.5 is out of range"
        cli("analyze", project_file, "cost-quality", *FLAGS, "--pass-at", "1.5")


def test_decide_only_among_kinds(cli: Cli, project_file: Path) -> None:
    assert cli("analyze", project_file, "cost-quality", *FLAGS, "--confidence", "conf", "--resamples", "50",
               "--name", "cq")[0] == 0  # fmt: skip
    status, out, err = cli("decide", project_file, "cq", "--only", "system", "--constraint", "cost<=2",
                           "--rationale", "one learner", "--json")  # fmt: skip
    assert status == 0, err
    decision = json.loads(out)
    assert decision["evidence"]["candidate"]["kind"] == "system"
    assert decision["preferences"]["only"] == ["system"]
    status, out, err = cli("decide", project_file, "cq", "--only", "system", "--only", "cascade",
                           "--rationale", "no coin flips", "--json")  # fmt: skip
    assert status == 0, err
    assert json.loads(out)["evidence"]["candidate"]["kind"] in {"system", "cascade"}


def test_an_invisible_character_in_a_name_shows_escaped(tmp_path: Path) -> None:
    path = tmp_path / "zw.tsproj"
    project = create_project(path)
    log = nested_runs().replace({"system": {"logreg": "Ridge\u200b"}})
    project.con.register("incoming", log)
    project.con.execute("CREATE TABLE runs AS SELECT * FROM incoming")
    project.con.unregister("incoming")
    project.close()
    done = subprocess_cli("analyze", path, "cost-quality", *FLAGS, "--resamples", "20", "--name", "cq")
    assert done.returncode == 0, done.stderr
    refused = subprocess_cli("decide", path, "cq", "--candidate", "Ridge", "--rationale", "x")
    assert refused.returncode == 1
    assert "candidates: Ridge\\u200b, forest" in refused.stderr and "no candidate 'Ridge'" in refused.stderr
