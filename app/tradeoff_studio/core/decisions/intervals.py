"""Confidence intervals as the decisions layer reads them: bounds at any confidence, spreads.

An analysis stores two-sided intervals ``<metric>_lo``/``<metric>_hi`` at one level (the
table's typed ``extras.ci_level``, 0.95 unless the analysis says). Each side is read as a normal
half-interval around the point estimate, so intervals may be asymmetric: the spread below the estimate is
``(value - lo) / z`` and above it ``(hi - value) / z``, with ``z`` the two-sided normal quantile
of the level. A bound at another confidence ``c`` is ``value ∓ z(c) · spread``; at the stored
level it is exactly the stored bound. Where an interval does not contain its estimate (a
percentile bootstrap may do this) the spread on that side is 0.
"""

from __future__ import annotations

from statistics import NormalDist
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from ..analyses.candidates import CandidateTable

DEFAULT_LEVEL = 0.95
_NORMAL = NormalDist()


def ci_level(table: CandidateTable) -> float:
    """The two-sided level of the table's intervals (its typed ``extras.ci_level``; 0.95 by default)."""
    return float(table.extras.ci_level)


def has_interval(table: CandidateTable, metric: str) -> bool:
    """Whether ``metric`` has ``_lo``/``_hi`` columns with values; a candidate whose metric is
    undefined (NaN, e.g. ``dp_ratio`` of a rule selecting nobody in a group) may lack its own, and
    so may one whose interval is marked unreliable (a ``<metric>_ci_reliable`` column false, e.g.
    OPE's SharpeRatio@k): its bound is NaN, so a constraint at a confidence is not met there."""
    lo, hi = f"{metric}_lo", f"{metric}_hi"
    frame = table.frame
    if lo not in frame or hi not in frame:
        return False
    needed = frame[metric].notna()
    reliable = f"{metric}_ci_reliable"
    if reliable in frame:  # the analysis computed intervals; some may be withheld as unreliable
        needed &= frame[reliable].fillna(False).astype(bool)
        return bool(frame[lo][needed].notna().all())
    return bool(frame[lo][needed].notna().all()) and bool(frame[lo].notna().any())


def two_sided_z(level: float) -> float:
    """The normal quantile ``z`` with ``P(|Z| <= z) = level``."""
    return _NORMAL.inv_cdf(0.5 + level / 2.0)


def normal_cdf(x: float) -> float:
    """``P(Z <= x)`` for a standard normal ``Z``."""
    return _NORMAL.cdf(x)


def spreads(table: CandidateTable, metric: str) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Standard deviations below and above each candidate's value of ``metric`` (see module doc)."""
    frame = table.frame
    value = frame[metric].to_numpy(dtype=np.float64)
    z = two_sided_z(ci_level(table))
    below = np.maximum(value - frame[f"{metric}_lo"].to_numpy(dtype=np.float64), 0.0) / z
    above = np.maximum(frame[f"{metric}_hi"].to_numpy(dtype=np.float64) - value, 0.0) / z
    return below, above


def bound_at(table: CandidateTable, metric: str, confidence: float, *, lower: bool) -> NDArray[np.float64]:
    """Each candidate's lower (or upper) bound of ``metric`` at two-sided ``confidence``."""
    frame = table.frame
    if np.isclose(confidence, ci_level(table)):
        return frame[f"{metric}_lo" if lower else f"{metric}_hi"].to_numpy(dtype=np.float64)
    value = frame[metric].to_numpy(dtype=np.float64)
    below, above = spreads(table, metric)
    z = two_sided_z(confidence)
    return value - z * below if lower else value + z * above
