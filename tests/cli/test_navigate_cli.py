"""Issue #18, observation 12: ``navigate`` steps form a stored exploration trail, never a decision."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from support.cli import cli
from tradeoff_studio.cli.main import main
from tradeoff_studio.core.project import create_project, open_project
from tradeoff_studio.core.schema import CATALOG_SCHEMA


@pytest.fixture
def project_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    frame = pd.DataFrame({"judge": ["a", "b", "c", "d", "e"], "agreement": [60.0, 66.0, 70.0, 72.0, 65.0],
                          "price": [1.0, 2.0, 6.0, 20.0, 3.0]})  # fmt: skip
    path = tmp_path / "p.tsproj"
    with create_project(path) as project:
        project.con.register("incoming", frame)
        project.con.execute("CREATE TABLE judges AS SELECT * FROM incoming")
        project.con.unregister("incoming")
    assert main(["analyze", str(path), "generic", "--table", "judges", "--id", "judge", "--name", "j",
                 "--objectives", "agreement:max,price:min"]) == 0  # fmt: skip
    capsys.readouterr()
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    status = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_a_trail_of_reference_and_classification_steps(
    project_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "navigate", project_file, "j", "--reference", "agreement=69,price=4")
    assert status == 0, err
    assert out.startswith("Step 1 of trail 'main' on 'j': reference agreement=69, price=4")
    assert "  Projection: candidate c (agreement 70, price 6); achievement" in out
    assert "  Neighbour b: agreement -4, price -4" in out
    assert "not a decision" in out
    status, out, err = run(capsys, "navigate", project_file, "j", "--improve", "price", "--worsen",
                           "agreement=66", "--json")  # fmt: skip
    assert status == 0, err
    [step] = json.loads(out)
    assert step["step"] == 2 and step["start"] == "c"  # continues from the last projection
    assert step["classification"] == ["improve price", "worsen agreement to 66"]
    assert step["bounds"] == {"agreement": 66.0} and step["candidate_id"] == "b"
    status, out, _ = run(capsys, "navigate", project_file, "j", "--show")
    assert "Step 1 of trail 'main'" in out and "Step 2 of trail 'main'" in out
    with open_project(project_file) as project:
        decisions = project.con.execute(f"SELECT count(*) FROM {CATALOG_SCHEMA}.decisions").fetchone()
        actions = project.con.execute(f"SELECT action FROM {CATALOG_SCHEMA}.audit ORDER BY seq").fetchall()
    assert decisions == (0,)
    assert [a[0] for a in actions][-2:] == ["explore", "explore"]


def test_refusals_leave_no_step(project_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "navigate", project_file, "j", "--improve", "price")
    assert status == 1 and "--from ID" in err
    status, _, err = run(capsys, "navigate", project_file, "j")
    assert status == 1 and "reference point" in err
    status, _, err = run(capsys, "navigate", project_file, "j", "--reference", "agreement=70")
    assert status == 1 and "missing: price" in err
    status, out, _ = run(capsys, "navigate", project_file, "j", "--show", "--json")
    assert json.loads(out) == []


def test_navigate_runs_as_a_command(project_file: Path) -> None:
    done = cli("navigate", project_file, "j", "--reference", "agreement=64,price=10", "--trail", "cheap")
    assert done.returncode == 0, done.stderr
    assert "Step 1 of trail 'cheap'" in done.stdout and "reaches every aspiration" in done.stdout
