"""Issue 15 observations 5 and 8, through the real command line: ``import --rename/--columns`` on a
header whose names differ only in case, ``analyze … --where`` and ``export``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from support.cli import cli
from tradeoff_studio.core.project import open_project

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo"
RECIDIVISM = (
    "id,x_Assault,x_assault,split,accuracy,cost,note\n"
    '1,0,1,test,0.91,0.5,=HYPERLINK("http://evil")\n'
    "2,1,0,test,0.85,0.2,plain\n"
    "3,0,0,train,0.70,0.1,+sum\n"
    "4,1,1,train,0.95,0.9,ok\n"
)


def snapshot(project: Path) -> object:
    with open_project(project) as opened:
        con = opened.con
        return (
            opened.tables(),
            con.execute("SELECT count(*) FROM _ts.audit").fetchone(),
            con.execute("SELECT name, spec FROM _ts.analyses ORDER BY name").fetchall(),
            con.execute("SELECT table_name, reader_options FROM _ts.datasets ORDER BY 1").fetchall(),
        )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "p.tsproj"
    (tmp_path / "recid.csv").write_text(RECIDIVISM)
    assert cli("new", path).returncode == 0
    return path


def test_import_with_case_clash_rename_and_columns(project: Path, tmp_path: Path) -> None:
    source = tmp_path / "recid.csv"
    done = cli("import", project, source)
    assert done.returncode == 0, done.stderr
    assert "Binder Error" not in done.stderr
    assert "column 'x_assault' is named 'x_assault_2' in the table (its name clashes" in done.stdout
    shown = json.loads(cli("info", project, "--json").stdout)["tables"][0]
    assert [c["name"] for c in shown["columns"]][:3] == ["id", "x_Assault", "x_assault_2"]
    assert shown["provenance"]["reader_options"]["renamed"][0]["name"] == "x_assault_2"
    picked = cli("import", project, source, "--table", "picked", "--rename", "x_assault=assault_lc",
                 "--columns", "assault_lc,id")  # fmt: skip
    assert picked.returncode == 0, picked.stderr
    assert "Imported 4 rows × 2 columns into table 'picked'" in picked.stdout
    before = snapshot(project)
    wrong = cli("import", project, source, "--table", "w", "--columns", "id,x_asault")
    assert wrong.returncode == 1 and "has no column 'x_asault' (--columns)" in wrong.stderr
    assert "'x_Assault', 'x_assault'" in wrong.stderr and "Traceback" not in wrong.stderr
    assert snapshot(project) == before


def test_where_on_generic_and_refusals(project: Path, tmp_path: Path) -> None:
    cli("import", project, tmp_path / "recid.csv", "--table", "runs")
    flags = ["--table", "runs", "--objective", "accuracy:max", "--objective", "cost:min", "--id", "id"]
    done = cli("analyze", project, "generic", *flags, "--where", "split = 'test'")
    assert done.returncode == 0, done.stderr
    assert "Stored analysis 'generic-runs' (generic): 2 candidates" in done.stdout
    assert "Rows: 2 of 4 in table 'runs' (--where split = 'test')." in done.stdout
    record = json.loads(cli("info", project, "--json").stdout)["analyses"][0]
    assert record["inputs"]["where"] == {
        "table": "runs",
        "expression": "split = 'test'",
        "rows": 2,
        "total": 4,
    }
    assert "2 of 4 where split = 'test'" in cli("info", project).stdout
    before = snapshot(project)
    for where, message in (
        ("split = 'test'; DROP TABLE runs", "not one condition"),
        ("id IN (SELECT id FROM read_csv('/etc/passwd'))", "subquery"),
        ("spilt = 'test'", "has no column 'spilt'"),
    ):
        refused = cli("analyze", project, "generic", *flags, "--where", where)
        assert refused.returncode == 1 and message in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr
    assert snapshot(project) == before


def test_where_on_ope_cost_quality_and_fairness_flags_parse(project: Path) -> None:
    assert cli("import", project, DEMO / "ope_results.parquet").returncode == 0
    flags = ["--table", "ope_results", "--policy", "policy", "--estimator", "estimator",
             "--estimate", "estimated_value", "--true-value", "true_value",
             "--behaviour", "is_behaviour"]  # fmt: skip
    done = cli("analyze", project, "ope", *flags, "--where", "estimator IN ('IPS', 'DR')", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["inputs"]["where"]["rows"] == 82
    for kind in ("fairness", "risk-return", "cost-quality", "model-variants"):
        assert "--where EXPR" in cli("analyze", project, kind, "--help").stdout


def test_export_neutralises_unless_raw_and_refuses_cleanly(project: Path, tmp_path: Path) -> None:
    cli("import", project, tmp_path / "recid.csv", "--table", "runs")
    target = tmp_path / "out.csv"
    done = cli("export", project, "runs", "--out", target)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Wrote 4 rows of 'runs' to {target}")
    assert "prefixed with '" in done.stdout
    with target.open(newline="") as handle:
        notes = [row["note"] for row in csv.DictReader(handle)]
    assert notes == ['\'=HYPERLINK("http://evil")', "plain", "'+sum", "ok"]
    raw = cli("export", project, "runs", "--out", tmp_path / "raw.csv", "--raw", "--json")
    assert json.loads(raw.stdout)["raw"] is True
    assert "=HYPERLINK" in (tmp_path / "raw.csv").read_text().splitlines()[1].split(",", 6)[6]
    assert cli("export", project, "runs", "--out", tmp_path / "out.parquet").returncode == 0
    assert cli("export", project, "runs", "--out", tmp_path / "out.xlsx").returncode == 0
    with open_project(project) as opened:
        exports = [
            e for e in opened.con.execute("SELECT action FROM _ts.audit").fetchall() if e[0] == "export"
        ]
    assert len(exports) == 4
    before = snapshot(project)
    for args, message in (
        (("nope", "--out", tmp_path / "n.csv"), "no table 'nope'"),
        (("runs", "--out", tmp_path / "n.txt"), "ending in .csv, .parquet, .xlsx"),
        (("runs", "--out", tmp_path / "missing" / "n.csv"), "does not exist"),
    ):
        refused = cli("export", project, *args)
        assert refused.returncode == 1 and message in refused.stderr, refused.stderr
    assert snapshot(project) == before
    assert not (tmp_path / "n.csv").exists() and not (tmp_path / "n.txt").exists()
