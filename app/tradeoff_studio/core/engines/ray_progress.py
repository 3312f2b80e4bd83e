"""Progress of a Ray pass from a counter actor, relayed through the project's progress contract.

Ray Data hands a read task's output to the driver when the task ends, so progress counted in the
driver's loop jumps (research/scale_out.md: a driver-side check acted 4 s late). Each block
function instead adds its rows to a counter actor (``num_cpus=0``, one per Ray session, keyed by
pass), and a daemon thread polls it every :data:`POLL_S` seconds. :class:`Poller` reports
only increases, under a lock shared with the driver loop's own reports, so progress is monotone,
comes from one thread at a time, and ends at the row total; after the pass it reports nothing more.
A block retried after a worker died is added twice, so the counter is capped at the footers' total.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any

from ..jobs import Progress

POLL_S = 0.5
_COUNTERS: dict[str, Any] = {}  # Ray job id -> its counter actor
_PASSES = itertools.count()


def session_counter() -> tuple[Any, int]:
    """The counter actor of the current Ray session (made on first use) and a new pass key."""
    import ray

    session = str(ray.get_runtime_context().get_job_id())
    if session not in _COUNTERS:
        _COUNTERS.clear()  # an earlier session's actor died with it
        _COUNTERS[session] = make_counter()
    return _COUNTERS[session], next(_PASSES)


def make_counter() -> Any:
    """A new counter actor in the current Ray session (no CPU reserved)."""
    import ray

    @ray.remote(num_cpus=0)
    class RowCounter:
        """Rows done per pass, added by the block functions."""

        def __init__(self) -> None:
            self.rows: dict[int, int] = {}

        def add(self, key: int, rows: int) -> None:
            """Add ``rows`` to pass ``key``."""
            self.rows[key] = self.rows.get(key, 0) + rows

        def total(self, key: int) -> int:
            """The rows pass ``key`` has done so far."""
            return self.rows.get(key, 0)

    return RowCounter.remote()


def tally(counter: Any, key: int, rows: int) -> None:
    """In a worker: add a block's rows to the counter (fire and forget)."""
    if counter is not None:
        counter.add.remote(key, rows)


class Poller:
    """Relays a pass's progress: from ``read()`` every :data:`POLL_S` s in a daemon thread, and from
    :meth:`report` in the driver loop; monotone, capped at ``total``, silent once stopped."""

    def __init__(self, progress: Progress, total: int, verb: str, read: Callable[[], int] | None) -> None:
        self.progress, self.total, self.verb, self.read = progress, total, verb, read
        self.best = -1
        self.lock = threading.Lock()
        self.stopped = threading.Event()

    def report(self, rows: int) -> None:
        """Report ``rows`` done when it is more than reported so far (capped at the total)."""
        rows = min(int(rows), self.total)
        with self.lock:
            if self.stopped.is_set() or rows <= self.best:
                return
            self.best = rows
            self.progress(rows / max(self.total, 1), f"{self.verb} with Ray: {rows:,} of {self.total:,} rows")

    def __enter__(self) -> Poller:
        if self.read is not None:
            threading.Thread(target=self._loop, name="ray-progress", daemon=True).start()
        return self

    def __exit__(self, *_exc: object) -> None:
        with self.lock:  # a report in flight finishes first; none follows
            self.stopped.set()

    def _loop(self) -> None:
        while not self.stopped.wait(POLL_S):
            try:
                rows = self.read() if self.read is not None else 0
            except Exception:  # Ray shutting down, an interrupted driver: the driver loop reports the rest
                return
            self.report(rows)
