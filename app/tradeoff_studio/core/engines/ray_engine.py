"""The Ray Data engine: the same reduction on a Ray cluster (local, or an existing one).

Imported only when ``--engine ray`` is asked for. Per research/scale_out.md: read tasks with
``batch_size=None`` and a numpy count vector per block, summed in the driver (faster than Ray's own
group-by); ``max_errored_blocks`` stays 0 (anything else turns failures into silent loss); fewer
footer-reader actors and smaller read tasks (two internal knobs, set before Ray Data is imported);
usage statistics off; a private temporary folder, removed when the engine started Ray itself.
Tasks whose worker dies are retried by Ray (``max_retries=-1`` by default), and a retried block
gives the same vector, so the counts stay exact.
"""

from __future__ import annotations

import os
import pickle
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import numpy as np

from ..errors import StudioError
from ..jobs import CancelToken, Progress
from .base import CountPlan, EngineError, FairnessRequest, Int, ScanFacts
from .blocks import as_bytes, block_counts, block_facts
from .dataset import Dataset
from .pairs import PairsRequest, block_pairs, combine_pairs
from .placement import scoring_actors
from .ray_progress import POLL_S, Poller, session_counter, tally
from .scoring import Scoring, ScoringUDF

_KNOBS = {
    "RAY_USAGE_STATS_ENABLED": "0",
    "RAY_DATA_PARQUET_FOOTER_NUM_ACTORS": "2",
    "RAY_DATA_PARQUET_BIN_PACKING_BYTES": str(16 << 20),
}
BlockHook = Callable[[], None]
BLOCK_BYTES = 16 << 20
SHORT_TEMP = 40  # Ray's session folder adds about 60 bytes to its socket paths


def _apply_udf(
    batch: Any, *, fn: Callable[..., Any], kwargs: dict[str, Any], hook: BlockHook | None, counter: Any,
    key: int,
) -> Any:  # fmt: skip
    """``fn(batch, **kwargs)`` in a worker, pickled into one binary cell, its rows added to the counter."""
    import pyarrow as pa

    if hook is not None:
        hook()
    found = as_bytes(fn(batch, **kwargs))
    tally(counter, key, batch.num_rows)
    return pa.table({"out": pa.array([found], pa.binary()), "rows": [batch.num_rows]})


class RayEngine:
    """Counts with Ray Data; ``address`` None starts a private local Ray, ``auto`` or ``ray://…``
    joins a running cluster. An already initialised Ray (a test session, a notebook) is reused.
    ``block_hook`` runs in the worker before each block (fault-injection tests kill workers with it).
    ``scorings`` score ONNX models in an actor pool first (their columns are then scores to count)."""

    name = "ray"

    def __init__(self, *, address: str | None = None, num_cpus: int | None = None,
                 block_hook: BlockHook | None = None, scorings: tuple[Scoring, ...] = ()
                 ) -> None:  # fmt: skip
        self.address, self.num_cpus, self.block_hook = address, num_cpus, block_hook
        self.scorings = scorings
        self.providers: set[str] = set()
        self.actors: dict[str, str] = {}  # scoring actor id -> the provider(s) it used
        self.placement = ""

    def session(self) -> Any:
        """A context in which Ray stays up across passes (started once, shut down at the end)."""
        return ray_session(self.address, self.num_cpus)

    @property
    def scored_columns(self) -> tuple[str, ...]:
        """The score columns the models add (not in the files)."""
        return tuple(s.column for s in self.scorings)

    def versions(self) -> dict[str, str]:
        """Ray's, pyarrow's and numpy's versions (onnxruntime's and the providers used when scoring)."""
        import pyarrow
        import ray

        found = {"ray": ray.__version__, "pyarrow": pyarrow.__version__, "numpy": np.__version__}
        if self.scorings:
            import onnxruntime

            actors = "; ".join(f"{actor[:12]} {used}" for actor, used in sorted(self.actors.items()))
            found |= {"onnxruntime": onnxruntime.__version__, "providers": ",".join(sorted(self.providers)),
                      "placement": self.placement, "actors": actors}  # fmt: skip
        return found

    def scan(
        self, dataset: Dataset, request: FairnessRequest, *, progress: Progress, cancel: CancelToken
    ) -> ScanFacts:
        """Facts per block (read tasks), merged in the driver."""
        fraction = min(1.0, request.sample_rows / max(dataset.rows, 1))
        facts = ScanFacts()
        kwargs = {"request": request, "fraction": fraction}
        job = {"progress": progress, "cancel": cancel, "verb": "Scanning"}
        for found in self.map_blocks(dataset, request.columns, block_facts, kwargs, **job):
            facts.merge(found)
        return facts

    def count(
        self, dataset: Dataset, plan: CountPlan, *, progress: Progress, cancel: CancelToken
    ) -> dict[str, Int]:
        """Count vectors per block (read tasks), summed in the driver."""
        totals = {score: np.zeros(plan.size(score), dtype=np.int64) for score in plan.edges}
        job = {"progress": progress, "cancel": cancel, "verb": "Counting"}
        for found in self.map_blocks(dataset, plan.request.columns, block_counts, {"plan": plan}, **job):
            for score, vector in found.items():
                totals[score] += vector
        return totals

    def pairs(
        self, dataset: Dataset, request: PairsRequest, *, progress: Progress, cancel: CancelToken
    ) -> Any:
        """Partial (item, system) aggregates per block (read tasks), combined in the driver."""
        job = {"progress": progress, "cancel": cancel, "verb": "Aggregating"}
        found = self.map_blocks(dataset, request.columns, block_pairs, {"request": request}, **job)
        return combine_pairs(list(found), request)

    def map_blocks(
        self, dataset: Dataset, columns: list[str], fn: Callable[..., Any], kwargs: dict[str, Any], *,
        progress: Progress, cancel: CancelToken, verb: str,
    ) -> Iterator[Any]:  # fmt: skip
        """``fn(block, **kwargs)`` of each block in Ray's read tasks (after scoring, with models);
        progress from the counter actor every half second (:mod:`.ray_progress`)."""
        with ray_session(self.address, self.num_cpus):
            import ray
            import ray.data

            context = ray.data.DataContext.get_current()
            context.max_errored_blocks = 0
            context.enable_progress_bars = False
            context.target_max_block_size = BLOCK_BYTES  # several blocks per read task: the counter moves
            counter, key = session_counter()
            udf_kwargs = {"fn": fn, "kwargs": kwargs, "hook": self.block_hook, "counter": counter, "key": key}
            data = ray.data.read_parquet(dataset.paths).select_columns(self._read_columns(columns))
            mapped = self._mapped(data, _apply_udf, udf_kwargs)
            progress(0.0, f"{verb} {len(dataset.files)} Parquet file(s) with Ray")
            read = lambda: int(ray.get(counter.total.remote(key), timeout=POLL_S * 4))  # noqa: E731
            with Poller(progress, dataset.rows, verb, read) as poller:
                yield from self._collect(mapped, dataset, poller=poller, cancel=cancel)

    def _collect(
        self, mapped: Any, dataset: Dataset, *, poller: Poller, cancel: CancelToken
    ) -> Iterator[Any]:
        """Each block's result, in the driver; progress by rows; Ray's failures as :class:`EngineError`."""
        done = 0
        try:
            for batch in mapped.iter_batches(batch_format="pyarrow", batch_size=None):
                cancel.raise_if_cancelled()
                if "provider" in batch.column_names:
                    self._note_providers(batch["provider"].to_pylist())
                for blob in batch["out"].to_pylist():
                    yield pickle.loads(blob)  # our own bytes, made by the UDF above
                done += sum(batch["rows"].to_pylist())
                poller.report(done)
        except StudioError:
            raise
        except Exception as error:  # Ray wraps worker errors in its own types
            raise EngineError(
                f"The Ray job failed on {dataset.pattern!r}: {_cause(error)} Nothing was stored."
            ) from error

    def _note_providers(self, cells: list[str]) -> None:
        """Record ``actor=provider,…`` cells: the providers used, overall and per scoring actor."""
        for cell in cells:
            actor, _, used = cell.rpartition("=")
            self.actors[actor or "?"] = used
            self.providers.update(used.split(","))

    def _read_columns(self, columns: list[str]) -> list[str]:
        inputs = [c for s in self.scorings for c in s.mapping.columns]
        return list(dict.fromkeys([c for c in columns if c not in self.scored_columns] + inputs))

    def _mapped(self, data: Any, udf: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
        """Read tasks with one vector per block; with models, an actor pool that scores first, placed
        by :func:`.placement.scoring_actors`: one GPU each on a cluster with GPUs (CUDA), else half a
        CPU each with one CPU left free (an actor pool on every CPU deadlocks)."""
        if not self.scorings:
            return data.map_batches(udf, fn_kwargs=kwargs, batch_format="pyarrow", batch_size=None)
        import ray

        plan = scoring_actors(ray.cluster_resources(), self.scorings[0].provider)
        self.placement = plan.describe()
        scorings = tuple(replace(scoring, provider=plan.provider) for scoring in self.scorings)
        return data.map_batches(
            ScoringUDF, fn_constructor_kwargs={"scorings": scorings, "then": udf, "kwargs": kwargs},
            batch_format="pyarrow", batch_size=plan.batch_size, concurrency=plan.concurrency,
            num_cpus=plan.num_cpus, num_gpus=plan.num_gpus,
        )  # fmt: skip


def _cause(error: BaseException) -> str:
    """The worker's own exception behind Ray's wrappers (``ValueError: …``), on one line."""
    seen = error
    while seen.__cause__ is not None and seen.__cause__ is not seen:
        seen = seen.__cause__
    lines = [line.strip() for line in str(seen).splitlines() if line.strip()]
    named = [line for line in lines if re.match(r"^[A-Za-z_.]*(Error|Exception)\b.*: ", line)]
    named = [line for line in named if not line.startswith("ray.")] or named
    text = named[0] if named else f"{type(seen).__name__}: {lines[0] if lines else ''}"
    return text.rstrip(".") + "."


def _short_temp() -> str | None:
    """The temporary folder, or ``/tmp`` when its path is too long for Ray's sockets (107 bytes)."""
    base = tempfile.gettempdir()
    return "/tmp" if len(base) > SHORT_TEMP and os.path.isdir("/tmp") else None


@contextmanager
def ray_session(address: str | None, num_cpus: int | None = None) -> Iterator[None]:
    """Ray initialised for the block: reused when it already is, else started (usage statistics off,
    a private ``_temp_dir``) and shut down and cleaned afterwards."""
    for name, value in _KNOBS.items():
        os.environ.setdefault(name, value)
    import ray

    if ray.is_initialized():
        yield
        return
    temp = tempfile.mkdtemp(prefix="ts-ray-", dir=_short_temp())
    try:
        _start(ray, address, num_cpus, temp)
        yield
    finally:  # a Ctrl-C now must not cut the shutdown short (Ray's processes and folder would stay)
        with _uninterrupted():
            if ray.is_initialized():
                ray.shutdown()
            shutil.rmtree(temp, ignore_errors=True)


def _start(ray: Any, address: str | None, num_cpus: int | None, temp: str) -> None:
    options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
    if address is None:
        options |= {"num_cpus": num_cpus, "_temp_dir": temp}
    try:
        ray.init(address=address, **options)
    except (ConnectionError, RuntimeError, ValueError, OSError) as error:
        raise EngineError(
            f"Could not start or reach Ray at {address or 'a new local instance'}: {error}. Check "
            "--ray-address (auto joins the cluster this machine belongs to) and the cluster's auth token."
        ) from error


@contextmanager
def _uninterrupted() -> Iterator[None]:
    """SIGINT ignored for the block when this is the main thread (a cleanup that must finish)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
