"""A start-up check that the installed Qt bindings do not corrupt Python's reference counts.

PySide6 6.12.0 on Python 3.11 releases a reference to ``None`` on every binding call that returns
nothing (CPython issue 93762: stable-ABI extensions that decref ``None``). Painting makes thousands
of such calls, so the window aborts with "none_dealloc" after about a hundred repaints of a plot,
with no message. pyproject pins a good build per Python version; this check catches any environment
that got a bad one anyway, before a window opens.
"""

from __future__ import annotations

import gc
import platform
import sys

PROBE_CALLS = 300


def none_refcount_drift(calls: int = PROBE_CALLS) -> int:
    """How far ``None``'s reference count moves over ``calls`` void binding calls (0 on a sound build).

    The garbage collector is paused meanwhile, so freeing unrelated objects cannot move the count.
    """
    from PySide6.QtGui import QPen

    pen = QPen()
    collecting = gc.isenabled()
    gc.disable()
    try:
        before = sys.getrefcount(None)
        for _ in range(calls):
            pen.setWidth(2)
        return sys.getrefcount(None) - before
    finally:
        if collecting:
            gc.enable()


def binding_defect(calls: int = PROBE_CALLS) -> str | None:
    """A message saying what is wrong with the Qt bindings and how to fix it, or None if they are sound.

    The defect loses exactly one reference per call; half of that is the threshold, so an unrelated
    thread touching ``None`` meanwhile cannot raise a false alarm.
    """
    drift = none_refcount_drift(calls)
    if drift > -(calls // 2):
        return None
    import PySide6

    python = platform.python_version()
    return (
        f"Tradeoff Studio cannot open its window: PySide6 {PySide6.__version__} on Python {python} "
        f"loses a reference to None on every Qt call that returns nothing (None's count fell by "
        f"{-drift} over {calls} calls), which crashes the app after about a hundred repaints.\n"
        'Fix: pip install "PySide6-Essentials==6.11.3" in this environment (or use Python 3.12 or '
        "later, where the count cannot fall); `make run` sets up the right combination."
    )
