"""Scoring benchmark: the whole pipeline (DuckDB -> ONNX -> score column) against onnxruntime alone.

Usage::

    python tests/benchmarks/bench_scoring.py [--rows 1000000] [--repeat 3] [--batch-rows 65536 ...]
    python tests/benchmarks/bench_scoring.py --threads   # session thread settings, alone and in the pipeline
    python tests/benchmarks/bench_scoring.py --write     # UPDATE ... FROM vs rebuild-and-swap
    python tests/benchmarks/bench_scoring.py --variants --rows 20000  # model-variants p50 vs a plain loop
    (--models NAME ... limits any of them to some models)

The table is the demo credit data (``resources/demo/make_credit_demo.py``) scored by the sample
models in ``models/`` when both exist; otherwise 20 random float features scored by small
logistic-regression, histogram-gradient-boosting and MLP models trained here with skl2onnx.
"onnxruntime alone" runs the same session options on the same numpy batches, already in memory;
the overhead is what reading from DuckDB, casting, aligning and writing the column adds (goal
<= 15 %). Times are medians of ``--repeat`` runs; this 2-core VM varies by +-30 % between runs.

``--variants`` (issue #17): the p50 latency of one-row requests that ``analyze … model-variants``
reports (interleaved timing, one thread) beside a plain onnxruntime loop timing the same one-row
requests of one model alone with the same session options in a fresh process, as the analysis
measures (goal: within 20 %).
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pyarrow as pa

from tradeoff_studio.core.inference import providers, registry, runner
from tradeoff_studio.core.inference.mapping import InputMapping, choose_output, map_inputs
from tradeoff_studio.core.project import Project, create_project
from tradeoff_studio.core.sql import ident

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo" / "make_credit_demo.py"
SAMPLE_MODELS = ("credit_logreg", "credit_gbt", "credit_mlp")
TABLE = "bench"
THREAD_SETTINGS = {  # label: (intra_op_num_threads, allow_spinning)
    "default": (0, "1"),
    "1 thread": (1, "1"),
    "spin off": (0, "0"),
    "1 thread, spin off": (1, "0"),
}


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch-rows", type=int, nargs="+", default=[runner.DEFAULT_BATCH_ROWS])
    parser.add_argument("--models", nargs="+", help="only these models (default: all)")
    parser.add_argument("--threads", action="store_true", help="compare session thread settings")
    parser.add_argument("--write", action="store_true", help="compare ways to write the score column")
    parser.add_argument("--variants", action="store_true", help="model-variants p50 against a plain loop")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder, _bench_project(Path(folder), args.rows) as project:
        models = args.models or [record.name for record in registry.list_models(project)]
        if args.variants:
            bench_variants(project, models, args.repeat)
        elif args.write:
            bench_write(project, args.repeat)
        elif args.threads:
            bench_threads(project, models, args.repeat, args.batch_rows)
        else:
            for batch_rows in args.batch_rows:
                bench_pipeline(project, models, args.repeat, batch_rows)


@contextmanager
def _bench_project(folder: Path, rows: int) -> Iterator[Project]:
    started = time.perf_counter()
    project = create_project(folder / "bench.tsproj")
    try:
        table, models = _demo_data(rows) if _have_demo() else _synthetic_data(rows, folder)
        project.con.register("bench_source", table)
        project.con.execute(f"CREATE TABLE {ident(TABLE)} AS SELECT * FROM bench_source")
        project.con.unregister("bench_source")
        for path in models:
            registry.add_model(project, path)
        project.con.execute("CHECKPOINT")
        source = "demo credit data + models/" if _have_demo() else "synthetic data + models trained here"
        print(f"{rows:,} rows ({source}), set up in {time.perf_counter() - started:.1f} s", flush=True)
        yield project
    finally:
        project.close()


def _have_demo() -> bool:
    return DEMO.is_file() and all((REPO / "models" / f"{name}.onnx").is_file() for name in SAMPLE_MODELS)


def _demo_data(rows: int) -> tuple[pa.Table, list[Path]]:
    spec = importlib.util.spec_from_file_location("make_credit_demo", DEMO)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate(rows), [REPO / "models" / f"{name}.onnx" for name in SAMPLE_MODELS]


def _synthetic_data(rows: int, folder: Path) -> tuple[pa.Table, list[Path]]:
    """20 float features, and LR/HGB/MLP models taking them as one [N, 20] input."""
    from skl2onnx import to_onnx
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    features = rng.normal(size=(rows, 20)).astype(np.float32)
    logit = features[:, :4] @ np.array([1.0, -0.5, 0.8, 0.3], dtype=np.float32)
    labels = (rng.random(rows) < 1.0 / (1.0 + np.exp(-logit))).astype(np.int64)
    names = [f"f{i:02d}" for i in range(20)]
    estimators = {
        "lr": make_pipeline(StandardScaler(), LogisticRegression()),
        "hgb": HistGradientBoostingClassifier(max_iter=150, random_state=0),
        "mlp": make_pipeline(StandardScaler(), MLPClassifier((32, 16), max_iter=50, random_state=0)),
    }
    paths = []
    for name, estimator in estimators.items():
        estimator.fit(features[:20_000], labels[:20_000])
        model = to_onnx(
            estimator, features[:1], options={"zipmap": False}, target_opset={"": 17, "ai.onnx.ml": 3}
        )
        model.metadata_props.add(key="tradeoff_studio.feature_columns", value=str(names).replace("'", '"'))
        paths.append(folder / f"{name}.onnx")
        paths[-1].write_bytes(model.SerializeToString())
    return pa.table({name: features[:, i] for i, name in enumerate(names)}), paths


def _median_seconds(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _batches(project: Project, mapping: InputMapping, batch_rows: int) -> list[dict[str, np.ndarray]]:
    """The model's feeds for every batch of the table, in memory (what onnxruntime alone runs on)."""
    casts = ", ".join(
        f"CAST({ident(column)} AS {binding.sql_type})"
        for binding in mapping.bindings
        for column in binding.columns
    )
    reader = project.con.execute(f"SELECT {casts} FROM {ident(TABLE)}").to_arrow_reader(batch_rows)
    feeds = []
    for batch in reader:
        arrays = iter(batch.columns)
        feeds.append(
            {
                binding.input_name: binding.tensor([next(arrays).to_numpy() for _ in binding.columns])
                for binding in mapping.bindings
            }
        )
    return feeds


def _model_inputs(
    project: Project, name: str, batch_rows: int
) -> tuple[bytes, str, list[dict[str, np.ndarray]]]:
    record = registry.get_model(project, name)
    mapping = map_inputs(record.manifest, project.columns(TABLE), model=name, table=TABLE)
    output = choose_output(record.manifest, model=name).name
    return registry.model_bytes(project, name), output, _batches(project, mapping, batch_rows)


def _ort_alone(model: bytes, output: str, feeds: list[dict[str, np.ndarray]], repeat: int) -> float:
    session, _provider = providers.create_session(model, "cpu")
    session.run([output], feeds[0])
    return _median_seconds(lambda: [session.run([output], feed) for feed in feeds], repeat)


def _pipeline(project: Project, name: str, repeat: int, batch_rows: int) -> float:
    def score() -> None:
        runner.score_table(project, model=name, table=TABLE, provider="cpu", batch_rows=batch_rows)
        project.con.execute(f"ALTER TABLE {ident(TABLE)} DROP COLUMN {ident('score_' + name)}")
        project.con.execute("DELETE FROM _ts.score_columns WHERE column_name = ?", ["score_" + name])

    return _median_seconds(score, repeat)


def bench_pipeline(project: Project, models: list[str], repeat: int, batch_rows: int) -> None:
    """Per model: pipeline vs onnxruntime alone, throughput and overhead."""
    rows = project.row_count(TABLE)
    print(f"batch {batch_rows:,} rows, median of {repeat}, provider cpu\n")
    header = (
        f"{'model':16} {'ORT alone s':>12} {'ORT rows/s':>12} {'pipeline s':>11} {'pipeline rows/s':>16} "
        f"{'overhead':>9}"
    )
    print(header)
    print("-" * len(header))
    for name in models:
        model, output, feeds = _model_inputs(project, name, batch_rows)
        alone = _ort_alone(model, output, feeds, repeat)
        del feeds
        piped = _pipeline(project, name, repeat, batch_rows)
        print(
            f"{name:16} {alone:12.3f} {rows / alone:12,.0f} {piped:11.3f} {rows / piped:16,.0f} "
            f"{100 * (piped - alone) / alone:8.0f}%",
            flush=True,
        )


def bench_threads(project: Project, models: list[str], repeat: int, batch_sizes: list[int]) -> None:
    """Rows/s of onnxruntime alone and of the pipeline under each thread setting, per batch size."""
    rows = project.row_count(TABLE)
    print(f"million rows/s, median of {repeat}; 'pipeline' = score_table at that batch size\n")
    print(f"{'model':16} {'batch':>7} {'run':9} " + " ".join(f"{label:>19}" for label in THREAD_SETTINGS))
    for name in models:
        for batch_rows in batch_sizes:
            model, output, feeds = _model_inputs(project, name, batch_rows)
            alone, piped = [], []
            for threads, spinning in THREAD_SETTINGS.values():
                providers.INTRA_OP_THREADS, providers.ALLOW_SPINNING = threads, spinning
                alone.append(rows / _ort_alone(model, output, feeds, repeat) / 1e6)
                piped.append(rows / _pipeline(project, name, repeat, batch_rows) / 1e6)
            for label, values in (("ORT alone", alone), ("pipeline", piped)):
                cells = " ".join(f"{value:19.2f}" for value in values)
                print(f"{name:16} {batch_rows:7,} {label:9} {cells}", flush=True)


def bench_write(project: Project, repeat: int) -> None:
    """Seconds to add one DOUBLE column of scores: UPDATE ... FROM on rowid vs rebuild-and-swap."""
    con = project.con
    rowids = con.execute(f"SELECT rowid FROM {ident(TABLE)}").to_arrow_table().column(0).to_numpy()
    scores = pa.table({"rid": rowids, "score": np.random.default_rng(0).random(len(rowids))})
    con.register("bench_scores", scores)

    def update(column: str) -> None:
        con.execute(f"ALTER TABLE {ident(TABLE)} ADD COLUMN {ident(column)} DOUBLE")
        con.execute(
            f"UPDATE {ident(TABLE)} AS t SET {ident(column)} = s.score "
            "FROM bench_scores AS s WHERE t.rowid = s.rid"
        )

    def rebuild(column: str) -> None:
        con.execute(
            f"CREATE TABLE bench_new AS SELECT t.*, s.score AS {ident(column)} FROM {ident(TABLE)} AS t "
            "LEFT JOIN bench_scores AS s ON t.rowid = s.rid ORDER BY t.rowid"
        )
        con.execute(f"DROP TABLE {ident(TABLE)}")
        con.execute(f"ALTER TABLE bench_new RENAME TO {ident(TABLE)}")

    times: dict[str, list[float]] = {"UPDATE ... FROM scores ON rowid": [], "rebuild table + swap": []}
    for _ in range(repeat):  # interleaved, each starting from the same table
        for samples, write in zip(times.values(), (update, rebuild), strict=True):
            started = time.perf_counter()
            with project.transaction():
                write("bench_score")
            samples.append(time.perf_counter() - started)
            con.execute(f"ALTER TABLE {ident(TABLE)} DROP COLUMN bench_score")
            con.execute("CHECKPOINT")
    rows = project.row_count(TABLE)
    for label, samples in times.items():
        print(f"{label:34} {statistics.median(samples):7.3f} s for {rows:,} rows (incl. commit)")


VARIANT_REQUESTS = 500


def _plain_p50_ms(model: bytes, output: str, feeds: list[dict[str, np.ndarray]]) -> float:
    """p50 of ``session.run`` on one-row feeds (contiguous arrays, built before the clock), one model
    alone, one thread, after 50 warm-up runs."""
    session, _provider = providers.create_session(model, "cpu", threads=1)
    feeds = [{name: np.ascontiguousarray(array) for name, array in feed.items()} for feed in feeds]
    for feed in feeds[:50]:
        session.run([output], feed)
    times = []
    for feed in feeds[:VARIANT_REQUESTS]:
        started = time.perf_counter()
        session.run([output], feed)
        times.append(time.perf_counter() - started)
    return float(np.percentile(np.array(times) * 1e3, 50, method="inverted_cdf"))


def _plain_in_child(model: bytes, output: str, feeds: list[dict[str, np.ndarray]]) -> float:
    """:func:`_plain_p50_ms` in a fresh spawned process, as the analysis times its models."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_plain_p50_ms, model, output, feeds).result()


def bench_variants(project: Project, models: list[str], repeat: int) -> None:
    """Per model: the p50 the model-variants analysis reports against a plain onnxruntime loop."""
    from tradeoff_studio.core.analyses.model_variants.analysis import VariantSpec, measure_variants

    project.con.execute(
        f"CREATE OR REPLACE TABLE labelled AS SELECT *, (random() < 0.3)::INT AS y FROM {TABLE}"
    )
    print(f"one-row requests, p50 ms, {VARIANT_REQUESTS} requests, 1 thread, median of {repeat} runs\n")
    print(f"{'model':16} {'plain loop':>11} {'variants':>9} {'ratio':>6} {'empty session':>14}")
    for name in models:
        model, output, feeds = _model_inputs(project, name, 1)
        plain = statistics.median(_plain_in_child(model, output, feeds[:600]) for _ in range(repeat))
        spec = VariantSpec("labelled", "y", (name,), repeats=VARIANT_REQUESTS, warmup=50, provider="cpu",
                           threads=1, resamples=50, bulk_size=65_536)  # fmt: skip
        ours, overhead = [], []
        for _ in range(repeat):
            notes = measure_variants(project, spec).notes
            ours.append(notes["timing"]["p50_ms_by_batch_size"]["1"][name])
            overhead.append(notes["timing"]["per_call_overhead_ms"])
        p50 = statistics.median(ours)
        print(
            f"{name:16} {plain:11.4f} {p50:9.4f} {p50 / plain:6.2f} {statistics.median(overhead):14.4f}",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
