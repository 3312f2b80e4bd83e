"""Per-block work shared by engines that see the data as Arrow tables (Ray Data's map functions).

Pure functions of a ``pyarrow.Table`` and plain values, so they pickle to any worker: the facts of
a block and its count vectors (numpy ``bincount`` over the flat (group, bin, label) index).
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .base import CountPlan, FairnessRequest, Int, ScanFacts


def _plain(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return column.cast(column.type.value_type) if pa.types.is_dictionary(column.type) else column


def _floats(column: pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)


def block_facts(table: pa.Table, request: FairnessRequest, fraction: float) -> ScanFacts:
    """The :class:`ScanFacts` of one block; ``fraction`` of its rows go into the sample (seeded by
    the block's content, so a retried block gives the same sample)."""
    facts = ScanFacts(rows=table.num_rows)
    label = _plain(table[request.label])
    facts.label_nulls = label.null_count
    facts.labels = set(pc.unique(label).drop_null().to_pylist()[:3])
    for score in request.scores:
        column = table[score]
        facts.score_nulls[score] = column.null_count
        values = _floats(column.drop_null())
        if len(values):
            facts.low[score], facts.high[score] = float(values.min()), float(values.max())
            seed = zlib.crc32(values[: min(len(values), 64)].tobytes()) ^ len(values)
            keep = np.random.default_rng(seed).random(len(values)) < fraction
            facts.sample[score] = [values[keep]]
    keys = list(request.sensitive)
    grouped = table.select(keys).group_by(keys).aggregate([([], "count_all")])
    for row in grouped.to_pylist():
        facts.groups[tuple(row[key] for key in keys)] = int(row["count_all"])
    return facts


def group_index(table: pa.Table, plan: CountPlan) -> Int:
    """Each row's group (its position in ``plan.groups``); a group the plan lacks is an error."""
    columns = plan.request.sensitive
    codes, radix = [], []
    for position, name in enumerate(columns):
        column = _plain(table[name])
        values = sorted({g[position] for g in plan.groups if g[position] is not None}, key=repr)
        found = pc.index_in(column, value_set=pa.array(values, type=column.type))
        codes.append(np.asarray(pc.fill_null(found, len(values)).to_numpy(zero_copy_only=False), np.int64))
        radix.append((values, len(values) + 1))
    shape = tuple(size for _, size in radix)
    lookup = np.full(int(np.prod(shape)), -1, dtype=np.int64)
    for index, group in enumerate(plan.groups):
        code = [len(vals) if v is None else vals.index(v) for v, (vals, _) in zip(group, radix, strict=True)]
        lookup[np.ravel_multi_index(tuple(code), shape)] = index
    found_groups = lookup[np.ravel_multi_index(tuple(codes), shape)]
    if (found_groups < 0).any():
        raise RuntimeError("A block has a group the scan did not see: the dataset changed during the run.")
    return found_groups


def block_counts(table: pa.Table, plan: CountPlan) -> dict[str, Int]:
    """The flat int64 count vector of each score over one block: ``(group · K + bin) · 2 + label``."""
    group = group_index(table, plan)
    label = _plain(table[plan.request.label])
    positive = pc.equal(label, pa.scalar(plan.positive, type=label.type))
    y = np.asarray(positive.to_numpy(zero_copy_only=False), dtype=np.int64)
    out = {}
    for score, edges in plan.edges.items():
        bins = len(edges) + 1
        bin_ = np.searchsorted(edges, _floats(table[score]), side="right")
        out[score] = np.bincount((group * bins + bin_) * 2 + y, minlength=plan.size(score)).astype(np.int64)
    return out


def positive_value(labels: set[Any], wanted: Any, shown_as: str) -> Any:
    """The label's positive value among ``labels`` (1/True unless ``wanted`` names one)."""
    values = sorted(labels, key=repr)
    shown = ", ".join(repr(v) for v in values)
    if len(values) > 2:
        raise ValueError(f"The {shown_as} is not binary: it has more than two values ({shown}, …).")
    if len(values) < 2:
        raise ValueError(
            f"The {shown_as} has only the value {shown}; accuracy and fairness need both outcomes."
        )
    if wanted is None:
        if all(isinstance(v, (bool, int, float)) and v in (0, 1) for v in values):
            return next(v for v in values if v == 1)
        raise ValueError(f"The {shown_as} has values {shown}; say which one is positive (--positive V).")
    for value in values:
        if value == wanted or str(value) == str(wanted):
            return value
    raise ValueError(f"The positive value {wanted!r} does not occur in the {shown_as}; it has {shown}.")


def as_bytes(found: Any) -> bytes:
    """Pickle a block's result into one binary cell (Ray Data moves tables, not Python objects)."""
    import pickle

    return pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL)
