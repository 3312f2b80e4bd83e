"""SIGKILL at random moments during import, scoring, analysis and encryption, many times over.

After every kill the project must reopen in exactly one of two states: as it was before the
action, or with the action complete. Never a partial table, column, catalog row or file.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tradeoff_studio.core import keys
from tradeoff_studio.core.data.importer import import_files
from tradeoff_studio.core.inference.registry import add_model
from tradeoff_studio.core.paths import models_dir, resources_dir
from tradeoff_studio.core.project import create_project, open_project

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
    pytest.mark.timeout(600),
]
TRIALS = int(os.environ.get("CRASH_TRIALS", "6"))
ROWS = 1_500_000
FIXED_KEY = bytes(range(32))

CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tradeoff_studio.core import keys, workflows
    from tradeoff_studio.core.project import open_project

    def report(fraction, message):
        print("progress", flush=True)

    action, project_path, argument = sys.argv[1:4]
    project = open_project(project_path)
    print("progress", flush=True)
    if action == "import":
        workflows.import_data(project, [Path(argument)], progress=report)
    elif action == "score":
        workflows.score(project, model="credit_logreg", table="big", progress=report)
    elif action == "analyze":
        from tradeoff_studio.core.analyses.candidates import parse_objectives
        from tradeoff_studio.core.analyses.generic import GenericSpec
        spec = GenericSpec("big", parse_objectives("income:max,debt_to_income:min"), id_column="applicant_id")
        workflows.analyze_generic(project, spec, name="wide", progress=report)
    else:
        keys.new_key = lambda: bytes(range(32))  # the parent must be able to open the result
        workflows.encrypt(project)
    print("committed", flush=True)
    """
)


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "applications.csv"
    with path.open("w") as handle:
        handle.write("id,x,label\n")
        handle.writelines(f"{i},{i * 0.5},name{i % 97}\n" for i in range(ROWS))
    return path


def prepared_project(folder: Path) -> Path:
    path = folder / "p.tsproj"
    with create_project(path) as project:
        import_files(project, [resources_dir() / "demo" / "credit_applications.parquet"], table="big")
        add_model(project, models_dir() / "credit_logreg.onnx")
    return path


def kill_at_random(action: str, project: Path, argument: str, delay: float) -> bool:
    """Run the action in a child, SIGKILL it ``delay`` s after it starts; True if it had committed."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, action, str(project), argument], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "progress"
    time.sleep(delay)
    os.kill(child.pid, signal.SIGKILL)
    return "committed" in child.communicate()[0]


def snapshot(path: Path, key: bytes | None = None) -> tuple[object, ...]:
    with open_project(path, key=key) as project:
        con = project.con
        tables = {name: (project.columns(name), project.row_count(name)) for name in project.tables()}
        return (
            tables,
            con.execute("SELECT table_name, row_count FROM _ts.datasets ORDER BY 1").fetchall(),
            con.execute("SELECT table_name, column_name, row_count FROM _ts.score_columns").fetchall(),
            con.execute("SELECT action FROM _ts.audit ORDER BY seq").fetchall(),
            con.execute("SELECT name FROM _ts.analyses").fetchall(),
            con.execute(
                "SELECT count(*) FROM duckdb_tables() "
                "WHERE schema_name = '_ts' AND table_name LIKE 'candidates%'"
            ).fetchall(),
        )


@pytest.mark.parametrize("trial", range(TRIALS))
def test_random_kill_during_import(tmp_path: Path, big_csv: Path, trial: int) -> None:
    path = prepared_project(tmp_path)
    before = snapshot(path)
    finished = kill_at_random("import", path, str(big_csv), random.Random(trial).uniform(0.0, 2.5))
    after = snapshot(path)
    if not finished and after == before:
        return
    tables, datasets = after[0], after[1]
    assert isinstance(tables, dict) and len(tables) == 2  # "big" and the whole new one
    imported = next(name for name in tables if name != "big")
    assert tables[imported][1] == ROWS
    assert (imported, ROWS) in datasets


@pytest.mark.parametrize("trial", range(TRIALS))
def test_random_kill_during_scoring(tmp_path: Path, trial: int) -> None:
    path = prepared_project(tmp_path)
    before = snapshot(path)
    finished = kill_at_random("score", path, "", random.Random(100 + trial).uniform(0.0, 0.6))
    after = snapshot(path)
    if not finished and after == before:
        return  # killed before the commit (a kill after it, before "committed" is printed, is fine too)
    tables = after[0]
    assert isinstance(tables, dict) and ("score_credit_logreg", "DOUBLE") in tables["big"][0]
    assert after[2] == [("big", "score_credit_logreg", 60_000)]
    assert after[3][-1] == ("score",)


@pytest.mark.parametrize("trial", range(TRIALS))
def test_random_kill_during_analysis(tmp_path: Path, trial: int) -> None:
    path = prepared_project(tmp_path)
    before = snapshot(path)
    finished = kill_at_random("analyze", path, "", random.Random(300 + trial).uniform(0.0, 1.5))
    after = snapshot(path)
    if not finished and after == before:
        return
    assert after[:3] == before[:3]
    assert after[4:] == ([("wide",)], [(1,)]) and after[3][-1] == ("analysis",)


@pytest.mark.parametrize("trial", range(TRIALS))
def test_random_kill_during_encryption(tmp_path: Path, trial: int) -> None:
    path = prepared_project(tmp_path)
    before = snapshot(path)
    finished = kill_at_random("encrypt", path, "", random.Random(200 + trial).uniform(0.0, 0.8))
    leftovers = [child.name for child in tmp_path.iterdir() if child.name.startswith(".p.tsproj")]
    assert not [name for name in leftovers if not name.endswith((".encrypt", ".encrypt.wal"))]
    try:
        after = snapshot(path)  # still plaintext: the kill came before the atomic replace
        assert not finished and after == before
    except keys.ProjectKeyError:
        after = snapshot(path, key=FIXED_KEY)
        assert after[:3] == before[:3] and after[4:] == before[4:] and after[3][-1] == ("encrypt",)
    assert not [child for child in tmp_path.iterdir() if child.name.startswith(".p.tsproj")]  # swept on open
