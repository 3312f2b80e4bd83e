"""``analyze … ope`` options, ``candidates`` and ``decide`` on OPE shortlists, run in-process (issue 19)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from support.inprocess_cli import Cli, in_process_cli
from tradeoff_studio.core.project import create_project


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    return in_process_cli(capsys)


TRUTH = {"logger": 0.0038, "p1": 0.0024, "p2": 0.0020, "p3": 0.0011, "p4": 0.0030, "p5": 0.0015,
         "p6": 0.0009, "p7": 0.0033, "p8": 0.0027}  # fmt: skip
ESTIMATES = {
    "IPW": {"logger": 0.0038, "p1": 0.0040, "p2": 0.0031, "p3": 0.0012, "p4": 0.0025, "p5": -0.5,
            "p6": 0.0010, "p7": 0.0029, "p8": 0.0030},
    "DR": {"logger": 0.0038, "p1": 0.0026, "p2": 0.0018, "p3": 0.0010, "p4": 0.0031, "p5": 0.0016,
           "p6": 0.0011, "p7": 0.0034, "p8": 0.0025},
}  # fmt: skip


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    """Like the Open Bandit sample: the logger (0.0038) beats all 8 candidates but one; IPW gives -0.5."""
    rows = [{"policy": p, "est": e, "estimate": v, "truth": TRUTH[p], "is_b": p == "logger"}
            for e, values in ESTIMATES.items() for p, v in values.items()]  # fmt: skip
    path = tmp_path / "p.tsproj"
    with create_project(path) as project:
        project.con.register("incoming", pd.DataFrame(rows))
        project.con.execute("CREATE TABLE obp AS SELECT * FROM incoming")
        project.con.unregister("incoming")
    return path


FLAGS = ("--table", "obp", "--policy", "policy", "--estimator", "est", "--estimate", "estimate",
         "--true-value", "truth", "--behaviour", "is_b", "--resamples", "100")  # fmt: skip


def test_settings_conventions_and_warnings_reach_the_output(cli: Cli, project_file: Path) -> None:
    settings = ("--k-max", "5", "--ci-level", "0.9", "--seed", "3", "--convention", "scope-rl",
                "--value-range", "0,1", "--name", "s")  # fmt: skip
    status, out, err = cli("analyze", project_file, "ope", *FLAGS, *settings)
    assert status == 0, err
    assert "Convention: scope-rl: SharpeRatio@k = max(best@k - J(behaviour), 0) / std@k" in out
    assert "ops.py" in out and "ddof = 1" in out
    assert "Behaviour policy logger (true value 0.0038); 8 other policies ranked, k from 2 to 5." in out
    assert "Warning: 1 value(s) lie outside the possible range [0, 1]: IPW on p5: -0.5" in out
    assert "Estimator selection (true values known" in out and "rank correlation" in out
    status, out, _ = cli("analyze", project_file, "ope", *FLAGS, "--json")
    record = json.loads(out)
    assert record["objectives"] == ["sharpe_ratio_at_k:max", "k:min"]
    notes = record["notes"]
    assert notes["convention"] == "paper" and "2311.18207" in notes["convention_text"]
    assert set(notes["estimator_selection"]) == {"IPW", "DR"}
    assert record["inputs"]["resamples"] == 100


def test_k_above_the_policies_and_bad_settings_are_refused(cli: Cli, project_file: Path) -> None:
    status, _, err = cli("analyze", project_file, "ope", *FLAGS, "--k-max", "20")
    assert status == 1 and "has only 8 policies besides the behaviour policy, so k runs from 2 to 8" in err
    status, _, err = cli("analyze", project_file, "ope", *FLAGS, "--value-range", "1,0")
    assert status == 1 and "--value-range expects LOW,HIGH with LOW < HIGH" in err
    with pytest.raises(SystemExit):
        cli("analyze", project_file, "ope", *FLAGS, "--convention", "other")


def test_candidates_name_their_policies_and_decide_names_the_risk(cli: Cli, project_file: Path) -> None:
    assert cli("analyze", project_file, "ope", *FLAGS, "--name", "s")[0] == 0
    status, out, _ = cli("candidates", project_file, "s", "--json")
    rows = {row["candidate_id"]: row for row in json.loads(out)}
    assert rows["DR@3"]["policies"] == ["p7", "p4", "p1"]
    status, out, _ = cli("candidates", project_file, "s")
    assert "policies" in out.splitlines()[0] and "p7, p4, p1" in out
    assert "p7, p4, p1, p8, p2, … +3" in out  # DR@8: the first five, then how many more
    status, out, err = cli("decide", project_file, "s", "--candidate", "DR@3", "--rationale", "cheap test")
    assert status == 0, err
    assert "Shortlist: A/B test these 3 policies (in the estimator's rank order): p7, p4, p1" in out
    assert (
        "Below behaviour: the best of the shortlist (0.0033) is below the behaviour policy logger (0.0038)"
        in out
    )
    status, out, _ = cli("decide", project_file, "s", "--candidate", "DR@3", "--rationale", "again", "--json")
    risks = [r for r in json.loads(out)["evidence"]["risks"] if r.get("kind") == "below_behaviour"]
    assert risks and risks[0]["behaviour_value"] == 0.0038 and risks[0]["best_at_k"] == 0.0033
    status, _, err = cli("decide", project_file, "s", "--constraint", "k>=20", "--rationale", "x")
    assert status == 1 and "there are only 8 policies besides the behaviour policy" in err
