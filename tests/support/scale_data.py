"""A multi-file Parquet dataset for the scale-out tests (issue #21): groups, a 0/1 label, scores.

Scores are rounded to 1e-3 so many rows tie at the bin edges (the comparison rule is then tested).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def write_scale_dataset(folder: Path, *, files: int = 4, rows: int = 20_000, seed: int = 7) -> Path:
    """``files`` Parquet files of ``rows`` rows each under ``folder``; returns the folder."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for index in range(files):
        sex = rng.choice(np.array(["female", "male"]), rows)
        region = rng.choice(np.array(["north", "south", "east"]), rows).astype(object)
        region[rng.random(rows) < 0.02] = None
        risk = rng.normal(size=rows) + (sex == "male") * 0.3
        label = (risk + rng.normal(size=rows) > 0.5).astype(np.int64)
        score_b = (risk + rng.normal(size=rows)).astype(np.float32)
        table = pa.table({
            "sex": sex, "region": pa.array(region, pa.string()), "label": label,
            "score": np.round(1 / (1 + np.exp(-risk)), 3), "score_b": score_b,
        })  # fmt: skip
        pq.write_table(table, folder / f"part-{index:03d}.parquet", row_group_size=max(rows // 3, 1))
    return folder


def write_eval_log(
    folder: Path, *, files: int = 4, systems: int = 5, items: int = 2_000, seed: int = 11,
    shuffled: bool = True,
) -> Path:  # fmt: skip
    """An evaluation log (one row per (item, system)) in ``files`` Parquet files under ``folder``.

    Columns: ``item`` (``set<k>/q<i>``: the prefix nests items), ``system``, ``correct`` (0/1),
    ``cost`` (general float64 dollars), ``latency_ms``, ``confidence`` (NULL for the last system),
    ``input_tokens``/``output_tokens`` (integers) and ``topic`` (constant within an item). With
    ``shuffled`` the rows are in random order across the files, else sorted by (system, item) in
    file order (the order the dataset analysis sums in).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    names = np.array([f"sys-{chr(97 + s)}" for s in range(systems)])
    ids = np.array([f"set{i % 7}/q{i:05d}" for i in range(items)])
    system = np.repeat(names, items)
    item = np.tile(ids, systems)
    skill = np.repeat(np.linspace(0.45, 0.9, systems), items)
    hard = np.tile(rng.uniform(-0.3, 0.3, items), systems)
    confidence = np.clip(skill - hard + rng.normal(0, 0.15, len(item)), 0, 1)
    correct = (rng.random(len(item)) < np.clip(skill - hard, 0, 1)).astype(np.int64)
    in_tokens = rng.integers(50, 900, len(item))
    out_tokens = rng.integers(10, 400, len(item))
    table = pa.table({
        "item": item, "system": system, "correct": correct,
        "cost": np.repeat(np.linspace(0.001, 0.03, systems), items) * rng.lognormal(0, 0.3, len(item)),
        "latency_ms": rng.gamma(2.0, 150.0, len(item)),
        "confidence": pa.array(np.where(system == names[-1], np.nan, confidence), from_pandas=True),
        "input_tokens": in_tokens, "output_tokens": out_tokens,
        "topic": np.tile(np.array([f"t{i % 3}" for i in range(items)]), systems),
    })  # fmt: skip
    order = rng.permutation(len(item)) if shuffled else np.lexsort((item, system))
    table = table.take(order)
    for index, part in enumerate(np.array_split(np.arange(len(item)), files)):
        pq.write_table(table.take(part), folder / f"log-{index:03d}.parquet", row_group_size=1_000)
    return folder
