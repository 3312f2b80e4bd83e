"""Shared fixtures. Qt runs offscreen and keyring uses memory, set before anything imports them."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Subprocesses the tests start have no keyring unless a test gives them one: like headless Linux.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase

from support.memory_keyring import MemoryKeyring
from tradeoff_studio.core.project import Project, create_project

REPO = Path(__file__).resolve().parents[1]

# Hypothesis: `make test` runs the "deterministic" profile — the same examples on every machine
# (derandomized, no example database, no deadline); a test's own max_examples still applies.
# `make fuzz` (HYPOTHESIS_PROFILE=fuzz) draws new examples on every run and keeps failures in
# .hypothesis/fuzz; every failure it finds becomes an @example regression in the test.
settings.register_profile("deterministic", derandomize=True, database=None, deadline=None, max_examples=100)
settings.register_profile(
    "fuzz",
    derandomize=False,
    database=DirectoryBasedExampleDatabase(str(REPO / ".hypothesis" / "fuzz")),
    deadline=None,
    max_examples=1_000,
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))


@pytest.fixture(autouse=True)
def isolated_user_state(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MemoryKeyring]:
    """Each test gets its own user-data folder and an empty in-memory keyring."""
    import keyring

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg")))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg-config")))  # app preferences
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("xdg-state")))  # crash reports, logs
    memory = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(previous)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """A new, empty project in a temporary folder, closed after the test."""
    opened = create_project(tmp_path / "test.tsproj")
    try:
        yield opened
    finally:
        opened.close()


def project_state(project: Project) -> dict[str, object]:
    """Everything an import, model add or scoring run may change: compare before and after."""
    con = project.con
    return {
        "tables": {name: (project.columns(name), project.row_count(name)) for name in project.tables()},
        "datasets": con.execute(
            "SELECT table_name, row_count, sources FROM _ts.datasets ORDER BY 1"
        ).fetchall(),
        "models": con.execute("SELECT name, sha256 FROM _ts.models ORDER BY name").fetchall(),
        "scores": con.execute(
            "SELECT table_name, column_name FROM _ts.score_columns ORDER BY 1, 2"
        ).fetchall(),
        "audit": con.execute("SELECT count(*) FROM _ts.audit").fetchone(),
    }


@pytest.fixture
def state() -> object:
    """The :func:`project_state` function, as a fixture."""
    return project_state
