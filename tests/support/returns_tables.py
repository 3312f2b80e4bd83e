"""Asset-returns tables for the risk–return tests: a seeded wide table, added to a project as is."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tradeoff_studio.core.analyses.risk_return.analysis import RiskReturnSpec
from tradeoff_studio.core.analyses.risk_return.metrics import Bootstrap
from tradeoff_studio.core.analyses.risk_return.returns import ReturnsSource
from tradeoff_studio.core.project import Project
from tradeoff_studio.core.sql import ident

ASSETS = ["stocks", "bonds", "gold", "cash"]


def add_table(project: Project, name: str, frame: pd.DataFrame) -> None:
    """Store ``frame`` as table ``name`` of ``project``."""
    project.con.register("incoming", frame)
    project.con.execute(f"CREATE TABLE {ident(name)} AS SELECT * FROM incoming")
    project.con.unregister("incoming")


def wide_returns(periods: int = 300, freq: str = "B") -> pd.DataFrame:
    """Daily (business-day) simple returns of :data:`ASSETS` from 2021-01-04, seeded."""
    rng = np.random.default_rng(3)
    scale = np.array([0.012, 0.004, 0.009, 0.0005])
    values = rng.normal([5e-4, 2e-4, 3e-4, 1e-4], scale, size=(periods, 4))
    values[:, 1] -= 0.2 * values[:, 0] * scale[1] / scale[0]
    frame = pd.DataFrame(values, columns=ASSETS)
    frame.insert(0, "date", pd.date_range("2021-01-04", periods=periods, freq=freq).date)
    return frame


def prices_of(frame: pd.DataFrame) -> pd.DataFrame:
    """The prices (from 100) whose simple returns are ``frame``'s asset columns."""
    prices = frame.copy()
    prices[ASSETS] = 100.0 * np.cumprod(1.0 + frame[ASSETS].to_numpy(), axis=0)
    return prices


def spec(table: str = "wide", values: str = "returns", **changes: object) -> RiskReturnSpec:
    """A quick spec (20 points, 40 resamples); ``source={...}`` changes the :class:`ReturnsSource`."""
    source = ReturnsSource(table, values, **changes.pop("source", {}))  # type: ignore[arg-type]
    options = {"points": 20, "bootstrap": Bootstrap(resamples=40)} | changes
    return RiskReturnSpec(source, **options)  # type: ignore[arg-type]


def market_returns(periods: int = 260, seed: int = 5) -> np.ndarray:
    """Daily returns of 8 assets (3 tech, 2 energy, 3 bonds by beta) on one market factor plus noise."""
    rng = np.random.default_rng(seed)
    market = rng.normal(0.0, 0.009, (periods, 1))
    drift = np.array([9, 8, 7, 4, 5, 1, 2, 1.5]) * 1e-4
    return (
        drift
        + market * np.array([1.4, 1.2, 1.1, 0.8, 0.9, 0.1, 0.2, 0.15])
        + rng.normal(0, 0.008, (periods, 8))
    )
