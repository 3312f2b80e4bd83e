"""Read the next record batch on a worker thread while the current one is scored.

DuckDB and onnxruntime both release the GIL, so on two cores the read of batch i+1 overlaps
the inference of batch i. The queue holds at most ``depth`` batches, which bounds memory.
The worker is always stopped and joined when the ``with`` block ends (house rule 5).

Measured on the 2-vCPU dev VM, 1M demo rows, batches of 65,536, whole ``score_table`` seconds
(median of 3), reading inline vs prefetched: logistic regression 0.307 -> 0.262, MLP
0.351 -> 0.299, gradient-boosted trees 2.83 -> 2.78.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar, cast

T = TypeVar("T")
_POLL_SECONDS = 0.05
_DONE = object()


@contextmanager
def prefetched(reader: Iterable[T], depth: int = 2) -> Iterator[Iterator[T]]:
    """Iterate ``reader``'s batches (:func:`.batches.query_batches`), read ahead by a worker thread;
    errors surface in the consumer."""
    items: queue.Queue[object] = queue.Queue(maxsize=max(1, depth))
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                items.put(item, timeout=_POLL_SECONDS)
            except queue.Full:
                continue
            return True
        return False

    def work() -> None:
        try:
            for batch in reader:
                if not put(batch):
                    return
        except BaseException as error:  # handed to the consumer and raised there
            put(error)
            return
        put(_DONE)

    def batches() -> Iterator[T]:
        while (item := items.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield cast("T", item)

    worker = threading.Thread(target=work, name="tradeoff-score-prefetch", daemon=True)
    worker.start()
    try:
        yield batches()
    finally:
        stop.set()
        worker.join()
