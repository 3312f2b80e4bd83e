"""Latency you can trust: every model timed interleaved, in one process, beside an empty session.

Timing each model in its own process, one after the other, lets drift (CPU frequency, other
load, allocator state) decide which model looks faster: a model and a byte-identical copy got
non-overlapping p50 intervals. Here one child process holds a session per model, all with the
same thread setting, plus an *empty* session (one Identity node) that measures what a call
costs by itself. After ``warmup`` untimed rounds, each of ``repeats`` rounds builds every
model's inputs for the same row window, then runs the models one request each, the order
rotated every round; so request ``r`` of every model is timed under the same conditions and the
rounds pair the models' timings. With several batch sizes the whole procedure repeats per size.

Two models are **indistinguishable** on latency when the paired bootstrap interval of the ratio
of their p50 latencies (rounds resampled with replacement) contains 1: then neither dominates
the other through latency (:func:`front_with_ties`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np

from ..jobs import CancelToken, Progress
from .providers import create_session
from .variant_process import Job, measure_in_child

if TYPE_CHECKING:
    import onnxruntime

EMPTY = "(empty session)"


@dataclass(frozen=True)
class TimingJob:
    """What the timing child measures: the models' jobs (inputs, output) and the settings."""

    jobs: tuple[Job, ...]
    provider: str
    threads: int | None
    batch_sizes: tuple[int, ...]
    repeats: int
    warmup: int

    @property
    def model(self) -> str:
        """How the child process is named in messages."""
        return "interleaved timing"


@dataclass(frozen=True)
class Timings:
    """Milliseconds per request: ``latencies[size]`` is ``(models + 1, repeats)``, the empty session last."""

    models: tuple[str, ...]
    batch_sizes: tuple[int, ...]
    latencies: dict[int, np.ndarray]
    providers: tuple[str, ...]

    def of(self, model: str, size: int) -> np.ndarray:
        """The timed requests of ``model`` (or :data:`EMPTY`) at batch size ``size``."""
        row = len(self.models) if model == EMPTY else self.models.index(model)
        return self.latencies[size][row]

    def overhead_ms(self, size: int) -> float:
        """p50 of the empty session's calls: the cost of a call by itself."""
        return float(np.percentile(self.of(EMPTY, size), 50, method="inverted_cdf"))


def time_in_child(job: TimingJob, progress: Progress, cancel: CancelToken) -> Timings:
    """:func:`time_interleaved` in a fresh spawned process (cancelling terminates it)."""
    result: Timings = measure_in_child(job, progress, cancel, work=time_interleaved)  # type: ignore[arg-type]
    return result


def time_interleaved(job: TimingJob, progress: Progress) -> Timings:
    """Time every model and the empty session round-robin (module doc); runs in the child."""
    sessions, providers = [], []
    for model in job.jobs:
        session, used = create_session(model.data, job.provider, label=f"model '{model.model}'",
                                       threads=job.threads)  # fmt: skip
        sessions.append(session)
        providers.append(used)
    empty, _ = create_session(_empty_model(), job.provider, label="the empty model", threads=job.threads)
    latencies = {}
    for step, size in enumerate(job.batch_sizes):
        progress(step / len(job.batch_sizes), f"Timing {job.repeats:,} interleaved rounds of {size:,} row(s)")
        latencies[size] = _rounds(job, sessions, empty, size)
    progress(1.0, "Timed")
    return Timings(tuple(j.model for j in job.jobs), job.batch_sizes, latencies, tuple(providers))


def _rounds(
    job: TimingJob, sessions: list[onnxruntime.InferenceSession], empty: onnxruntime.InferenceSession,
    size: int,
) -> np.ndarray:  # fmt: skip
    """``(models + 1, repeats)`` milliseconds: each round times every model once, the order rotated."""
    rows = job.jobs[0].rows
    span = max(1, rows - size + 1)
    count = len(sessions) + 1
    timings = np.empty((count, job.repeats))
    blank = {"x": np.zeros(size, dtype=np.float32)}
    for index in range(job.warmup + job.repeats):
        start = index * size % span
        feeds = [model.feeds(start, min(start + size, rows)) for model in job.jobs] + [blank]
        names = [[model.output.fetched] for model in job.jobs] + [["y"]]
        runners = [*sessions, empty]
        for offset in range(count):
            which = (index + offset) % count
            started = time.perf_counter()
            runners[which].run(names[which], feeds[which])
            elapsed = time.perf_counter() - started
            if index >= job.warmup:
                timings[which, index - job.warmup] = elapsed * 1e3
    return timings


def _empty_model() -> bytes:
    """One Identity node on a float vector: what a call costs with (almost) nothing to compute."""
    from onnx import TensorProto, helper

    value = helper.make_tensor_value_info("x", TensorProto.FLOAT, [None])
    result = helper.make_tensor_value_info("y", TensorProto.FLOAT, [None])
    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "empty", [value], [result])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    return bytes(model.SerializeToString())


def ratio_interval(
    a: np.ndarray, b: np.ndarray, *, resamples: int, level: float, seed: int
) -> tuple[float, float, float]:
    """p50(a) / p50(b) and its paired percentile bootstrap interval (rounds resampled together)."""
    rng = np.random.default_rng(seed)
    n = len(a)
    picks = rng.integers(0, n, size=(resamples, n))
    top = np.percentile(a[picks], 50, axis=1, method="inverted_cdf")
    bottom = np.percentile(b[picks], 50, axis=1, method="inverted_cdf")
    tail = 100.0 * (1.0 - level) / 2.0
    lo, hi = np.percentile(top / bottom, [tail, 100.0 - tail], method="inverted_cdf")
    point = np.percentile(a, 50, method="inverted_cdf") / np.percentile(b, 50, method="inverted_cdf")
    return float(point), float(lo), float(hi)


def indistinguishable_pairs(
    timings: Timings, size: int, *, resamples: int, level: float, seed: int
) -> list[dict[str, object]]:
    """Every pair of models with its p50 ratio interval and whether it contains 1."""
    pairs = []
    for first, second in combinations(timings.models, 2):
        a, b = timings.of(first, size), timings.of(second, size)
        ratio, lo, hi = ratio_interval(a, b, resamples=resamples, level=level, seed=seed)
        pairs.append({"first": first, "second": second, "p50_ratio": ratio, "lo": lo, "hi": hi,
                      "indistinguishable": bool(lo <= 1.0 <= hi)})  # fmt: skip
    return pairs


def front_with_ties(good: np.ndarray, tied: np.ndarray, latency_columns: list[int]) -> np.ndarray:
    """Non-dominated rows of ``good`` (larger is better in every column) where, for a pair marked in
    ``tied`` (n × n bool), the latency columns count as equal: neither wins through them."""
    n = len(good)
    keep = np.ones(n, dtype=bool)
    others = [c for c in range(good.shape[1]) if c not in latency_columns]
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            columns = others if tied[i, j] else list(range(good.shape[1]))
            if not columns:
                continue
            at_least = (good[j, columns] >= good[i, columns]).all()
            if at_least and (good[j, columns] > good[i, columns]).any():
                keep[i] = False
                break
    return keep
