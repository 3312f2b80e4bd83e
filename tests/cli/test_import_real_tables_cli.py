"""Issue #18, observations 4, 5 and 11 through the real command line: a leaderboard as shipped."""

from __future__ import annotations

import json
from pathlib import Path

from support.cli import cli

LEADERBOARD = (
    ",judge,agreement,price,mode\n"
    "0,big,70.50%,$14.47,verified\n"
    "1,mid,68.00%,n/a,draft\n"
    "2,tiny,60.10%,$0.50,verified\n"
)


def test_leaderboard_as_shipped_imports_replaces_and_is_removed(tmp_path: Path) -> None:
    csv = tmp_path / "leaderboard.csv"
    csv.write_text(LEADERBOARD)
    project = tmp_path / "p.tsproj"
    assert cli("new", project).returncode == 0
    done = cli("import", project, csv, "--na", "n/a", "--parse-numbers", "agreement,price")
    assert done.returncode == 0, done.stderr
    assert (
        "column 1 has no name in the header: named 'index' (its values are unique row labels)" in done.stdout
    )
    assert "column 'price' read as numbers (unit '$' kept in provenance)" in done.stdout
    again = cli("import", project, csv)
    assert again.returncode == 1 and "--replace" in again.stderr and "tables remove" in again.stderr
    replaced = cli("import", project, csv, "--na", "n/a", "--parse-numbers", "all", "--replace")
    assert replaced.returncode == 0, replaced.stderr
    info = json.loads(cli("info", project, "--json").stdout)
    [table] = info["tables"]
    assert {c["name"]: c["type"] for c in table["columns"]}["price"] == "DOUBLE"
    removed = cli("tables", "remove", project, "leaderboard", "--json")
    assert removed.returncode == 0, removed.stderr
    assert json.loads(removed.stdout) == {"table": "leaderboard", "rows": 3, "score_columns": 0}
    assert json.loads(cli("info", project, "--json").stdout)["tables"] == []
    missing = cli("tables", "remove", project, "leaderboard")
    assert missing.returncode == 1 and "no table 'leaderboard'" in missing.stderr
