"""Issue #18, observations 7 and 8: explore without recording; the card and listing say how it chose."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from support.inprocess_cli import Cli, in_process_cli
from tradeoff_studio.core.project import create_project, open_project
from tradeoff_studio.core.schema import CATALOG_SCHEMA


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    return in_process_cli(capsys)


@pytest.fixture
def project_file(tmp_path: Path, cli: Cli) -> Path:
    frame = pd.DataFrame({"judge": ["cheap", "mid", "premium", "bad"], "agreement": [60.0, 68.0, 68.06, 59.0],
                          "price": [1.0, 2.0, 24.0, 30.0],
                          "mode": ["draft", "draft", "verified", "verified"]})  # fmt: skip
    path = tmp_path / "p.tsproj"
    with create_project(path) as project:
        project.con.register("incoming", frame)
        project.con.execute("CREATE TABLE judges AS SELECT * FROM incoming")
        project.con.unregister("incoming")
    status, _, err = cli("analyze", path, "generic", "--table", "judges", "--id", "judge", "--name", "j",
                         "--objectives", "agreement:max,price:min")  # fmt: skip
    assert status == 0, err
    return path


def counts(path: Path) -> tuple[int, int]:
    with open_project(path) as project:
        decisions = project.con.execute(f"SELECT count(*) FROM {CATALOG_SCHEMA}.decisions").fetchone()
        audit = project.con.execute(f"SELECT count(*) FROM {CATALOG_SCHEMA}.audit").fetchone()
    assert decisions is not None and audit is not None
    return int(decisions[0]), int(audit[0])


def test_dry_run_prints_the_card_and_stores_nothing(cli: Cli, project_file: Path) -> None:
    before = counts(project_file)
    for method in ("tchebycheff", "weighted-sum"):
        status, out, err = cli("decide", project_file, "j", "--method", method, "--dry-run")
        assert status == 0, err
        assert out.startswith("Dry run on 'j' (nothing stored): candidate mid")
        assert f"Scores ({method}; each objective made larger-is-better" in out
        assert "  mid: " in out and "(chosen)" in out and "  premium: " in out
    status, out, _ = cli("decide", project_file, "j", "--weights", "price=0.001", "--dry-run", "--json")
    preview = json.loads(out)
    assert preview["dry_run"] is True and preview["id"] is None and preview["candidate_id"] == "premium"
    assert preview["evidence"]["recommendation"]["weights"] == {"agreement": 1.0, "price": 0.001}
    assert counts(project_file) == before
    status, out, _ = cli("decisions", project_file, "--json")
    assert json.loads(out) == []


def test_recording_still_needs_a_rationale(cli: Cli, project_file: Path) -> None:
    status, _, err = cli("decide", project_file, "j")
    assert status == 1 and "--rationale" in err and "--dry-run" in err
    assert counts(project_file)[0] == 0


def test_decisions_list_method_and_weights(cli: Cli, project_file: Path) -> None:
    assert cli("decide", project_file, "j", "--weights", "price=0.5", "--rationale", "cheap enough")[0] == 0
    assert cli("decide", project_file, "j", "--candidate", "cheap", "--rationale", "budget")[0] == 0
    _, out, _ = cli("decisions", project_file)
    header, first, second = out.splitlines()[:3]
    assert header.split()[:5] == ["id", "analysis", "candidate", "method", "weights"]
    assert "tchebycheff" in first and "price=0.5" in first
    assert "manual" in second


def test_a_constraint_on_a_text_column(cli: Cli, project_file: Path) -> None:
    status, out, err = cli("decide", project_file, "j", "--constraint", "mode == 'verified'", "--dry-run")
    assert status == 0, err  # used to be refused: "should read METRIC OP NUMBER"
    assert out.startswith("Dry run on 'j' (nothing stored): candidate premium")
    assert "mode == 'verified': holds (mode = 'verified')" in out
    status, out, err = cli("decide", project_file, "j", "--constraint", "mode in ('draft')",
                           "--rationale", "r", "--json")  # fmt: skip
    assert status == 0, err
    assert json.loads(out)["preferences"]["constraints"][0]["values"] == ["draft"]
