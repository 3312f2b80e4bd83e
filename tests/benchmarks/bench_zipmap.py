"""ZipMap benchmark: scoring an unmodified skl2onnx classifier (ZipMap output) into a column,
against onnxruntime alone returning ZipMap's list of dicts and decoding it into an array.

Usage::

    python tests/benchmarks/bench_zipmap.py [--rows 1000000] [--repeat 3]

Ours is the whole pipeline (DuckDB -> ONNX -> score column), reading the probability tensor the
ZipMap node wraps; the anchor is only the model run on numpy features already in memory plus the
per-row dict decoding that the ZipMap output forces on anyone who runs it as exported.
Times are medians of ``--repeat`` runs; this 2-core VM varies by +-30 % between runs.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnxruntime as ort
from skl2onnx import to_onnx
from sklearn.linear_model import LogisticRegression

from tradeoff_studio.core import workflows
from tradeoff_studio.core.project import create_project

COLUMNS = ("a", "b", "c")


def _median_seconds(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    features = rng.normal(size=(args.rows, len(COLUMNS))).astype(np.float32)
    labels = (features[:, 0] + 0.5 * features[:, 1] > 0).astype(np.int64)
    model = to_onnx(LogisticRegression().fit(features[:10_000], labels[:10_000]), features[:1])
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    name, zipmap = session.get_inputs()[0].name, session.get_outputs()[1].name

    def anchor() -> np.ndarray:
        rows = session.run([zipmap], {name: features})[0]
        return np.fromiter((row[1] for row in rows), dtype=np.float64, count=len(rows))

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clf.onnx"
        path.write_bytes(model.SerializeToString())
        project = create_project(Path(folder) / "bench.tsproj")
        project.con.register("features", {c: features[:, i] for i, c in enumerate(COLUMNS)})
        project.con.execute("CREATE TABLE t AS SELECT * FROM features")
        workflows.add_model(project, path, name="clf")
        runs = iter(range(args.repeat))

        def ours() -> object:
            return workflows.score(
                project, model="clf", table="t", provider="cpu",
                output_column=f"p{next(runs)}", mapping_overrides={name: ",".join(COLUMNS)},
            )  # fmt: skip

        ours_s, anchor_s = _median_seconds(ours, args.repeat), _median_seconds(anchor, args.repeat)
        project.close()
    print(f"ZipMap classifier, {args.rows:,} rows x {len(COLUMNS)} features (median of {args.repeat})")
    print(f"  Tradeoff Studio score (DuckDB -> ONNX -> column): {ours_s:7.3f} s")
    print(f"  onnxruntime alone + dict decoding (in memory):    {anchor_s:7.3f} s")
    print(f"  ratio ours / anchor: {ours_s / anchor_s:.2f}")


if __name__ == "__main__":
    main()
