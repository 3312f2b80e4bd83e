"""Fixtures for the inference tests: models written to temporary folders (see support/onnx_builders.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import onnx
import pytest


@pytest.fixture(autouse=True)
def no_dangling_threads() -> Iterator[None]:
    """Every scoring run joins its prefetch thread, whatever way it ends (house rule 5)."""
    yield
    dangling = [thread.name for thread in threading.enumerate() if thread.name.startswith("tradeoff-score")]
    assert dangling == []


@pytest.fixture
def save_model(tmp_path: Path) -> Callable[[onnx.ModelProto, str], Path]:
    """Write a model to ``tmp_path/models/<name>.onnx`` and return the path."""

    def save(model: onnx.ModelProto, name: str) -> Path:
        folder = tmp_path / "models"
        folder.mkdir(exist_ok=True)
        path = folder / f"{name}.onnx"
        path.write_bytes(model.SerializeToString())
        return path

    return save
