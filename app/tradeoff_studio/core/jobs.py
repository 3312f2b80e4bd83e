"""Progress reporting and cooperative cancellation for long jobs (house rule 3).

A job receives a ``progress`` callback ``(fraction, message)`` and a :class:`CancelToken`.
It calls ``token.raise_if_cancelled()`` between chunks; native aborts (DuckDB ``interrupt``,
onnxruntime ``RunOptions.terminate``) are hooked with :meth:`CancelToken.on_cancel`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from .errors import CancelledError

Progress = Callable[[float, str], None]


def no_progress(_fraction: float, _message: str) -> None:
    """A progress callback that ignores every report."""


class CancelToken:
    """Thread-safe cancellation flag with hooks that fire once when cancelled."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._hooks: list[Callable[[], None]] = []

    @property
    def cancelled(self) -> bool:
        """True once :meth:`cancel` has been called."""
        return self._event.is_set()

    def cancel(self) -> None:
        """Request cancellation and run the registered abort hooks."""
        with self._lock:
            if self._event.is_set():
                return
            self._event.set()
            hooks = list(self._hooks)
        for hook in hooks:
            hook()

    def on_cancel(self, hook: Callable[[], None]) -> Callable[[], None]:
        """Register ``hook`` to run on cancellation; returns a function that unregisters it."""
        with self._lock:
            fire_now = self._event.is_set()
            if not fire_now:
                self._hooks.append(hook)
        if fire_now:
            hook()

        def remove() -> None:
            with self._lock:
                if hook in self._hooks:
                    self._hooks.remove(hook)

        return remove

    def raise_if_cancelled(self) -> None:
        """Raise :class:`CancelledError` if cancellation was requested."""
        if self._event.is_set():
            raise CancelledError()


def scaled(progress: Progress, start: float, end: float) -> Progress:
    """A sub-progress callback mapping its 0..1 onto ``start..end`` of ``progress``."""

    def report(fraction: float, message: str) -> None:
        clamped = min(max(fraction, 0.0), 1.0)
        progress(start + (end - start) * clamped, message)

    return report
