"""Shared fixtures. Qt runs offscreen and keyring uses memory, set before anything imports them."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest

from tradeoff_studio.core.project import Project, create_project

REPO = Path(__file__).resolve().parents[1]


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
