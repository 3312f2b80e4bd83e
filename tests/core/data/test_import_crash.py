"""A process killed with SIGKILL during an import leaves the last committed state."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tradeoff_studio.core.data.importer import import_files, list_datasets
from tradeoff_studio.core.project import create_project, open_project

ROWS = 3_000_000
CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tradeoff_studio.core.data.importer import import_files
    from tradeoff_studio.core.project import open_project

    def report(fraction, message):
        print("progress", fraction, flush=True)

    project = open_project(sys.argv[1])
    import_files(project, [Path(sys.argv[2])], progress=report)
    print("committed", flush=True)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("delay", [0.0, 0.3, 0.8])
def test_sigkill_mid_import_leaves_last_committed_state(tmp_path: Path, delay: float) -> None:
    project_path = tmp_path / "p.tsproj"
    with create_project(project_path) as project:
        small = tmp_path / "committed.csv"
        small.write_text("a\n1\n")
        import_files(project, [small])
    big = tmp_path / "big.csv"
    with big.open("w") as handle:
        handle.write("id,x,label\n")
        handle.writelines(f"{i},{i * 0.5},name{i % 97}\n" for i in range(ROWS))

    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(project_path), str(big)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    first = child.stdout.readline()
    assert first.startswith("progress"), first
    time.sleep(delay)
    os.kill(child.pid, signal.SIGKILL)
    rest = child.communicate()[0]
    finished = "committed" in rest

    with open_project(project_path) as project:
        expected = ["big", "committed"] if finished else ["committed"]
        assert project.tables() == expected
        assert [record.table_name for record in list_datasets(project)] == expected
        assert project.con.execute("SELECT count(*) FROM _ts.audit").fetchone() == (len(expected),)
        if finished:
            assert project.row_count("big") == ROWS
    # At the shortest delay the kill must land mid-import, or the test proves nothing.
    if delay == 0.0:
        assert not finished
