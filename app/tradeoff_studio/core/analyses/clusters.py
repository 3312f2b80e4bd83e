"""Nested rows, shared by every analysis that bootstraps them (``--cluster COL``; issue #17).

Rows are often not independent: (dataset, seed) items of cost–quality runs, applicants of one
branch or family in a fairness table, the rounds of one user or session in a bandit log.
Resampling such rows as independent makes every interval too narrow. With a cluster column every
row (or item) belongs to one cluster and the bootstrap draws whole clusters with replacement (the
cluster, or "block", bootstrap): a row's weight in a resample is the number of times its cluster
was drawn. :func:`draw_counts` draws those numbers; each analysis applies them to what it keeps
per cluster (cost–quality: the items; fairness: a count table per cluster; OPE: per-cluster sums).

Without a cluster column, :func:`suspect_repeated_ids` looks for an identifier column whose values
repeat (``user_id``, ``customer``, ``session``), and the analysis says that rows may nest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..project import Project
from ..sql import ident
from .candidates import AnalysisError

MAX_SUSPECT_COLUMNS = 24  # identifier-like columns examined for repeats (the first ones, in table order)
ID_NAME = re.compile(r"(^|[_\W])(id|ids|key|uid|user|users|customer|client|session|household|family|"
                     r"patient|account|person|applicant|cluster|dataset|document|conversation)$|"
                     r"[a-z](Id|ID|Key)$", re.IGNORECASE)  # fmt: skip
SKIP_TYPES = ("DOUBLE", "FLOAT", "DECIMAL", "BOOLEAN", "REAL")


@dataclass(frozen=True)
class Clusters:
    """Each unit's cluster (an index into ``names``; units in the analysis's own order)."""

    column: str
    names: list[str]
    of_item: np.ndarray

    @property
    def count(self) -> int:
        """How many clusters the units fall into."""
        return len(self.names)


def draw_counts(rng: np.random.Generator, units: int, rows: int) -> np.ndarray:
    """How often each of ``units`` units is drawn in each of ``rows`` bootstrap resamples.

    Every resample draws ``units`` units with replacement (multinomial counts, shape
    ``(rows, units)``, float64); the units are items, rows or whole clusters.
    """
    draws = rng.integers(0, units, size=(rows, units)) + np.arange(rows)[:, None] * units
    return np.bincount(draws.ravel(), minlength=rows * units).reshape(rows, units).astype(np.float64)


def ci_label(level: float, clusters: Clusters | None, units: int, unit: str = "item") -> str:
    """What an interval is over, e.g. ``95% CI by dataset, 84 clusters`` or ``95% CI by item, 600 items``."""
    if clusters is None:
        return f"{level * 100:g}% CI by {unit}, {units:,} {unit}s"
    return cluster_label(level, clusters.column, clusters.count)


def cluster_label(level: float, column: str, count: int) -> str:
    """``95% CI by COL, N clusters``: the words every clustered output uses."""
    return f"{level * 100:g}% CI by {column}, {count:,} clusters"


def check_cluster_role(cluster: str | None, roles: Iterable[tuple[str, str | None]]) -> None:
    """A cluster column must not be one of the analysis's own columns (``(role, column)`` pairs)."""
    if cluster is None:
        return
    for role, name in roles:
        if name == cluster:
            raise AnalysisError(
                f"--cluster '{cluster}' is the {role} column. Give the column that groups the rows (e.g. "
                "the user, branch or dataset they come from); leave --cluster out to resample single rows."
            )


def require_cluster_column(table: str, cluster: str, columns: dict[str, str]) -> None:
    """The cluster column exists (its message lists the table's columns)."""
    if cluster not in columns:
        listed = ", ".join(f"{name} ({dtype})" for name, dtype in columns.items())
        raise AnalysisError(
            f"Table '{table}' has no column '{cluster}' to cluster by (--cluster). Its columns: {listed}."
        )


def check_no_nulls(project: Project, source: str, table: str, cluster: str) -> None:
    """Every row names its cluster: a NULL cluster value is refused with the first such row."""
    found = project.con.execute(f"SELECT count(*) FROM {source} WHERE {ident(cluster)} IS NULL").fetchone()
    if found is not None and found[0]:
        raise AnalysisError(
            f"Column '{cluster}' of table '{table}' is empty in {int(found[0]):,} row(s): every row must "
            "name its cluster for --cluster. Fill those rows, or filter them out with --where."
        )


def suspect_repeated_ids(
    project: Project, source: str, columns: Sequence[tuple[str, str]], used: Iterable[str | None], unit: str
) -> dict[str, Any] | None:
    """Without ``--cluster``: an identifier-like column whose values repeat, so the rows may nest.

    A column qualifies when its name looks like an identifier (``user_id``, ``customer``,
    ``session``, ``family`` …), it is not a number with a fraction, it plays no role in the
    analysis, and it has from 2 to rows/2 distinct values (each value repeats on average).
    ``source`` is the FROM clause of the rows the analysis keeps; ``unit`` names a row.
    """
    taken = {name for name in used if name}
    candidates = [name for name, dtype in columns if name not in taken and ID_NAME.search(name)]
    candidates = [name for name in candidates if not dict(columns)[name].startswith(SKIP_TYPES)]
    candidates = candidates[:MAX_SUSPECT_COLUMNS]
    if not candidates:
        return None
    parts = ["count(*)", *(f"count(DISTINCT {ident(name)})" for name in candidates)]
    values = project.con.execute(f"SELECT {', '.join(parts)} FROM {source}").fetchall()[0]
    rows = int(values[0])
    for name, groups in zip(candidates, values[1:], strict=True):
        if 2 <= int(groups) <= rows // 2:
            return suspicion(f"column '{name}'", name, int(groups), rows, unit)
    return None


def suspicion(by: str, column: str | None, groups: int, units: int, unit: str = "item") -> dict[str, Any]:
    """The suspected-nesting note: what groups the units, and what to do about it."""
    advice = f"give --cluster {column}" if column else "name each item's group in a column, give --cluster it"
    text = (
        f"rows may nest: {by} groups the {units:,} {unit}s into {groups:,} groups, but the intervals "
        f"resample {unit}s as if independent and may be too narrow; {advice} to resample whole groups"
    )
    return {"suspected": True, "by": by, "column": column, "groups": groups, "items": units, "text": text}
