"""Nested items: resample whole clusters (``--cluster COL``), or say when nesting is suspected.

Items are often not independent: (dataset, seed) pairs, questions drawn from a few source
documents, turns of one conversation. Resampling such items as independent makes every
interval (and the ``near_front`` band, P(violated), the trade-off intervals built on them) too
narrow. With a cluster column every item belongs to one cluster and the bootstrap draws whole
clusters with replacement (the cluster, or "block", bootstrap): an item's weight in a resample
is the number of times its cluster was drawn. Without one, :func:`suspect_nesting` looks for a
column constant within each item that groups the items (e.g. ``dataset``), or an item id whose
prefix does (``adult/3``, ``adult_seed3``), and the analysis says so.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...project import Project
from ...sql import ident
from ..candidates import AnalysisError
from ..clusters import Clusters, suspicion
from .spec import CostQualitySpec

MAX_SUSPECT_COLUMNS = 24  # other columns examined for nesting (the first ones, in table order)
ITEM_PREFIX = r"^(.*)[/|:#@,;_ .\-][^/|:#@,;_ .\-]*$"  # an item id's part before its last separator


def read_clusters(project: Project, spec: CostQualitySpec, cte: str, params: list[Any]) -> Clusters | None:
    """The cluster of every item the analysis keeps (None without ``spec.cluster``).

    ``cte`` defines ``raw`` (with the cluster as ``cl``) and ``log`` (the kept rows). Raises
    :class:`AnalysisError` when an item's rows name more than one cluster.
    """
    if spec.cluster is None:
        return None
    split = project.con.execute(
        cte + "SELECT item, min(cl), max(cl) FROM raw WHERE item IN (SELECT item FROM log) GROUP BY item "
        "HAVING count(DISTINCT cl) > 1 ORDER BY item LIMIT 1",
        params,
    ).fetchall()
    if split:
        item, first, second = split[0]
        raise AnalysisError(
            f"Item {item!r} of table '{spec.table}' lies in two clusters of column '{spec.cluster}' "
            f"({first!r} and {second!r}). Every item must belong to one cluster: give a column that is "
            "constant within each item (e.g. the dataset or document it comes from)."
        )
    rows = project.con.execute(
        cte + "SELECT item, min(cl) FROM raw WHERE item IN (SELECT item FROM log) "
        "GROUP BY item ORDER BY item",
        params,
    ).fetchall()
    labels = np.array([str(row[1]) for row in rows], dtype=object)
    names, of_item = np.unique(labels, return_inverse=True)
    return Clusters(spec.cluster, [str(name) for name in names], of_item.astype(np.intp))


def check_cluster(spec: CostQualitySpec) -> None:
    """A cluster column must be neither the system column nor (pointlessly) the item column."""
    if spec.cluster is not None and spec.cluster in (spec.system, spec.item):
        role = "system" if spec.cluster == spec.system else "item"
        raise AnalysisError(
            f"--cluster '{spec.cluster}' is the {role} column. Give the column that groups the items "
            "(e.g. dataset or source document); leave --cluster out to resample single items."
        )


def suspect_nesting(project: Project, spec: CostQualitySpec) -> dict[str, Any] | None:
    """Without ``--cluster``: a column, or the item ids' prefix, that groups the items; else None.

    A column qualifies when it is constant within each item and has from 2 to items/2 distinct
    values; the item-id prefix (the part before the last ``/ | : # @ , ; _ . -`` or space) the same
    way, when every item id has one.
    """
    if spec.cluster is not None:
        return None
    used = {spec.item, spec.system, spec.correct, spec.cost, spec.input_tokens, spec.output_tokens,
            spec.latency, spec.confidence}  # fmt: skip
    skip = ("DOUBLE", "FLOAT", "DECIMAL", "BOOLEAN")
    columns = [name for name, dtype in project.columns(spec.table)
               if name not in used and not dtype.startswith(skip)][:MAX_SUSPECT_COLUMNS]  # fmt: skip
    item = f"CAST({ident(spec.item)} AS VARCHAR)"
    prefix = f"nullif(regexp_extract({item}, '{ITEM_PREFIX}', 1), '')"
    parts = [f"count(DISTINCT {item})", f"count({item}) - count({prefix})",
             f"count(DISTINCT {prefix})", f"count(DISTINCT ({item}, {prefix}))"]  # fmt: skip
    parts += [f"count(DISTINCT {ident(c)}), count(DISTINCT ({item}, {ident(c)}))" for c in columns]
    values = project.con.execute(f"SELECT {', '.join(parts)} FROM {ident(spec.table)}").fetchall()[0]
    items, unprefixed = int(values[0]), int(values[1])
    found = [(f"column '{c}'", c, values[2 * k + 4], values[2 * k + 5]) for k, c in enumerate(columns)]
    if not unprefixed:
        found.append(("the prefix of the item ids", None, values[2], values[3]))
    for by, column, groups, pairs in found:
        if 2 <= groups <= items // 2 and pairs == items:
            return suspicion(by, column, int(groups), items)
    return None
