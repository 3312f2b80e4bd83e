"""Fixtures for the import tests (file writers are in tests/support/data_files.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def make_file(tmp_path: Path) -> Callable[[str, bytes | str], Path]:
    """Write ``content`` (text is UTF-8 encoded) to ``tmp_path / name``."""

    def make(name: str, content: bytes | str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    return make
