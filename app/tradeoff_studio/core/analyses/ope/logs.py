"""The logged bandit feedback ``ope-estimate`` reads: checks, summary and the streaming query.

A log has one row per logged (round, position): the action taken (an output index of the
policies, or a label mapped to one with ``--actions``), the reward, the propensity (``pscore``,
the behaviour policy's probability of that action, in (0, 1]) and optionally the position. No
value may be missing; every problem names the table, the column and the first row concerned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ...project import Project
from ...sql import ident
from ..candidates import AnalysisError
from ..inputs import INTEGER_TYPES, require_column


@dataclass(frozen=True)
class LogSummary:
    """What the log holds: rows, reward range, action and position ranges, mean reward per cell."""

    rows: int
    reward_range: tuple[float, float]
    max_action: int
    positions: int
    cell_means: dict[tuple[int, int], float]
    mean_reward: float


def expressions(spec: Any) -> tuple[list[str], list[Any]]:
    """SQL for (action index, reward, pscore, position), and the parameters they bind."""
    if spec.actions:
        action = f"list_position(?::VARCHAR[], CAST({ident(spec.action)} AS VARCHAR)) - 1"
        params: list[Any] = [list(spec.actions)]
    else:
        action, params = f"CAST({ident(spec.action)} AS BIGINT)", []
    position = f"CAST({ident(spec.position)} AS BIGINT)" if spec.position else "CAST(0 AS BIGINT)"
    return [action, f"CAST({ident(spec.reward)} AS DOUBLE)", f"CAST({ident(spec.pscore)} AS DOUBLE)",
            position], params  # fmt: skip


def check_columns(spec: Any, table: str, columns: dict[str, str]) -> None:
    """The named columns exist with usable types (numbers; an integer action unless --actions)."""
    for column in (spec.action, spec.reward, spec.pscore, *([spec.position] if spec.position else [])):
        require_column(table, column, columns)
    for column, what in ((spec.reward, "the reward"), (spec.pscore, "the propensity (pscore)")):
        require_column(table, column, columns, numeric=True, reason=f"It should hold {what}")
    if not spec.actions and columns[spec.action] not in INTEGER_TYPES:
        raise AnalysisError(
            f"Column '{spec.action}' of table '{table}' is {columns[spec.action]}: the action column holds "
            "the policies' output index (0, 1, …), or give --actions LABEL,LABEL,… in output order."
        )
    if spec.position and columns[spec.position] not in INTEGER_TYPES:
        raise AnalysisError(
            f"Column '{spec.position}' of table '{table}' is {columns[spec.position]}; positions are "
            "integers 0, 1, … (the last axis of a per-position policy output)."
        )


def summarize(project: Project, spec: Any, table: str) -> LogSummary:
    """Check every row (first bad row named) and summarise the log in two queries."""
    exprs, params = expressions(spec)
    inner = f"SELECT rowid AS r, {', '.join(f'{e} AS c{i}' for i, e in enumerate(exprs))} FROM {ident(table)}"
    _first_bad_row(project, spec, table, inner, params)
    row = project.con.execute(
        f"SELECT count(*), min(c1), max(c1), max(c0), max(c3), avg(c1) FROM ({inner})", params
    ).fetchone()
    assert row is not None
    if not row[0]:
        raise AnalysisError(f"Table '{table}' has no rows: there is nothing to estimate from.")
    cells = project.con.execute(f"SELECT c0, c3, avg(c1) FROM ({inner}) GROUP BY ALL", params).fetchall()
    means = {(int(a), int(p)): float(v) for a, p, v in cells}
    return LogSummary(int(row[0]), (float(row[1]), float(row[2])), int(row[3]), int(row[4]) + 1, means,
                      float(row[5]))  # fmt: skip


def _first_bad_row(project: Project, spec: Any, table: str, inner: str, params: list[Any]) -> None:
    problems = [
        ("c0 IS NULL", spec.action, "is missing" + (" or not one of --actions" if spec.actions else "")),
        ("c0 < 0", spec.action, "is negative (actions are output indices 0, 1, …)"),
        ("c1 IS NULL OR NOT isfinite(c1)", spec.reward, "is missing, NaN or infinite"),
        ("c2 IS NULL OR NOT isfinite(c2)", spec.pscore, "is missing, NaN or infinite"),
        ("c2 <= 0 OR c2 > 1", spec.pscore, "is not a probability in (0, 1]"),
        ("c3 IS NULL OR c3 < 0", spec.position or "position", "is missing or negative"),
    ]
    for condition, column, what in problems:
        found = project.con.execute(
            f"SELECT r + 1 FROM ({inner}) WHERE {condition} ORDER BY r LIMIT 1", params
        ).fetchone()
        if found is not None:
            raise AnalysisError(
                f"Row {int(found[0]):,} of table '{table}': the value in column '{column}' {what}. Fix or "
                "filter those rows (into a new table) and run ope-estimate again."
            )


def empirical_rewards(summary: LogSummary, n_actions: int) -> np.ndarray:
    """The default reward model q̂(a, position): the log's mean reward of each (action, position),
    the log's overall mean reward for a pair never logged; ``[n_actions, P]``."""
    table = np.full((n_actions, summary.positions), summary.mean_reward)
    for (action, position), value in summary.cell_means.items():
        if action < n_actions:
            table[action, position] = value
    return table
