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
