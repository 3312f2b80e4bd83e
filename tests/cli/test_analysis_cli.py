"""``analyze``, ``candidates``, ``decide`` and ``decisions`` end to end on a small generic table.

The commands run in-process through a parser built with :func:`add_analysis_commands`, with the
same error handling as ``tradeoff_studio.cli.main.main`` (user errors: exit 1 and the message).
"""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from support.inprocess_cli import Cli, Run, in_process_cli
from tradeoff_studio.core import audit
from tradeoff_studio.core.project import create_project, open_project


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run one analysis command in-process; returns (exit status, stdout, stderr)."""
    return in_process_cli(capsys)


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    """A project with table ``runs``: two models × thresholds, intervals, and a hostile text knob."""
    rows = []
    for model, base, slope in (("lr", 0.9, 0.2), ('=HYPERLINK("http://evil","x")', 0.85, 0.1)):
        for t in np.round(np.arange(0.1, 0.91, 0.1), 2):
            acc, gap = base - (t - 0.5) ** 2, slope * t
            rows.append({"model": model, "threshold": t, "accuracy": acc, "accuracy_lo": acc - 0.02,
                         "accuracy_hi": acc + 0.02, "gap": gap, "ratio": 1 - gap, "ratio_lo": 0.97 - gap,
                         "ratio_hi": 1.03 - gap})  # fmt: skip
    path = tmp_path / "p.tsproj"
    with create_project(path) as project:
        project.con.register("incoming", pd.DataFrame(rows))
        project.con.execute("CREATE TABLE runs AS SELECT * FROM incoming")
        project.con.unregister("incoming")
    return path


def analyze(cli, project_file: Path, *extra: str) -> Run:
    return cli("analyze", project_file, "generic", "--table", "runs", "--objective", "accuracy:max",
               "--objective", "gap:min", *extra)  # fmt: skip


def test_analyze_generic_and_default_names(cli: Cli, project_file: Path) -> None:
    status, out, err = analyze(cli, project_file)
    assert status == 0, err
    assert out.startswith("Stored analysis 'generic-runs' (generic): 18 candidates,")
    assert "on the Pareto front of accuracy:max, gap:min" in out
    status, out, _ = analyze(cli, project_file, "--json")
    record = json.loads(out)
    assert record["name"] == "generic-runs-2" and record["knobs"] == ["model", "threshold"]
    assert record["metrics"] == ["accuracy", "gap", "ratio"]
    status, _, err = analyze(cli, project_file, "--name", "generic-runs")
    assert status == 1 and "already exists" in err
    status, _, err = cli(
        "analyze", project_file, "generic", "--table", "runs", "--objectives", "accuracy:max,model:min"
    )
    assert status == 1 and "'model' of table 'runs' is VARCHAR" in err
    status, _, err = cli("analyze", project_file, "generic", "--table", "runs")
    assert status == 1 and "at least one objective" in err


def test_candidates_listing_and_exports(cli: Cli, project_file: Path, tmp_path: Path) -> None:
    analyze(cli, project_file, "--name", "a")
    status, out, _ = cli("candidates", project_file, "a")
    assert status == 0
    assert out.splitlines()[0].split() == [
        "candidate_id",
        "model",
        "threshold",
        "accuracy",
        "gap",
        "on_front",
        "rank",
    ]
    assert len(out.splitlines()) == 19
    status, out, _ = cli("candidates", project_file, "a", "--front-only", "--json")
    front = json.loads(out)
    assert front and all(row["on_front"] for row in front) and "accuracy_lo" in front[0]

    target = tmp_path / "front.csv"
    status, out, _ = cli("candidates", project_file, "a", "--front-only", "--out", target)
    assert status == 0 and out.startswith(f"Wrote {len(front)} candidates to {target}")
    with target.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(front)
    assert {
        "candidate_id",
        "model",
        "threshold",
        "accuracy",
        "accuracy_lo",
        "accuracy_hi",
        "on_front",
        "rank",
    } <= set(rows[0])
    evil = [row["model"] for row in rows if "HYPERLINK" in row["model"]]
    assert evil and all(cell.startswith("'=HYPERLINK(") for cell in evil)

    with open_project(project_file) as project:
        [entry] = [e for e in audit.entries(project.con) if e.action == "export"]
    assert entry.subject == "a" and entry.details["front_only"] is True
    assert entry.output_sha256 == hashlib.sha256(target.read_bytes()).hexdigest()

    status, out, _ = cli("candidates", project_file, "a", "--out", tmp_path / "all.json", "--json")
    export = json.loads(out)
    assert export["rows"] == 18 and len(json.loads((tmp_path / "all.json").read_text())) == 18
    status, _, err = cli("candidates", project_file, "nope")
    assert status == 1 and "no analysis 'nope'. Its analyses: a" in err


def test_decide_prints_the_evidence_and_decisions_lists_it(cli: Cli, project_file: Path) -> None:
    analyze(cli, project_file, "--name", "a")
    status, out, err = cli(
        "decide", project_file, "a", "--constraint", "ratio>=0.94@95", "--constraint", "ratio>=0.95",
        "--rationale", "Meets the 4/5 rule.",
    )  # fmt: skip
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Decision ") and lines[0].endswith("candidate 12")
    assert "method tchebycheff" in lines[-1] and "weights equal (1 each)" in lines[-1]
    for section in ("Constraints:", "Binding constraints:", "Trade-off rates:", "Sensitivity:", "Risks:"):
        assert section in lines
    assert "  relaxing ratio>=0.94@95 (slack 0) would allow candidate 13: accuracy +0.03, gap +0.01" in out
    assert "  giving up 1 pp of accuracy lowers gap by 0.25 pp" in lines
    assert "  ratio>=0.95: estimate 0.97, slack +0.02, P(violated) ≈ 9.6%" in lines
    assert "  accuracy +0.04 per 0.1 step of threshold (against candidates 11 and 13)" in lines
    assert "ratio>=0.95: estimate 0.97, 95% CI 0.94 to 1 crosses the bound; P(violated) ≈ 9.6%" in out

    status, out, _ = cli(
        "decide", project_file, "a", "--constraint", "ratio>=0.9", "--confidence", "95",
        "--weights", "accuracy=3", "--weights", "gap=1", "--rationale", "Accuracy first.", "--json",
    )  # fmt: skip
    decision = json.loads(out)
    assert decision["preferences"]["weights"] == {"accuracy": 3.0, "gap": 1.0}
    assert decision["preferences"]["constraints"][0]["text"] == "ratio>=0.9@95"
    assert set(decision["evidence"]) == {"candidate", "recommendation", "tradeoffs", "sensitivity", "risks",
                                         "groups", "objectives", "constraints"}  # fmt: skip
    assert decision["evidence"]["groups"] is None  # per-group tables are for fairness analyses

    status, out, _ = cli("decide", project_file, "a", "--candidate", "5", "--rationale", "By hand.")
    assert status == 0 and "method manual" in out

    status, out, _ = cli("decisions", project_file, "--json")
    assert [d["candidate_id"] for d in json.loads(out)][::2] == ["12", "5"]
    status, out, _ = cli("decisions", project_file, "--analysis", "a")
    assert status == 0 and "ratio>=0.94@95, ratio>=0.95" in out and "Meets the 4/5 rule." in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--constraint", "ratio=0.9"), "should read METRIC OP NUMBER"),
        (("--constraint", "nope>=1"), "names 'nope', which is not a metric"),
        (("--constraint", "ratio>=2"), "No candidate meets every constraint"),
        (("--weights", "accuracy"), "--weights expects METRIC=NUMBER"),
        (("--candidate", "5", "--weights", "accuracy=2"), "with --candidate you choose yourself"),
        (("--method", "reference"), "needs a target for every objective"),
        (("--confidence", "120", "--constraint", "ratio>=0.9"), "from 50% up to"),
    ],
)
def test_decide_errors(cli: Cli, project_file: Path, args: tuple[str, ...], message: str) -> None:
    analyze(cli, project_file, "--name", "a")
    status, _, err = cli("decide", project_file, "a", *args, "--rationale", "x")
    assert status == 1 and message in err, err


def test_reference_point(cli: Cli, project_file: Path) -> None:
    analyze(cli, project_file, "--name", "a")
    status, out, err = cli(
        "decide", project_file, "a", "--reference", "accuracy=0.9,gap=0.05", "--rationale", "x", "--json"
    )
    assert status == 0, err
    assert json.loads(out)["preferences"]["method"] == "reference"


def test_fairness_analysis_and_decision(cli: Cli, tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    n = 2000
    sex = rng.choice(["f", "m"], n)
    label = rng.binomial(1, np.where(sex == "f", 0.3, 0.45))
    scores = {
        "lr": np.clip(0.5 * label + rng.normal(0.3, 0.2, n) + (sex == "m") * 0.05, 0, 1).round(3),
        "gbm": np.clip(0.4 * label + rng.normal(0.3, 0.25, n), 0, 1).round(3),
    }
    path = tmp_path / "credit.tsproj"
    with create_project(path) as project:
        project.con.register("incoming", pd.DataFrame({"label": label, "sex": sex, **scores}))
        project.con.execute("CREATE TABLE apps AS SELECT * FROM incoming")
    status, out, err = cli(
        "analyze", path, "fairness", "--table", "apps", "--label", "label", "--positive", "1",
        "--sensitive", "sex", "--score", "lr", "gbm", "--json",
    )  # fmt: skip
    assert status == 0, err
    record = json.loads(out)
    assert (record["name"], record["kind"]) == ("fairness-apps", "fairness")
    assert record["objectives"] == ["accuracy:max", "dp_difference:min"]
    assert record["knobs"] == ["model", "policy", "threshold", "thresholds"]
    assert "%" in err  # progress on stderr

    status, out, err = cli(
        "decide", path, "fairness-apps", "--constraint", "dp_ratio>=0.8@95", "--rationale", "x"
    )
    assert status == 0, err
    assert "giving up 1 pp of accuracy lowers the DP difference by" in out
    status, out, _ = cli(
        "decide", path, "fairness-apps", "--candidate", "lr:global:0500", "--rationale", "x", "--json"
    )
    sensitivity = json.loads(out)["evidence"]["sensitivity"]
    assert {item["knob"] for item in sensitivity} == {"threshold"}
    # the nearest thresholds at least 0.5% of the threshold range away, not the next score
    assert {(item["below"], item["above"]) for item in sensitivity} == {("lr:global:0495", "lr:global:0503")}

    status, out, err = cli(
        "analyze", path, "fairness", "--table", "apps", "--label", "label", "--sensitive", "sex",
        "--score", "lr", "--objectives", "accuracy:max,eopp_difference:min",
    )  # fmt: skip
    assert status == 0, err
    assert "'fairness-apps-2' (fairness)" in out
    status, _, err = cli(
        "analyze", path, "fairness", "--table", "apps", "--label", "label", "--sensitive", "sex",
        "--score", "lr", "--objectives", "accuracy:max,nonsense:min",
    )  # fmt: skip
    assert status == 1 and "Unknown fairness metric(s) nonsense" in err


def test_module_loads_no_pandas() -> None:
    code = "import sys, tradeoff_studio.cli.analysis_commands; print('pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
