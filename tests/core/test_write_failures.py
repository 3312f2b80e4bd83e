"""A full disk or a read-only file: a clear message and the project exactly as it was."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tradeoff_studio.core.data.importer import import_files
from tradeoff_studio.core.errors import ProjectError
from tradeoff_studio.core.paths import resources_dir
from tradeoff_studio.core.project import create_project, open_project

DEMO = resources_dir() / "demo" / "credit_applications.parquet"
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX resource limits and users")

FULL_DISK_CHILD = textwrap.dedent(
    """
    import resource, signal, sys
    from pathlib import Path
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG instead
    limit = int(sys.argv[3])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    from tradeoff_studio.core.data.importer import import_files
    from tradeoff_studio.core.errors import StudioError
    from tradeoff_studio.core.project import open_project
    project = open_project(sys.argv[1])
    try:
        import_files(project, [Path(sys.argv[2])])
    except StudioError as error:
        print(error)
        sys.exit(3)
    """
)


def small_project(folder: Path) -> Path:
    path = folder / "p.tsproj"
    with create_project(path) as project:
        data = folder / "kept.csv"
        data.write_text("a\n1\n2\n")
        import_files(project, [data])
    return path


@pytest.mark.parametrize("headroom", [20_000, 300_000])
def test_full_disk_during_import(tmp_path: Path, headroom: int) -> None:
    path = small_project(tmp_path)
    limit = path.stat().st_size + headroom
    child = subprocess.run(
        [sys.executable, "-c", FULL_DISK_CHILD, str(path), str(DEMO), str(limit)],
        capture_output=True,
        text=True,
    )
    assert child.returncode == 3, child.stderr
    assert "the disk is full" in child.stdout and "Nothing was changed" in child.stdout
    with open_project(path) as project:
        assert project.tables() == ["kept"]
        assert project.row_count("kept") == 2
        assert project.con.execute("SELECT count(*) FROM _ts.audit").fetchone() == (1,)


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make a file or folder read-only, for root too (an immutable flag; root ignores modes)."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(path)], check=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)


def test_read_only_project_file(tmp_path: Path) -> None:
    path = small_project(tmp_path)
    before = path.read_bytes()
    with read_only(path), pytest.raises(ProjectError, match="read-only file or folder"):
        open_project(path)
    assert path.read_bytes() == before


def test_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "shelf"
    folder.mkdir()
    path = small_project(folder)
    before = path.read_bytes()
    with read_only(folder), pytest.raises(ProjectError, match=r"folder .* is read-only"):
        open_project(path)
    assert path.read_bytes() == before
