"""A scoring process killed with SIGKILL leaves no score column, no catalog row and the table intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import onnx
import pytest

from support.onnx_builders import create_table, logistic
from tradeoff_studio.core.inference.registry import add_model
from tradeoff_studio.core.project import create_project, open_project

ROWS = 500_000
CHECKSUM = "SELECT sum(hash(rowid, id, age, income, debt)::HUGEINT) FROM big"
CHILD = textwrap.dedent(
    """
    import sys, time
    from tradeoff_studio.core.inference.runner import score_table
    from tradeoff_studio.core.project import open_project

    def report(fraction, message):
        print(message, flush=True)
        # Slow each report down so that the parent's SIGKILL lands where it waited for.
        time.sleep(5.0 if message.startswith("Recording") else 0.05)

    project = open_project(sys.argv[1])
    score_table(project, model="lr", table="big", batch_rows=8192, progress=report)
    print("committed", flush=True)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("kill_at", ["Scored", "Recording"])
def test_sigkill_mid_scoring_leaves_the_project_as_it_was(
    tmp_path: Path, save_model: Callable[[onnx.ModelProto, str], Path], kill_at: str
) -> None:
    path = tmp_path / "p.tsproj"
    with create_project(path) as project:
        create_table(project, "big", ROWS)
        add_model(project, save_model(logistic(), "lr"))
        columns = project.columns("big")
        checksum = project.con.execute(CHECKSUM).fetchone()
        audit_count = project.con.execute("SELECT count(*) FROM _ts.audit").fetchone()

    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    seen = []
    for line in child.stdout:  # "Recording" is reported inside the write transaction
        seen.append(line.strip())
        if line.startswith(kill_at):
            break
    os.kill(child.pid, signal.SIGKILL)
    rest = child.communicate()[0]
    assert seen[-1].startswith(kill_at) and "committed" not in rest

    with open_project(path) as project:
        assert project.columns("big") == columns
        assert project.con.execute("SELECT count(*) FROM _ts.score_columns").fetchone() == (0,)
        assert project.con.execute("SELECT count(*) FROM _ts.audit").fetchone() == audit_count
        assert project.row_count("big") == ROWS
        assert project.con.execute(CHECKSUM).fetchone() == checksum
