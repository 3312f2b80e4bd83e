"""Bounded numeric options: ``type=bounded_int(lo, hi)`` checks a value before any work starts.

An option past its range is refused by argparse (exit 2) with a message that gives the allowed
range, e.g. ``argument --points: 100000000 is out of range; use a whole number from 2 to 10,000``.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from ..core.analyses.kinds import (  # the analysis kinds' limits, shared with their setup forms
    MAX_RESAMPLES,
    MAX_THRESHOLDS,
)

MAX_CLASS_INDEX = 100_000


def _number_text(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type`` for a whole number from ``low`` to ``high`` (both included)."""

    def parse(text: str) -> int:
        allowed = f"use a whole number from {_number_text(low)} to {_number_text(high)}"
        try:
            value = int(text.strip().replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number; {allowed}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text} is out of range; {allowed}")
        return value

    parse.__name__ = "whole number"  # argparse names the type in its fallback message
    return parse


def bounded_float(
    low: float, high: float, *, low_open: bool = False, high_open: bool = False
) -> Callable[[str], float]:
    """An argparse ``type`` for a finite number in ``[low, high]`` (either end open if asked)."""
    left, right = "(" if low_open else "[", ")" if high_open else "]"
    allowed = f"use a number in {left}{_number_text(low)}, {_number_text(high)}{right}"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number; {allowed}") from None
        inside = (low < value if low_open else low <= value) and (
            value < high if high_open else value <= high
        )
        if not math.isfinite(value) or not inside:
            raise argparse.ArgumentTypeError(f"{text} is out of range; {allowed}")
        return value

    parse.__name__ = "number"
    return parse


def non_negative_float(high: float = 1e15) -> Callable[[str], float]:
    """An argparse ``type`` for a finite number from 0 to ``high`` (costs, budgets)."""
    return bounded_float(0.0, high)


CONFIDENCE_LEVEL = bounded_float(0.5, 1.0, high_open=True)
"""A confidence level as a fraction, e.g. 0.95."""
CI_LEVEL = bounded_float(0.0, 1.0, low_open=True, high_open=True)
"""The confidence of given intervals, e.g. 0.95 (any level strictly between 0 and 1)."""
RESAMPLES = bounded_int(10, MAX_RESAMPLES)
"""Bootstrap resamples: at least 10 (the analyses refuse fewer), at most 100,000."""
COST = non_negative_float()
"""A cost per item or a budget: a finite number ≥ 0."""
QUALITY = bounded_float(-1e15, 1e15)
"""A target quality: any finite number."""
STEPS = bounded_int(2, MAX_THRESHOLDS)
"""Cascade quantile steps."""
