"""Compare ONNX model variants on a labelled table: quality, latency, throughput, peak memory.

One candidate per model (kind ``"model-variants"``), e.g. a full-precision model and its INT8
quantisation, each measured by running it:

- ``quality`` = accuracy of the rule "positive when the score ≥ 0.5" on the positive-class
  probability (the score output the runner stores), ``auc`` (ties count half) and ``log_loss``
  (probabilities clipped to [1e-15, 1 − 1e-15]);
- ``latency_p50_ms`` / ``latency_p95_ms`` per request of ``batch_size`` rows, and
  ``throughput_rows_per_s`` over the whole table in bulk batches;
- ``peak_memory_mb`` (MiB) of scoring the model, and ``model_size_bytes``.

How each is measured (a fresh process per model) is in :mod:`...inference.variant_process`. The table is
read once with DuckDB; inputs are mapped, the output chosen and the provider picked exactly as
:func:`~...inference.runner.score_table` does. Intervals are percentile bootstraps: rows are resampled for
the quality metrics (the same seeded draws for every model, so the comparison is paired) and
timed requests for the latency percentiles. pandas is imported lazily (house rule 7).
"""

from __future__ import annotations

import os
import platform
import warnings
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ...dbjobs import interruptible
from ...inference.batches import frame_columns
from ...inference.mapping import choose_output, loose_matches, map_inputs
from ...inference.providers import ALLOW_SPINNING, INTRA_OP_THREADS, PROVIDER_CHOICES
from ...inference.registry import load_model
from ...inference.runner import DEFAULT_BATCH_ROWS, count_rows_without_nulls, resolve_table, session_bytes
from ...inference.variant_process import Job, Measured, measure_in_child
from ...inference.variant_report import HOLDOUT_WARNING, latency_front, model_checks, timing_notes
from ...inference.variant_timing import TimingJob, Timings, time_in_child
from ...jobs import CancelToken, Progress, no_progress, scaled
from ...project import Project
from ...sql import ident
from ..candidates import AnalysisError, CandidateTable, Objective, spec_dict
from ..where import source_sql  # --where
from .definitions import BOOTSTRAP as _BOOTSTRAP
from .definitions import CLIP as _CLIP
from .definitions import DEFINITIONS as _DEFINITIONS
from .definitions import MEMORY as _MEMORY
from .definitions import MEMORY_METHODS as _MEMORY_METHODS
from .definitions import THRESHOLD

if TYPE_CHECKING:
    import pandas as pd

KIND = "model-variants"
KNOBS = ("system", "provider")
QUALITY_METRICS = ("quality", "auc", "log_loss")
LATENCY_METRICS = ("latency_p50_ms", "latency_p95_ms")
FIDELITY_METRICS = ("agreement", "max_abs_score_diff")  # against --reference (NaN without one)
METRICS = (*QUALITY_METRICS, *LATENCY_METRICS, "throughput_rows_per_s", "peak_memory_mb", "model_size_bytes",
           *FIDELITY_METRICS)  # fmt: skip
_BOOTSTRAP_CELLS = 2_000_000  # resampled rows counted at once


@dataclass(frozen=True)
class VariantSpec:
    """Which models to compare on which labelled table, and how to time and bootstrap them.

    ``positive`` is the label's positive value (default 1/true); ``provider`` is ``auto``,
    ``cuda`` or ``cpu`` as for scoring; ``batch_size`` rows make one timed request, repeated
    ``repeats`` times after ``warmup`` untimed ones; ``bulk_size`` rows make one throughput batch.
    ``mapping`` binds inputs to columns as ``score --map`` does (``INPUT=COL`` or ``INPUT=C1,C2,…``);
    ``reference`` is a model of ``models`` the others are compared with (agreement, score
    differences); ``threads`` fixes ``intra_op_num_threads``; ``batch_sizes`` adds a latency sweep.
    """

    table: str
    label: str
    models: tuple[str, ...]
    positive: Any = None
    batch_size: int = 1
    bulk_size: int = DEFAULT_BATCH_ROWS
    repeats: int = 200
    warmup: int = 20
    provider: str = "auto"
    objectives: tuple[Objective, ...] = (Objective("quality", "max"), Objective("latency_p95_ms", "min"))
    resamples: int = 500
    ci_level: float = 0.95
    seed: int = 20261127
    mapping: tuple[tuple[str, str], ...] = ()  # (input, column or "c1,c2,…"), as score's --map
    reference: str | None = None
    threads: int | None = None  # intra_op_num_threads of every session (None: onnxruntime's default)
    batch_sizes: tuple[int, ...] = ()  # more request sizes to time (the sweep in the notes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, stored as the analysis spec."""
        return spec_dict(self)


@dataclass(frozen=True)
class _Data:
    """The table's stored name, one job per model, which rows are positive, loose input matches."""

    table: str
    jobs: list[Job]
    positive: np.ndarray
    positive_value: Any
    matches: dict[str, list[str]] | None = None  # model -> "input ← column" where the names differ
    holdout: bool = False  # the rows are filtered (--where)


def measure_variants(
    project: Project,
    spec: VariantSpec,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> CandidateTable:
    """Run every model of ``spec`` on the table and return one candidate per model (with front).

    Raises :class:`NotFoundError` for an unknown table or model (listing those that exist),
    :class:`ModelError` when a model's inputs do not fit the table or it fails, and
    :class:`AnalysisError` for bad settings, a missing or non-binary label, or scores that are
    not probabilities.
    """
    token = cancel or CancelToken()
    _check_spec(spec)
    progress(0.0, f"Reading table '{spec.table}'")
    data = _read(project, spec, token)
    measured = []
    share = 0.6 / len(data.jobs)
    for index, job in enumerate(data.jobs):
        token.raise_if_cancelled()
        step = scaled(progress, 0.05 + index * share, 0.05 + (index + 1) * share)
        measured.append(measure_in_child(job, step, token))
    sizes = tuple(dict.fromkeys((spec.batch_size, *spec.batch_sizes)))
    timing = TimingJob(tuple(data.jobs), spec.provider, spec.threads, sizes, spec.repeats, spec.warmup)
    timings = time_in_child(timing, scaled(progress, 0.65, 0.9), token)
    progress(0.95, "Computing the Pareto front")
    table = _table(spec, data, measured, timings, token)
    progress(1.0, "Candidates ready")
    return table


def _table(
    spec: VariantSpec, data: _Data, measured: list[Measured], timings: Timings, cancel: CancelToken
) -> CandidateTable:
    """The candidates with their checks, the front with indistinguishable latencies tied, the notes."""
    import pandas as pd

    pairs = list(zip(data.jobs, measured, strict=True))
    size = spec.batch_size
    rows = [_candidate(job, run, data.positive, spec, cancel, latencies=timings.of(job.model, size))
            for job, run in pairs]  # fmt: skip
    scores = {job.model: run.scores for job, run in zip(data.jobs, measured, strict=True)}
    frame, checks = model_checks(pd.DataFrame(rows), {job.model: job.data for job in data.jobs}, scores,
                                 spec.reference, THRESHOLD)  # fmt: skip
    notes = _notes(spec, data, measured) | {"checks": checks}
    notes |= {"timing": timing_notes(timings, spec.threads, spec.batch_size)}
    table = CandidateTable(KIND, frame, list(KNOBS), list(METRICS), list(spec.objectives), notes).with_front()
    table, pairs = latency_front(table, timings, spec.batch_size, checks["identical_graphs"],
                                 resamples=spec.resamples, level=spec.ci_level, seed=spec.seed)  # fmt: skip
    return replace(table, notes=table.notes | {"latency_pairs": pairs})


def _check_spec(spec: VariantSpec) -> None:
    """Reject bad settings, repeated models and objectives that are not variant metrics."""
    problems = [
        (bool(spec.models), "Give at least one model to measure."),
        (len(set(spec.models)) == len(spec.models), f"A model is listed twice in {list(spec.models)}."),
        (spec.provider in PROVIDER_CHOICES, f"Unknown provider '{spec.provider}'; choose one of "
         f"{', '.join(PROVIDER_CHOICES)}."),
        (spec.batch_size >= 1 and spec.bulk_size >= 1, "Batch sizes must be at least 1 row."),
        (spec.repeats >= 10, f"Time at least 10 requests (200 is the default); got {spec.repeats}."),
        (spec.warmup >= 0, f"The number of warm-up requests cannot be negative; got {spec.warmup}."),
        (spec.resamples >= 10, f"Use at least 10 bootstrap resamples (default 500); got {spec.resamples}."),
        (0.0 < spec.ci_level < 1.0, f"The confidence level must lie between 0 and 1; got {spec.ci_level}."),
        (bool(spec.objectives), "Give at least one objective, e.g. quality:max,latency_p95_ms:min."),
        (spec.reference is None or spec.reference in spec.models, f"The reference model {spec.reference!r} "
         f"is not among the models compared ({', '.join(spec.models)}); add it with --model."),
        (spec.threads is None or 1 <= spec.threads <= 256, f"--threads must be 1…256; got {spec.threads}."),
        (all(size >= 1 for size in spec.batch_sizes), "Batch sizes must be at least 1 row."),
        (spec.reference is not None or not {o.metric for o in spec.objectives} & set(FIDELITY_METRICS),
         "agreement and max_abs_score_diff compare with a reference model: give --reference MODEL."),
    ]  # fmt: skip
    for ok, message in problems:
        if not ok:
            raise AnalysisError(message)
    for objective in spec.objectives:
        if objective.metric not in METRICS:
            raise AnalysisError(
                f"'{objective.metric}' is not a model-variant metric. The metrics are: {', '.join(METRICS)}."
            )


def _read(project: Project, spec: VariantSpec, cancel: CancelToken) -> _Data:
    """Check table, label and models, then read every needed column and the label in one query."""
    table = resolve_table(project, spec.table)
    columns = project.columns(table)
    if spec.label not in dict(columns):
        listed = ", ".join(f"{name} ({dtype})" for name, dtype in columns)
        raise AnalysisError(f"Table '{table}' has no label column '{spec.label}'. Its columns: {listed}.")
    plans, matches = [], {}
    for name in spec.models:
        stored = load_model(project, name)
        record = stored.record
        mapping = map_inputs(stored.manifest, columns, model=record.name, table=table,
                             overrides=dict(spec.mapping))  # fmt: skip
        matches[record.name] = loose_matches(mapping)
        output = choose_output(stored.manifest, model=record.name)
        count_rows_without_nulls(project, table, mapping, record.name)
        plans.append((stored, mapping, output))
    keys = list(dict.fromkeys((c, b.sql_type) for _, m, _ in plans for b in m.bindings for c in b.columns))
    frame = _query(project, table, keys, spec.label, cancel)
    arrays = dict(zip(keys, frame_columns(frame)[: len(keys)], strict=True))
    positive, value = _labels(frame.iloc[:, len(keys)], spec, table)
    if spec.batch_size > len(positive):
        raise AnalysisError(
            f"A request of {spec.batch_size:,} rows is larger than table '{table}' ({len(positive):,} rows)."
        )
    jobs = [
        Job(stored.record.name, session_bytes(stored, output), spec.provider,
            tuple((b, tuple(arrays[(c, b.sql_type)] for c in b.columns)) for b in mapping.bindings),
            output, len(positive), spec.batch_size, spec.bulk_size, spec.repeats, spec.warmup,
            stored.record.size_bytes, timed=False, threads=spec.threads)
        for stored, mapping, output in plans
    ]  # fmt: skip
    holdout = source_sql(project, table).startswith("(")  # the rows --where keeps
    return _Data(table, jobs, positive, value, matches, holdout)


def _query(
    project: Project, table: str, keys: list[tuple[str, str]], label: str, cancel: CancelToken
) -> pd.DataFrame:
    """The input columns cast as the models take them (as the runner casts them), then the label
    (DuckDB's NumPy conversion: the installed app has no pyarrow)."""
    selected = [f"CAST({ident(column)} AS {sql_type})" for column, sql_type in keys] + [ident(label)]
    cursor = project.con.cursor()
    try:
        with interruptible(cursor, cancel):
            return cursor.execute(f"SELECT {', '.join(selected)} FROM {source_sql(project, table)}").df()
    finally:
        cursor.close()


def _labels(column: pd.Series, spec: VariantSpec, table: str) -> tuple[np.ndarray, Any]:
    """Which rows are positive, and the positive value; the label must be binary and complete."""
    where = f"label column '{spec.label}' of table '{table}'"
    if nulls := int(column.isna().sum()):
        raise AnalysisError(f"The {where} has {nulls:,} NULL rows. Filter them out into a new table first.")
    values = sorted(column.unique().tolist(), key=repr)
    shown = ", ".join(repr(value) for value in values[:5]) + (", …" if len(values) > 5 else "")
    if len(values) != 2:
        raise AnalysisError(
            f"The {where} is not binary: it has {len(values)} distinct value(s) ({shown}). "
            "Choose a label with exactly two values, e.g. 0/1."
        )
    if spec.positive is None:
        if not all(isinstance(value, bool | int | float) and value in (0, 1) for value in values):
            raise AnalysisError(f"The {where} has values {shown}; say which one is positive (--positive V).")
        positive = next(value for value in values if value == 1)
    else:
        matches = [value for value in values if str(value).casefold() == str(spec.positive).casefold()]
        if not matches:
            raise AnalysisError(
                f"The positive value {spec.positive!r} does not occur in the {where}: {shown}."
            )
        positive = matches[0]
    return np.asarray(column.to_numpy() == positive, dtype=bool), positive


def _candidate(
    job: Job, measured: Measured, positive: np.ndarray, spec: VariantSpec, cancel: CancelToken, *,
    latencies: np.ndarray,
) -> dict[str, Any]:  # fmt: skip
    """One candidate row: knobs, metrics and the intervals of the quality and latency metrics."""
    scores = measured.scores
    if not (np.all(np.isfinite(scores)) and scores.min() >= 0.0 and scores.max() <= 1.0):
        raise AnalysisError(
            f"Model '{job.model}' gives scores ({job.output.describe()}) from {scores.min():.4g} to "
            f"{scores.max():.4g}; quality, AUC and log loss need probabilities between 0 and 1."
        )
    row: dict[str, Any] = {"candidate_id": job.model, "system": job.model, "provider": measured.provider}
    intervals = _quality_intervals(scores, positive, spec, cancel) | _latency_intervals(latencies, spec)
    for metric, (point, lo, hi) in intervals.items():
        row |= {metric: point, f"{metric}_lo": lo, f"{metric}_hi": hi}
    row["throughput_rows_per_s"] = measured.throughput_rows_per_s
    row["peak_memory_mb"] = measured.peak_memory_mb
    row["model_size_bytes"] = job.size_bytes or len(job.data)
    return row


def _cell_metrics(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Accuracy at score ≥ 0.5, AUC (ties count half) and log loss from row counts: ``(R, 3)``.

    ``values`` are the distinct scores in ascending order, ``counts`` has shape ``(R, U, 2)``:
    per sample, per distinct score, the number of negative and positive rows.
    """
    neg, pos = counts[..., 0].astype(np.float64), counts[..., 1].astype(np.float64)
    total = neg.sum(axis=1) + pos.sum(axis=1)
    flagged = (values >= THRESHOLD).astype(np.float64)
    clipped = np.clip(values, _CLIP, 1.0 - _CLIP)
    accuracy = (pos @ flagged + neg @ (1.0 - flagged)) / total
    log_loss = -(pos @ np.log(clipped) + neg @ np.log1p(-clipped)) / total
    below = np.cumsum(neg, axis=1) - neg
    with np.errstate(divide="ignore", invalid="ignore"):  # a resample without one class: NaN
        auc = (pos * (below + 0.5 * neg)).sum(axis=1) / (pos.sum(axis=1) * neg.sum(axis=1))
    return np.column_stack([accuracy, auc, log_loss])


def _quality_intervals(
    scores: np.ndarray, positive: np.ndarray, spec: VariantSpec, cancel: CancelToken
) -> dict[str, tuple[float, float, float]]:
    """Point and bootstrap bounds of each quality metric.

    Rows are drawn with replacement (seeded with ``spec.seed``, so every model sees the same draws)
    and counted per (distinct score, label) cell; the metrics follow from the counts.
    """
    values, inverse = np.unique(scores, return_inverse=True)
    cell = inverse.reshape(-1) * 2 + positive
    cells, n = 2 * len(values), len(scores)
    point = _cell_metrics(values, np.bincount(cell, minlength=cells).reshape(1, -1, 2))[0]
    rng = np.random.default_rng(spec.seed)
    chunk = max(1, _BOOTSTRAP_CELLS // max(n, cells))
    boot = []
    for first in range(0, spec.resamples, chunk):
        cancel.raise_if_cancelled()
        size = min(chunk, spec.resamples - first)
        drawn = cell[rng.integers(0, n, size=(size, n))] + (np.arange(size) * cells)[:, None]
        counts = np.bincount(drawn.ravel(), minlength=size * cells).reshape(size, -1, 2)
        boot.append(_cell_metrics(values, counts))
    lo, hi = _bounds(np.vstack(boot), spec.ci_level)
    return {metric: (float(point[i]), lo[i], hi[i]) for i, metric in enumerate(QUALITY_METRICS)}


def _latency_intervals(latencies: np.ndarray, spec: VariantSpec) -> dict[str, tuple[float, float, float]]:
    """p50 and p95 of the timed requests (inverted CDF: an observed time, as DuckDB's ``quantile_disc``),
    and bootstrap bounds from resampled requests, drawn in chunks of about 10 million values."""
    rng, n = np.random.default_rng(spec.seed + 1), len(latencies)
    chunk = max(1, 10_000_000 // n)
    sizes = [min(chunk, spec.resamples - start) for start in range(0, spec.resamples, chunk)]
    boot = np.concatenate([
        np.percentile(latencies[rng.integers(0, n, (size, n))], [50, 95], axis=1, method="inverted_cdf").T
        for size in sizes
    ])  # fmt: skip
    point = np.percentile(latencies, [50, 95], method="inverted_cdf")
    lo, hi = _bounds(boot, spec.ci_level)
    return {metric: (float(point[i]), lo[i], hi[i]) for i, metric in enumerate(LATENCY_METRICS)}


def _bounds(boot: np.ndarray, level: float) -> tuple[list[float], list[float]]:
    """Percentile bounds over the resamples (axis 0), ignoring NaN resamples."""
    tail = 100.0 * (1.0 - level) / 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lo, hi = np.nanpercentile(boot, [tail, 100.0 - tail], axis=0)
    return [float(value) for value in lo], [float(value) for value in hi]


def _notes(spec: VariantSpec, data: _Data, measured: list[Measured]) -> dict[str, Any]:
    """What the candidates mean and how they were measured, on what."""
    methods = sorted({run.memory_method for run in measured})
    return _DEFINITIONS | {
        "source_table": data.table,
        "rows": len(data.positive),
        "label": spec.label,
        "positive": data.positive_value,
        "provider_requested": spec.provider,
        "providers_used": {job.model: run.provider for job, run in zip(data.jobs, measured, strict=True)},
        "hardware": {
            "cpu_count": os.cpu_count(),
            "machine": platform.machine(),
            "system": platform.system(),
            "onnxruntime": measured[0].onnxruntime_version,
        },
        "threads": {"intra_op_num_threads": spec.threads or INTRA_OP_THREADS,
                    "allow_spinning": ALLOW_SPINNING,
                    "meaning": "0 threads = onnxruntime's default (one per physical core); spinning off"},
        "input_matches": data.matches or {},
        "holdout": {"where": data.holdout,
                    "warning": None if data.holdout else HOLDOUT_WARNING.format(table=data.table)},
        "batch_size": spec.batch_size,
        "bulk_size": spec.bulk_size,
        "repeats": spec.repeats,
        "warmup": spec.warmup,
        "memory": _MEMORY | {"method": [_MEMORY_METHODS[method] for method in methods]},
        "bootstrap": _BOOTSTRAP | {"resamples": spec.resamples, "seed": spec.seed},
        "ci_level": spec.ci_level,
    }  # fmt: skip
