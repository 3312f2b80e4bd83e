"""Fixtures for the fairness tests: random tables written into the project with DuckDB."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from tradeoff_studio.core.project import Project

MakeTable = Callable[[str, dict[str, Any]], None]


@pytest.fixture
def make_table(project: Project) -> MakeTable:
    """Write ``{column: values}`` as table ``name`` of the project."""

    def make(name: str, columns: dict[str, Any]) -> None:
        data = pa.table({key: pa.array(value) for key, value in columns.items()})
        project.con.register("staging", data)
        try:
            project.con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM staging')
        finally:
            project.con.unregister("staging")

    return make


def random_rows(n: int, seed: int, *, weights: bool = False, ties: bool = True) -> dict[str, Any]:
    """Two sensitive columns (2 × 3 groups), a label that depends on the score, and two scores."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(["female", "male"], n, p=[0.4, 0.6])
    region = rng.choice(["north", "south", "east"], n, p=[0.5, 0.3, 0.2])
    shift = (sex == "male") * 0.1 + (region == "east") * -0.1
    score = np.clip(rng.beta(2, 3, n) + shift, 0, 1)
    if ties:
        score = np.round(score, 2)
    label = (rng.random(n) < 0.15 + 0.7 * score).astype(np.int64)
    other = np.clip(score + rng.normal(0, 0.05, n), 0, 1)
    rows: dict[str, Any] = {"sex": sex, "region": region, "y": label, "score": score, "other": other}
    if weights:
        rows["w"] = rng.gamma(2.0, 1.0, n)
    return rows


@pytest.fixture
def random_table(make_table: MakeTable) -> Callable[..., dict[str, Any]]:
    """Create table ``name`` from :func:`random_rows` and return its columns."""

    def create(name: str = "t", n: int = 2000, seed: int = 0, **options: Any) -> dict[str, Any]:
        rows = random_rows(n, seed, **options)
        make_table(name, rows)
        return rows

    return create
