"""Recognise an Optuna ``study.trials_dataframe()`` export and make it ready for a generic analysis.

A table is an Optuna trials table when it has the columns ``number``, ``state`` and
``datetime_start`` and an objective column: ``value`` (one objective) or ``values_0``,
``values_1``… (or ``values_<name>`` with named metrics). On import:

- ``duration`` becomes seconds (DOUBLE, unit ``s``): from pandas' text form
  (``0 days 00:00:00.000343``, in CSV), from an INTERVAL, or from Parquet's integer
  nanoseconds/microseconds when the file's pandas metadata names the unit
  (``timedelta64[ns]``); without a known unit it is left as it is, and the note says so;
- the provenance records ``optuna``: the objective columns, the trial states with their counts,
  and how ``duration`` was read.

``trials_dataframe()`` does not store the objectives' directions, so the note asks for them;
failed and pruned trials have no values, so it points to ``--where "state = 'COMPLETE'"``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from ..sql import ident

REQUIRED = ("number", "state", "datetime_start")
_SECONDS_PER = {"ns": 1e9, "us": 1e6, "ms": 1e3, "s": 1.0}


def objective_columns(columns: list[str]) -> list[str]:
    """The Optuna objective columns among ``columns``: ``value`` or ``values_*``, in order."""
    return [c for c in columns if c == "value" or c.startswith("values_")]


def recognise(
    con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, str], first_file: Path
) -> dict[str, Any] | None:
    """Convert ``duration`` and describe the Optuna table; ``None`` when it is not one."""
    objectives = objective_columns(list(columns))
    if not all(name in columns for name in REQUIRED) or not objectives:
        return None
    states = con.execute(
        f"SELECT CAST(state AS VARCHAR), count(*) FROM {ident(table)} GROUP BY 1 ORDER BY 2 DESC, 1"
    ).fetchall()
    duration = (
        _duration_seconds(con, table, columns.get("duration"), first_file) if "duration" in columns else None
    )
    return {
        "objectives": objectives,
        "states": {str(state): int(count) for state, count in states},
        "duration": duration,
    }


def _duration_seconds(con: duckdb.DuckDBPyConnection, table: str, dtype: str | None, first_file: Path) -> str:
    """Turn ``duration`` into seconds where its unit is known; say how it was read."""
    if dtype == "VARCHAR":
        bad = con.execute(
            f"SELECT count(*) FROM {ident(table)} WHERE duration IS NOT NULL "
            "AND TRY_CAST(duration AS INTERVAL) IS NULL"
        ).fetchone()
        if bad is None or bad[0]:
            return "left as text: some values are not durations"
        _convert(con, table, "epoch(CAST(duration AS INTERVAL))")
        return "seconds (from text such as '0 days 00:00:00.000343')"
    if dtype == "INTERVAL":
        _convert(con, table, "epoch(duration)")
        return "seconds (from an interval)"
    if dtype in {"BIGINT", "INTEGER"}:
        unit = _pandas_unit(con, first_file)
        if unit is None:
            return "left as it is: the file does not say the unit of the integers"
        _convert(con, table, f"duration / {_SECONDS_PER[unit]!r}")
        return f"seconds (from integer {unit}, per the file's pandas metadata)"
    return f"left as it is ({dtype})"


def _convert(con: duckdb.DuckDBPyConnection, table: str, expression: str) -> None:
    con.execute(f"ALTER TABLE {ident(table)} ALTER COLUMN duration SET DATA TYPE DOUBLE USING {expression}")


def _pandas_unit(con: duckdb.DuckDBPyConnection, path: Path) -> str | None:
    """``ns``/``us``/``ms``/``s`` from a Parquet file's pandas metadata for ``duration``, else None."""
    if path.suffix.lower() not in {".parquet", ".pq"}:
        return None
    try:
        row = con.execute(
            "SELECT value FROM parquet_kv_metadata(?) WHERE decode(key) = 'pandas'", [str(path)]
        ).fetchone()
        meta = json.loads(bytes(row[0]).decode()) if row else {}
    except (duckdb.Error, ValueError, UnicodeDecodeError):
        return None
    for column in meta.get("columns", []) if isinstance(meta, dict) else []:
        if isinstance(column, dict) and column.get("name") == "duration":
            numpy_type = str(column.get("numpy_type", ""))
            unit = numpy_type.removeprefix("timedelta64[").removesuffix("]")
            return unit if numpy_type.startswith("timedelta64[") and unit in _SECONDS_PER else None
    return None


def optuna_note(info: dict[str, Any]) -> str:
    """The import's message about a recognised Optuna table."""
    objectives = ", ".join(info["objectives"])
    states = ", ".join(f"{state} {count}" for state, count in info["states"].items())
    example = ",".join(f"{name}:min" for name in info["objectives"])
    text = (
        f"Optuna trials table recognised: objective column(s) {objectives} (trials_dataframe() does not "
        f"store their directions: give them, e.g. --objectives {example}); trial states {states}"
    )
    if set(info["states"]) - {"COMPLETE"}:
        text += "; analyse finished trials with --where \"state = 'COMPLETE'\""
    if info.get("duration"):
        text += f"; duration: {info['duration']}"
    return text + "."
