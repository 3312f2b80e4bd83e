"""Engines that reduce a dataset outside the project to sufficient statistics (issue #21).

The analyses consume the statistics, not the engine (DESIGN.md §2: "aggregate in the engine,
decide on small data"). :mod:`.dataset` lists and checks the Parquet files; :mod:`.base` says what
an engine computes; :mod:`.duckdb_engine` (the default, in-process) and :mod:`.ray_engine` (Ray
Data, imported only when asked for) compute it; :mod:`.fairness_counts` turns their answers into
counts per (group, score bin, label) with the float64 bin edges both engines share.
"""

from __future__ import annotations

from .base import ENGINES, Engine, EngineError


def get_engine(name: str, *, address: str | None = None) -> Engine:
    """The engine called ``name`` (``duckdb`` or ``ray``); Ray is imported only here, on demand."""
    if name == "duckdb":
        from .duckdb_engine import DuckDBEngine

        return DuckDBEngine()
    if name == "ray":
        from .ray_engine import RayEngine

        return RayEngine(address=address)
    raise EngineError(f"There is no engine '{name}'. Engines: {', '.join(ENGINES)}.")


__all__ = ["ENGINES", "Engine", "EngineError", "get_engine"]
