"""UI fixtures: every test must leave no job thread behind (house rule 5)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def no_dangling_threads() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    leftover = [
        t for t in threading.enumerate() if t not in before and t.is_alive() and t.name == "studio-job"
    ]
    assert leftover == [], f"job threads still running after the test: {leftover}"
