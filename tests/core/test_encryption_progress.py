"""Encryption, decryption and Save As copy in steps: progress, Cancel half-way, nothing half-written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradeoff_studio.core import encryption
from tradeoff_studio.core.cursors import own_cursor
from tradeoff_studio.core.data.importer import import_files
from tradeoff_studio.core.encryption import decrypt_project, encrypt_project, save_copy
from tradeoff_studio.core.errors import CancelledError, ProjectError
from tradeoff_studio.core.jobs import CancelToken
from tradeoff_studio.core.paths import resources_dir
from tradeoff_studio.core.project import create_project, open_project

DEMO = resources_dir() / "demo" / "credit_applications.parquet"  # 60,000 rows


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encryption, "CHUNK_ROWS", 10_000)  # 6 steps for the demo table


def demo_project(tmp_path: Path) -> Path:
    path = tmp_path / "p.tsproj"
    with create_project(path) as project:
        import_files(project, [DEMO])
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("."))


def test_cancel_half_way_leaves_the_project_open_and_unchanged(tmp_path: Path, small_chunks, state) -> None:
    path = demo_project(tmp_path)
    project = open_project(path)
    before = state(project)
    cancel = CancelToken()
    seen: list[float] = []

    def progress(fraction: float, message: str) -> None:
        seen.append(fraction)
        if fraction >= 0.5:
            cancel.cancel()

    with pytest.raises(CancelledError):
        encrypt_project(project, progress=progress, cancel=cancel)
    assert 0.5 <= max(seen) < 1.0 and len(seen) >= 4  # it was stopped half-way, between steps
    assert not project.closed and not project.encrypted
    assert state(project) == before
    assert leftovers(tmp_path) == []  # no partial encrypted file
    project.close()
    with open_project(path) as again:
        assert not again.encrypted and again.row_count("credit_applications") == 60_000


def test_progress_rises_to_the_end_and_the_copy_is_complete(tmp_path: Path, small_chunks) -> None:
    path = demo_project(tmp_path)
    seen: list[tuple[float, str]] = []
    key = encrypt_project(open_project(path), progress=lambda f, m: seen.append((f, m)))
    fractions = [fraction for fraction, _message in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any("Encrypting: table credit_applications" in message for _f, message in seen)
    assert len({round(fraction, 3) for fraction in fractions}) >= 6
    with open_project(path, key=key) as project:
        assert project.encrypted and project.row_count("credit_applications") == 60_000
        decrypt_project(project, progress=lambda f, m: seen.append((f, m)))
    assert seen[-1][0] == 1.0 and leftovers(tmp_path) == []


def test_save_copy_on_its_own_cursor(tmp_path: Path, small_chunks, state) -> None:
    path = demo_project(tmp_path)
    with open_project(path) as project:
        before = state(project)
        with own_cursor(project) as view:
            copy = save_copy(view, tmp_path / "copy")
        assert copy == tmp_path / "copy.tsproj"
        assert state(project) == before
        with pytest.raises(ProjectError, match="already exists"):
            save_copy(project, copy)
        cancel = CancelToken()
        cancel.cancel()
        with pytest.raises(CancelledError):
            save_copy(project, tmp_path / "never.tsproj", cancel=cancel)
    assert not (tmp_path / "never.tsproj").exists() and leftovers(tmp_path) == []
    with open_project(copy) as copied:
        assert copied.row_count("credit_applications") == 60_000
        actions = copied.con.execute("SELECT action FROM _ts.audit ORDER BY seq").fetchall()
        assert [row[0] for row in actions] == ["import", "save_as"]
