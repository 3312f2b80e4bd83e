"""The Ray driver in a child process (issue #21): the caller's process stays responsive.

:func:`run_in_child` runs a reduction (:func:`.fairness_counts.count_fairness`, :func:`.pairs.
collect_pairs`) with a :class:`.ray_engine.RayEngine` in a spawned process. Progress comes back
through a pipe; a cancel sends the child SIGINT (Ray's driver stops at once and the child shuts its
private Ray down and removes its temporary folder) and raises :class:`~..errors.CancelledError`.
When this process already holds a Ray session (a notebook, the tests), the child joins it instead of
starting its own.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from typing import Any

from ..errors import CancelledError, StudioError
from ..jobs import CancelToken, Progress
from .base import EngineError, FairnessRequest
from .dataset import Dataset
from .fairness_counts import FairnessCounts

POLL_S = 0.1
STOP_WAIT_S = 30.0


def _child(
    conn: Any, options: dict[str, Any], work: Callable[..., Any], args: tuple[Any, ...], job: dict[str, Any]
) -> None:
    from .ray_engine import RayEngine

    signal.signal(signal.SIGINT, _interrupt_once)  # the terminal's Ctrl-C and the parent's: one counts
    try:
        engine = RayEngine(**options)
        found = work(engine, *args, progress=lambda f, m: conn.send(("progress", f, m)), **job)
        conn.send(("done", found))
    except KeyboardInterrupt:
        conn.send(("cancelled",))
    except StudioError as error:
        conn.send(("error", error))
    except Exception as error:  # anything else, reported as an engine error in the parent
        conn.send(("error", EngineError(f"The Ray driver failed: {type(error).__name__}: {error}")))
    finally:
        conn.close()


def _interrupt_once(_signum: int, _frame: Any) -> None:
    """The first SIGINT stops the driver; later ones are ignored so Ray's shutdown and cleanup finish."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def count_in_child(
    options: dict[str, Any], dataset: Dataset, request: FairnessRequest, job: dict[str, Any], *,
    progress: Progress, cancel: CancelToken,
) -> FairnessCounts:  # fmt: skip
    """``count_fairness(RayEngine(**options), dataset, request, **job)`` in a spawned child process."""
    from .fairness_counts import count_fairness

    return run_in_child(options, count_fairness, (dataset, request), job, progress=progress, cancel=cancel)


def run_in_child(
    options: dict[str, Any], work: Callable[..., Any], args: tuple[Any, ...], job: dict[str, Any], *,
    progress: Progress, cancel: CancelToken,
) -> Any:  # fmt: skip
    """``work(RayEngine(**options), *args, progress=…, **job)`` in a spawned child process (``work`` a
    module-level function, so the child imports it by name); its result, error or cancel come back."""
    import multiprocessing

    options = dict(options)
    if options.get("address") is None:
        options["address"] = _running_address()
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, options, work, args, job), daemon=True)
    child.start()
    send.close()
    try:
        return _wait(child, receive, progress, cancel)
    finally:
        child.join(STOP_WAIT_S)
        if child.is_alive():
            child.terminate()
            child.join(STOP_WAIT_S)


def _wait(child: Any, receive: Any, progress: Progress, cancel: CancelToken) -> Any:
    interrupted = False
    while True:
        if cancel.cancelled and not interrupted and child.pid is not None:
            os.kill(child.pid, signal.SIGINT)
            interrupted = True
        if not receive.poll(POLL_S):
            if not child.is_alive() and not receive.poll(0):
                raise (
                    CancelledError()
                    if interrupted
                    else EngineError("The Ray driver process stopped unexpectedly.")
                )
            continue
        try:
            message = receive.recv()
        except EOFError:
            raise (
                CancelledError()
                if interrupted
                else EngineError("The Ray driver process stopped unexpectedly.")
            ) from None
        kind = message[0]
        if kind == "progress" and not interrupted:
            progress(message[1], message[2])
        elif kind == "done":
            cancel.raise_if_cancelled()
            return message[1]
        elif kind == "cancelled" or interrupted:
            raise CancelledError()
        elif kind == "error":
            raise message[1]


def _running_address() -> str | None:
    """The address of the Ray session this process holds, if any (without importing Ray otherwise)."""
    import sys

    ray = sys.modules.get("ray")
    if ray is None or not ray.is_initialized():
        return None
    return str(ray.get_runtime_context().gcs_address)
