from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from tradeoff_studio.core import schema
from tradeoff_studio.core.errors import ProjectError
from tradeoff_studio.core.project import create_project, open_project


def test_create_adds_suffix_and_reopens(tmp_path: Path) -> None:
    project = create_project(tmp_path / "credit")
    assert project.path == tmp_path / "credit.tsproj"
    project_id = project.project_id
    assert project.schema_version == schema.current_version()
    project.close()
    with open_project(tmp_path / "credit") as reopened:
        assert reopened.project_id == project_id
        assert reopened.tables() == []


def test_create_refuses_existing_file(tmp_path: Path) -> None:
    create_project(tmp_path / "a.tsproj").close()
    with pytest.raises(ProjectError, match="already exists"):
        create_project(tmp_path / "a.tsproj")


def test_create_in_missing_folder_names_it(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="does not exist"):
        create_project(tmp_path / "nowhere" / "a.tsproj")
    assert not (tmp_path / "nowhere").exists()


def test_open_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="does not exist"):
        open_project(tmp_path / "missing.tsproj")


def test_open_garbage_file(tmp_path: Path) -> None:
    path = tmp_path / "garbage.tsproj"
    path.write_bytes(b"not a database" * 100)
    with pytest.raises(ProjectError, match="not a Tradeoff Studio project"):
        open_project(path)
    assert path.read_bytes() == b"not a database" * 100


def test_open_plain_duckdb_file(tmp_path: Path) -> None:
    path = tmp_path / "plain.tsproj"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t AS SELECT 1 AS x")
    con.close()
    with pytest.raises(ProjectError, match="has no catalog"):
        open_project(path)


def test_second_process_gets_clear_lock_message(tmp_path: Path) -> None:
    path = tmp_path / "locked.tsproj"
    with create_project(path):
        script = textwrap.dedent(
            f"""
            import sys
            from tradeoff_studio.core.project import open_project
            from tradeoff_studio.core.errors import ProjectLockedError
            try:
                open_project({str(path)!r})
            except ProjectLockedError as error:
                print(error)
                sys.exit(3)
            """
        )
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 3, result.stderr
    assert "is open in another Tradeoff Studio process (PID" in result.stdout
    assert "Could not set lock" not in result.stdout


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.tsproj"
    with create_project(path) as project:
        project.con.execute("UPDATE _ts.meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(ProjectError, match="newer Tradeoff Studio"):
        open_project(path)


def test_older_project_is_migrated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.tsproj"
    create_project(path).close()

    def add_notes(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("CREATE TABLE _ts.notes (body VARCHAR)")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, add_notes])
    with open_project(path) as project:
        assert project.schema_version == len(schema.MIGRATIONS)
        assert project.con.execute("SELECT count(*) FROM _ts.notes").fetchone() == (0,)


def test_failed_migration_leaves_file_at_old_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.tsproj"
    create_project(path).close()
    old_version = len(schema.MIGRATIONS)

    def broken(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("CREATE TABLE _ts.half (x INT)")
        raise RuntimeError("migration bug")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, broken])
    with pytest.raises(RuntimeError):
        open_project(path)
    monkeypatch.undo()
    with open_project(path) as project:
        assert project.schema_version == old_version
        tables = project.con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = '_ts'"
        ).fetchall()
        assert ("half",) not in tables
