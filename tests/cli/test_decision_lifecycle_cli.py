"""Issue 15, observation 11, through the real command line: ``decide … --supersedes ID`` and
``decisions withdraw PROJECT ID --reason TEXT``; ``decisions``, ``info`` and ``audit`` say which
decision holds; refused changes leave the project as it was."""

from __future__ import annotations

import json
from pathlib import Path

from support.cli import cli
from tradeoff_studio.core.project import open_project

GRID = "id,accuracy,cost\na,0.9,0.5\nb,0.8,0.2\nc,0.7,0.1\nd,0.95,0.9\n"


def decide(project: Path, analysis: str, candidate: str, *extra: str) -> str:
    done = cli("decide", project, analysis, "--candidate", candidate, "--rationale", "why", *extra, "--json")
    assert done.returncode == 0, done.stderr
    return str(json.loads(done.stdout)["id"])


def decisions_state(project: Path) -> object:
    with open_project(project) as opened:
        return (
            opened.con.execute(
                "SELECT id, status, superseded_by, status_reason FROM _ts.decisions ORDER BY id"
            ).fetchall(),
            opened.con.execute("SELECT count(*) FROM _ts.audit").fetchone(),
        )  # fmt: skip


def test_supersede_withdraw_and_show_status(tmp_path: Path) -> None:
    project, data = tmp_path / "p.tsproj", tmp_path / "grid.csv"
    data.write_text(GRID)
    assert cli("new", project).returncode == 0
    assert cli("import", project, data).returncode == 0
    flags = ["--table", "grid", "--objective", "accuracy:max", "--objective", "cost:min", "--id", "id"]
    for name in ("a", "b"):
        assert cli("analyze", project, "generic", *flags, "--name", name).returncode == 0

    first = decide(project, "a", "a")
    text = cli("decide", project, "a", "--candidate", "b", "--rationale", "cheaper", "--supersedes", first)
    assert text.returncode == 0, text.stderr
    assert f"It supersedes decision {first}, which is no longer current." in text.stdout
    listed = {d["id"]: d for d in json.loads(cli("decisions", project, "--json").stdout)}
    second = next(key for key, d in listed.items() if d["supersedes"] == first)
    assert listed[first]["status"] == "superseded" and listed[first]["superseded_by"] == second
    assert listed[second]["status"] == "current"

    other = decide(project, "b", "c")
    withdrawn = cli("decisions", "withdraw", project, other, "--reason", "label leak found")
    assert withdrawn.returncode == 0, withdrawn.stderr
    assert withdrawn.stdout.startswith(f"Withdrew decision {other} on 'b' (candidate c): label leak found")

    table = cli("decisions", project).stdout
    assert "status" in table.splitlines()[0]
    assert f"superseded by {second}" in table and "withdrawn: label leak found" in table
    info = cli("info", project)
    assert f"superseded by {second}" in info.stdout and "withdrawn: label leak found" in info.stdout
    statuses = {d["id"]: d["status"] for d in json.loads(cli("info", project, "--json").stdout)["decisions"]}
    assert statuses == {first: "superseded", second: "current", other: "withdrawn"}
    actions = [row["action"] for row in json.loads(cli("audit", project, "--json").stdout)]
    assert actions[-4:] == ["supersede-decision", "decision", "decision", "withdraw-decision"]

    before = decisions_state(project)
    for args, message in (
        (("decide", project, "a", "--candidate", "c", "--rationale", "x", "--supersedes", other),
         "is on analysis 'b', not 'a'"),
        (("decide", project, "b", "--candidate", "c", "--rationale", "x", "--supersedes", other),
         "a withdrawn decision cannot be superseded"),
        (("decide", project, "a", "--candidate", "c", "--rationale", "x", "--supersedes", first),
         f"already superseded by {second}"),
        (("decisions", "withdraw", project, other, "--reason", "again"), "cannot be withdrawn"),
        (("decisions", "withdraw", project, second), "decisions withdraw PROJECT ID --reason TEXT"),
        (("decisions", "withdraw", project, "nope", "--reason", "r"), "no decision 'nope'"),
    ):  # fmt: skip
        refused = cli(*args)
        assert refused.returncode == 1 and message in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr
    assert decisions_state(project) == before
