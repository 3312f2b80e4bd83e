"""Time and score one model in a fresh process, and measure the memory its scoring takes.

Each model runs in its own child process (``multiprocessing`` spawn), so no model inherits
another's allocator state, warmed caches or peak memory, and a cancel ends the child at once
(the parent terminates it). The child gets the model bytes and the columns it needs as numpy
arrays, imports onnxruntime and initialises the providers, then takes its memory baseline;
everything after that — session, weights, arenas, inputs and outputs of each run — counts
towards ``peak_memory_mb``:

- Linux: the process's high-water mark is reset through ``/proc/self/clear_refs`` and
  ``VmHWM - VmRSS(baseline)`` is read from ``/proc/self/status``;
- elsewhere (or where the reset is refused): growth of ``ru_maxrss`` over its baseline value,
  which reads 0 when an earlier transient peak was higher; Windows: not measured (NaN).

Resident memory is host memory only: on CUDA the device memory (onnxruntime's GPU arena) is not
counted, only what the session holds on the host.

Latency is the wall time of one ``session.run`` on a request of ``batch_size`` rows (successive
row windows of the table), timed ``repeats`` times after ``warmup`` untimed runs; the request's
input tensors are built before its clock starts. Throughput is the row count over the median
wall time of a pass through the whole table in bulk batches (input tensors from the in-memory
columns, ``session.run`` and output selection), after one untimed bulk batch; passes repeat
until they add up to half a second (at most 25; a single pass of the demo table takes 20 ms, too
short to time once). The first pass gives the scores.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ModelError, StudioError
from ..jobs import CancelToken, Progress
from .mapping import InputBinding, OutputSpec
from .providers import create_session, working_providers
from .runner import selected_scores

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    import onnxruntime

_POLL_SECONDS = 0.05
_EXIT_WAIT_SECONDS = 5.0
_KIB = 1024.0
_MIN_BULK_SECONDS = 0.5
_MAX_PASSES = 25


@dataclass(frozen=True)
class Job:
    """What the child process measures: one model on in-memory columns, with the timing settings."""

    model: str
    data: bytes
    provider: str
    inputs: tuple[tuple[InputBinding, tuple[np.ndarray, ...]], ...]
    output: OutputSpec
    rows: int
    batch_size: int
    bulk_size: int
    repeats: int
    warmup: int
    size_bytes: int = 0  # the stored model's size (``data`` may expose a ZipMap's tensor as well)
    timed: bool = True  # False: latency is timed elsewhere (interleaved, :mod:`.variant_timing`)
    threads: int | None = None  # intra_op_num_threads (None: the measured rule)

    def feeds(self, start: int, stop: int) -> dict[str, np.ndarray]:
        """The input tensors of rows ``start`` to ``stop`` (exclusive)."""
        return {
            binding.input_name: binding.tensor([column[start:stop] for column in columns])
            for binding, columns in self.inputs
        }


@dataclass(frozen=True)
class Measured:
    """What the child reports: provider used, scores of every row, timings and peak memory."""

    provider: str
    scores: np.ndarray
    latencies_ms: np.ndarray
    throughput_rows_per_s: float
    peak_memory_mb: float
    memory_method: str
    onnxruntime_version: str


def measure_in_child(
    job: Job, progress: Progress, cancel: CancelToken, work: Callable[[Any, Progress], Any] | None = None
) -> Any:
    """Run :func:`measure` (or ``work``, a module-level function) for ``job`` in a fresh spawned process;
    cancelling terminates it.

    Errors the child raises (:class:`ModelError` and the like) are raised here; a child that dies
    without answering gives a :class:`ModelError`. The job travels over a pipe once the child runs
    (not as a ``Process`` argument, whose hand-over blocks forever if the child dies first).
    """
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=_child_main, args=(theirs,), name=f"tradeoff-variant-{job.model}")
    process.daemon = True
    progress(0.0, f"Starting a measuring process for model '{job.model}'")
    process.start()
    theirs.close()
    try:
        ours.send((work or measure, job))
        return _receive(ours, process, progress, cancel)
    except (BrokenPipeError, EOFError):
        process.join(_EXIT_WAIT_SECONDS)
        raise ModelError(
            f"The process measuring model '{job.model}' ended without a result (exit code "
            f"{process.exitcode}: it crashed, ran out of memory, or could not start). Try a smaller bulk "
            "size or another provider."
        ) from None
    finally:
        if process.is_alive():
            process.terminate()
        process.join()
        ours.close()


def _receive(connection: Connection, process: BaseProcess, progress: Progress, cancel: CancelToken) -> Any:
    """Relay the child's progress until its result or error arrives; EOFError when it is gone."""
    while True:
        cancel.raise_if_cancelled()
        if connection.poll(_POLL_SECONDS):
            kind, *payload = connection.recv()
            if kind == "progress":
                progress(*payload)
            elif kind == "error":
                raise payload[0]
            else:
                return payload[0]
        elif not process.is_alive() and not connection.poll():
            raise EOFError


def _child_main(connection: Connection) -> None:
    """The child's entry point: receive the job, send progress, then ``("done", Measured)`` or
    ``("error", error)``. Ctrl-C in a terminal reaches the whole process group: the child ignores
    it and leaves cancelling to the parent, which terminates it."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    work, job = connection.recv()

    def report(fraction: float, message: str) -> None:
        connection.send(("progress", fraction, message))

    try:
        connection.send(("done", work(job, report)))
    except StudioError as error:
        connection.send(("error", error))
    except Exception as error:  # onnxruntime's pybind errors share no base below Exception
        text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        connection.send(("error", ModelError(f"Model '{job.model}' failed while being measured: {text}")))
    finally:
        connection.close()


def measure(job: Job, progress: Progress) -> Measured:
    """Latencies, scores, throughput and peak memory of ``job``'s model (see the module docstring)."""
    import onnxruntime

    working_providers()  # onnxruntime and its providers' libraries load before the baseline
    method, baseline = _memory_baseline()
    session, used = create_session(job.data, job.provider, label=f"model '{job.model}'", threads=job.threads)
    progress(0.05, f"Timing {job.repeats:,} requests of {job.batch_size:,} row(s) on {used}")
    latencies = _latencies(session, job, progress) if job.timed else np.empty(0)
    progress(0.5, f"Scoring all {job.rows:,} rows in batches of {job.bulk_size:,}")
    scores, seconds = _bulk(session, job, progress)
    peak = _memory_peak_mb(method, baseline)
    return Measured(used, scores, latencies, job.rows / seconds, peak, method, onnxruntime.__version__)


def _latencies(session: onnxruntime.InferenceSession, job: Job, progress: Progress) -> np.ndarray:
    """Milliseconds of each timed request, after the warm-up requests."""
    names, size = [job.output.fetched], job.batch_size
    span = job.rows - size + 1
    timings = np.empty(job.repeats)
    every = max(1, job.repeats // 10)
    for index in range(job.warmup + job.repeats):
        start = index * size % span
        feeds = job.feeds(start, start + size)
        started = time.perf_counter()
        session.run(names, feeds)
        elapsed = time.perf_counter() - started
        timed = index - job.warmup
        if timed >= 0:
            timings[timed] = elapsed
            if (timed + 1) % every == 0:
                progress(0.05 + 0.45 * (timed + 1) / job.repeats, f"Timed {timed + 1:,} requests")
    return timings * 1e3


def _bulk(session: onnxruntime.InferenceSession, job: Job, progress: Progress) -> tuple[np.ndarray, float]:
    """The score of every row and the median seconds of a timed pass in bulk batches."""
    names = [job.output.fetched]
    session.run(names, job.feeds(0, min(job.bulk_size, job.rows)))  # warm-up at the bulk size
    scores = np.empty(job.rows)
    passes: list[float] = []
    while not passes or (sum(passes) < _MIN_BULK_SECONDS and len(passes) < _MAX_PASSES):
        started = time.perf_counter()
        for start in range(0, job.rows, job.bulk_size):
            stop = min(start + job.bulk_size, job.rows)
            values = np.asarray(session.run(names, job.feeds(start, stop))[0])
            rows = f"rows {start + 1:,}-{stop:,}"
            scores[start:stop] = selected_scores(job.output, job.model, values, stop - start, rows)
            if not passes:
                progress(0.5 + 0.4 * stop / job.rows, f"Scored {stop:,} of {job.rows:,} rows")
        passes.append(time.perf_counter() - started)
    progress(1.0, f"Timed {len(passes)} pass(es) over {job.rows:,} rows")
    return scores, float(np.median(passes))


def _memory_baseline() -> tuple[str, float]:
    """The measuring method and the baseline in KiB (see the module docstring)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        return "VmHWM", _status_kib("VmRSS")
    except OSError:
        pass
    try:
        return "ru_maxrss", _maxrss_kib()
    except ImportError:
        return "unavailable", 0.0


def _memory_peak_mb(method: str, baseline: float) -> float:
    """Peak resident MiB above ``baseline`` since :func:`_memory_baseline`."""
    if method == "VmHWM":
        return (_status_kib("VmHWM") - baseline) / _KIB
    if method == "ru_maxrss":
        return (_maxrss_kib() - baseline) / _KIB
    return float("nan")


def _status_kib(field: str) -> float:
    """A ``kB`` field of ``/proc/self/status``."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return float(line.split()[1])
    raise OSError(f"/proc/self/status has no {field}")


def _maxrss_kib() -> float:
    """The process's peak resident size in KiB (macOS reports bytes, Linux KiB)."""
    import resource

    value = float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return value / _KIB if sys.platform == "darwin" else value
