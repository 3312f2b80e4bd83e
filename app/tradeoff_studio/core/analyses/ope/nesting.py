"""Rounds that nest (``ope-estimate --cluster COL``; issue #17): the rounds of one user or session.

The bootstrap of :mod:`.estimators` resamples groups of rounds; with a cluster column every
cluster is one group, so a resample draws whole clusters with replacement (the cluster
bootstrap, :mod:`..clusters`). The log is streamed as before; each round's group is its
cluster's rank, computed by DuckDB in the same query. Without a cluster column an identifier
column whose values repeat (``user_id``, ``session``) raises the suspected-nesting note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...project import Project
from ...sql import ident
from ..candidates import AnalysisError
from ..clusters import (
    check_cluster_role,
    check_no_nulls,
    cluster_label,
    require_cluster_column,
    suspect_repeated_ids,
)

MAX_CLUSTERS = 10_000_000


@dataclass(frozen=True)
class Units:
    """What the bootstrap resamples: ``clusters`` (0 without ``--cluster``), in words, and the note."""

    clusters: int
    ci: str
    nesting: dict[str, Any] | None


def cluster_rank(spec: Any) -> str:
    """The select-list tail giving each round its cluster's rank 0, 1, … (empty without ``--cluster``)."""
    if spec.cluster is None:
        return ""
    return f", dense_rank() OVER (ORDER BY {ident(spec.cluster)}) - 1"


def rounds_or_clusters(
    project: Project, spec: Any, table: str, columns: list[tuple[str, str]], rounds: int
) -> Units:
    """Check ``spec.cluster`` (a column of ``table``, no role of its own, never empty) and count its
    clusters; without one, look for an identifier column that repeats."""
    roles = [("action", spec.action), ("reward", spec.reward), ("pscore", spec.pscore),
             ("position", spec.position)]  # fmt: skip
    if spec.cluster is None:
        used = [name for _, name in roles] + _mapped(spec)
        nesting = suspect_repeated_ids(project, ident(table), columns, used, "round")
        return Units(0, f"{spec.ci_level * 100:g}% CI by round, {rounds:,} rounds", nesting)
    require_cluster_column(table, spec.cluster, dict(columns))
    check_cluster_role(spec.cluster, roles)
    check_no_nulls(project, ident(table), table, spec.cluster)
    sql = f"SELECT count(DISTINCT {ident(spec.cluster)}) FROM {ident(table)}"
    found = project.con.execute(sql).fetchone()
    clusters = int(found[0]) if found else 0
    if clusters > MAX_CLUSTERS:
        raise AnalysisError(
            f"Column '{spec.cluster}' of table '{table}' has {clusters:,} distinct values; at most "
            f"{MAX_CLUSTERS:,} clusters can be resampled. Choose a coarser cluster column."
        )
    return Units(clusters, cluster_label(spec.ci_level, spec.cluster, clusters), None)


def _mapped(spec: Any) -> list[str]:
    """The columns ``--map`` feeds the models (context columns, not clusters)."""
    names: list[str] = []
    for value in spec.mapping.values():
        names += value.split(",") if isinstance(value, str) else list(value)
    return names
