"""Axis arithmetic shared by the figure painters: nice ticks, tick labels, value-to-pixel maps."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass


def finite(values: Iterable[float]) -> list[float]:
    """The finite values among ``values`` (NaN and infinities are not drawn)."""
    return [float(v) for v in values if isinstance(v, (int, float)) and math.isfinite(v)]


def nice_step(span: float, target: int = 5) -> float:
    """A step of 1, 2, 2.5 or 5 × 10^k giving about ``target`` intervals over ``span``."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / max(target, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        if raw <= factor * power * (1 + 1e-9):
            return factor * power
    return 10.0 * power


@dataclass(frozen=True)
class Axis:
    """A value range extended to whole ticks: ``lo``..``hi`` with ``ticks`` at ``step`` apart."""

    lo: float
    hi: float
    step: float

    @property
    def ticks(self) -> list[float]:
        """The tick values from ``lo`` to ``hi`` inclusive."""
        count = round((self.hi - self.lo) / self.step)
        return [self.lo + i * self.step for i in range(count + 1)]

    def fraction(self, value: float) -> float:
        """Where ``value`` sits between ``lo`` (0) and ``hi`` (1)."""
        return (value - self.lo) / (self.hi - self.lo)

    def label(self, value: float) -> str:
        """A tick label with as many decimals as the step needs (no '0.30000000000000004')."""
        if abs(value) < self.step * 1e-6:
            value = 0.0
        magnitude = max(abs(self.lo), abs(self.hi))
        if magnitude >= 1e6 or (magnitude < 1e-3 and magnitude > 0):
            return f"{value:.2g}"
        decimals = max(0, -math.floor(math.log10(self.step) + 1e-9))
        if self.step * 10**decimals % 1 > 1e-6:  # 2.5-type steps need one more decimal
            decimals += 1
        return f"{value:.{decimals}f}"


def nice_axis(values: Iterable[float], target: int = 5, *, include_zero: bool = False) -> Axis:
    """An axis covering ``values`` (and zero if asked), padded and extended to nice ticks."""
    data = finite(values)
    if include_zero:
        data.append(0.0)
    if not data:
        return Axis(0.0, 1.0, 0.2)
    lo, hi = min(data), max(data)
    if hi - lo < 1e-12 * max(1.0, abs(hi)):
        pad = abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    elif not include_zero:
        pad = (hi - lo) * 0.04
        lo, hi = lo - pad, hi + pad
    step = nice_step(hi - lo, target)
    return Axis(math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step, step)


def short_number(value: float) -> str:
    """A value with three significant figures for labels beside bars and points."""
    if not math.isfinite(value):
        return "n/a"
    if value == 0:
        return "0"
    if 1e-3 <= abs(value) < 1e6:
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return f"{value:.2e}"
