"""Fixtures of the scale-out tests: a small multi-file Parquet dataset and one local Ray per session."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.scale_data import write_scale_dataset


@pytest.fixture(scope="session")
def scale_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4 Parquet files of 20,000 rows (80,000 rows in all)."""
    return write_scale_dataset(tmp_path_factory.mktemp("scale") / "data")


@pytest.fixture(scope="session")
def ray_session() -> Iterator[object]:
    """``ray.init(num_cpus=2)`` once per session (usage statistics off, a private temporary folder),
    shut down and cleaned at the end. Skipped when the ``[ray]`` extra is not installed."""
    ray = pytest.importorskip("ray")
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    temp = tempfile.mkdtemp(prefix="ts-ray-test-")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, _temp_dir=temp)
    try:
        yield ray
    finally:
        ray.shutdown()
        shutil.rmtree(temp, ignore_errors=True)
