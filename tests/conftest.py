"""Shared fixtures. Qt runs offscreen and keyring uses memory, set before anything imports them."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from tradeoff_studio.core.project import Project, create_project  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """A new, empty project in a temporary folder, closed after the test."""
    opened = create_project(tmp_path / "test.tsproj")
    try:
        yield opened
    finally:
        opened.close()
