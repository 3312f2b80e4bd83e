"""Trade-off rates: how much of one objective a unit of another costs, at a chosen candidate.

For each pair of objectives (``cost`` listed before ``gain`` in the analysis) the candidates are
projected onto the two objectives and their 2-D front is sorted along ``cost``. The local slope
at the chosen candidate is the finite difference between its two neighbours on that front (the
candidate itself is not used, so evenly spaced points give the exact derivative of a smooth
front); at an end of the front, or for a candidate off the 2-D front, the two front points that
bracket it (or the two nearest) are used instead. On a dense front whose neighbours differ by
less than the width of the candidate's interval on ``gain``, the stencil widens one point on
each side at a time until they differ by that much, so that estimation noise does not dominate
the slope. The rate is ``|Δcost / Δgain|``: improving
``gain`` by one unit costs that many units of ``cost``. Metrics whose values all lie in [0, 1]
are reported in percentage points.

At a risk–return frontier point the rate is the frontier's exact slope and its interval the one
the analysis stored from frontiers refitted on bootstrap resamples (``exact_slopes_ci``).
Elsewhere its confidence interval, when both objectives have intervals, is the delta method on the
ratio, each value's standard deviation read from its interval (:mod:`.intervals`, the side
facing the other point), the four values taken as independent — candidates estimated on the
same data are positively correlated, so this errs on the wide side. The interval is taken on the
log scale, so it is asymmetric and never reaches 0.

The text reads from the side of what is given up: "giving up 1 pp of accuracy lowers the DP
difference by 2.3 pp (95% CI 1.1–3.4)", i.e. ``|Δgain / Δcost|`` (``per_cost``), with its own
log-scale delta-method interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..analyses.candidates import CandidateTable, Objective
from ..pareto import non_dominated
from .frontier import candidate_ids, fill_undefined, is_proportion, row_of
from .intervals import ci_level, has_interval, spreads, two_sided_z


@dataclass(frozen=True)
class TradeoffRate:
    """Units of ``cost`` given up per unit gained in ``gain``, near one candidate."""

    gain: str
    cost: str
    rate: float | None
    lo: float | None
    hi: float | None
    neighbours: tuple[str, str] | None
    text: str
    per_cost: float | None = None
    per_cost_lo: float | None = None
    per_cost_hi: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        neighbours = list(self.neighbours) if self.neighbours else None
        return {"gain": self.gain, "cost": self.cost, "rate": self.rate, "lo": self.lo, "hi": self.hi,
                "per_cost": self.per_cost, "per_cost_lo": self.per_cost_lo, "per_cost_hi": self.per_cost_hi,
                "neighbours": neighbours, "text": self.text}  # fmt: skip


def tradeoff_rates(table: CandidateTable, candidate_id: str) -> list[TradeoffRate]:
    """The trade-off rate between every pair of objectives at ``candidate_id`` (module docstring)."""
    row = row_of(table, candidate_id)
    objectives = table.objectives
    return [
        _pair(table, row, objectives[i], objectives[j])
        for i in range(len(objectives))
        for j in range(i + 1, len(objectives))
    ]


def _pair(table: CandidateTable, row: int, cost: Objective, gain: Objective) -> TradeoffRate:
    frame = table.frame
    values = frame[[cost.metric, gain.metric]].to_numpy(dtype=np.float64)
    spread = (
        float(frame[f"{gain.metric}_hi"].iloc[row] - frame[f"{gain.metric}_lo"].iloc[row])
        if has_interval(table, gain.metric)
        else 0.0
    )
    ends = _bracket(values, [cost.direction, gain.direction], row, spread)
    if ends is None:
        text = (
            f"no trade-off between {cost.metric} and {gain.metric} here: one candidate is best in both, "
            "so nothing is given up."
        )
        return TradeoffRate(gain.metric, cost.metric, None, None, None, None, text)
    left, right = ends
    d_cost, d_gain = values[right] - values[left]
    rate = abs(d_cost / d_gain)
    interval = _interval(table, (cost.metric, gain.metric), (left, right), rate, d_gain)
    ids = candidate_ids(table)
    if d_cost == 0:
        text = f"no trade-off between {cost.metric} and {gain.metric} here: {gain.metric} improves for free."
        return TradeoffRate(gain.metric, cost.metric, rate, *interval, (ids[left], ids[right]), text)
    per_cost = abs(d_gain / d_cost)
    inverse = _interval(table, (gain.metric, cost.metric), (left, right), per_cost, d_cost)
    exact = _exact_slope(table, ids[row], cost.metric, gain.metric)
    band = None if exact is None else _exact_band(table, ids[row], cost.metric)
    if band is not None:  # a risk–return frontier point: its exact slope, the resampled frontiers' CI
        inverse, interval = band, (_inverse(band[1]), _inverse(band[0]))
    elif exact is not None:  # an analysis stored before those intervals: the neighbours' one, moved
        interval, inverse = _moved(interval, rate, 1.0 / exact), _moved(inverse, per_cost, exact)
    if exact is not None:
        rate, per_cost = 1.0 / exact, exact
    inverse = (None if inverse[0] is None else max(0.0, inverse[0]), inverse[1])
    source = ", CI from resampled frontiers" if band else ""
    text = _describe(table, cost, gain, per_cost, inverse) + (
        f" (the frontier's exact slope{source})" if exact else ""
    )
    return TradeoffRate(
        gain.metric, cost.metric, rate, *interval, (ids[left], ids[right]), text, per_cost, *inverse
    )


def _exact_slope(table: CandidateTable, candidate: str, cost: str, gain: str) -> float | None:
    """|Δgain/Δcost| from an analysis's exact slopes (risk–return: dσ/dr at a frontier point), or None."""
    slope = (table.notes.get("exact_slopes") or {}).get(candidate)
    if not slope or {cost, gain} != {"return", "volatility"}:
        return None
    return float(slope) if cost == "return" else 1.0 / float(slope)


def _exact_band(table: CandidateTable, candidate: str, cost: str) -> tuple[float, float] | None:
    """The interval of |Δgain/Δcost| from the exact slope's resampled-frontier interval, or None."""
    band = (table.notes.get("exact_slopes_ci") or {}).get(candidate)
    if not band:
        return None
    lo, hi = float(band[0]), float(band[1])
    if cost == "return":
        return lo, hi
    low, high = _inverse(hi), _inverse(lo)
    return None if low is None or high is None else (low, high)


def _inverse(value: float) -> float | None:
    """1/value for a positive value (None at 0: the rate is unbounded there)."""
    return 1.0 / value if value > 0.0 else None


def _moved(
    interval: tuple[float | None, float | None], old: float, new: float
) -> tuple[float | None, float | None]:
    """The interval shifted from ``old`` to ``new`` (its widths kept), the lower end never below 0."""
    lo, hi = interval
    if lo is None or hi is None:
        return lo, hi
    return max(0.0, new - (old - lo)), new + (hi - old)


def _bracket(
    values: NDArray[np.float64], directions: list[str], row: int, spread: float
) -> tuple[int, int] | None:
    """The two rows whose difference gives the slope at ``row`` along the 2-D front."""
    good = fill_undefined(values * np.array([1.0 if d == "max" else -1.0 for d in directions]))
    rows = np.flatnonzero(non_dominated(good, "max"))
    _, first = np.unique(good[rows], axis=0, return_index=True)
    rows = rows[np.sort(first)]
    rows = rows[np.argsort(good[rows, 0], kind="stable")]
    if rows.size < 2:
        return None
    position = np.flatnonzero(rows == row)
    if position.size:
        k = int(position[0])
        left, right = max(k - 1, 0), min(k + 1, rows.size - 1)
    else:
        right = min(max(int(np.searchsorted(good[rows, 0], good[row, 0], side="right")), 1), rows.size - 1)
        left = right - 1
    left, right = _widen(good[rows, 1], left, right, spread)
    return int(rows[left]), int(rows[right])


def _widen(gain: NDArray[np.float64], left: int, right: int, spread: float) -> tuple[int, int]:
    """Step outwards along the front until the ends differ in ``gain`` by at least ``spread``."""
    last = gain.size - 1
    while abs(gain[right] - gain[left]) < spread and (left > 0 or right < last):
        left, right = max(left - 1, 0), min(right + 1, last)
    return left, right


def _interval(
    table: CandidateTable, metrics: tuple[str, str], ends: tuple[int, int], rate: float, d_gain: float
) -> tuple[float | None, float | None]:
    """Delta-method interval of ``|Δcost/Δgain|`` at the table's confidence level, on the log scale.

    A rate is a positive ratio: the symmetric interval ``rate ± z·se`` crossed 0 on noisy fronts
    (and was clipped to "0–12.2"); ``log(rate) ± z·se/rate`` stays positive and is the usual
    delta-method interval for a ratio.
    """
    if not all(has_interval(table, metric) for metric in metrics):
        return None, None
    left, right = ends
    variances = []
    for metric in metrics:
        below, above = spreads(table, metric)
        value = table.frame[metric].to_numpy(dtype=np.float64)
        rising = value[right] >= value[left]
        sd_left, sd_right = (above[left], below[right]) if rising else (below[left], above[right])
        variances.append(sd_left**2 + sd_right**2)
    se = math.sqrt(variances[0] + rate**2 * variances[1]) / abs(d_gain)
    z = two_sided_z(ci_level(table))
    if rate == 0.0:
        return 0.0, z * se
    spread = math.exp(z * se / rate)
    return rate / spread, rate * spread


UNDETERMINED_SPAN = 100.0
"""An interval whose ends differ by more than this factor says only that the rate is unknown."""

NAMES = {
    "dp_difference": "the DP difference",
    "dp_ratio": "the adverse-impact ratio (dp_ratio)",
    "eopp_difference": "the equal-opportunity difference",
    "eodds_difference": "the equalized-odds difference",
    "pp_difference": "the predictive-parity difference",
    "expected_cost": "the expected cost",
    "balanced_accuracy": "balanced accuracy",
}


def metric_name(metric: str) -> str:
    """A metric's name in a sentence ("the DP difference"), its column name when it has none."""
    return NAMES.get(metric, metric)


def _describe(
    table: CandidateTable,
    cost: Objective,
    gain: Objective,
    per_cost: float,
    interval: tuple[float | None, float | None],
) -> str:
    """E.g. "giving up 1 pp of accuracy lowers the DP difference by 2.3 pp (95% CI 1.1–3.4)"."""
    cost_pp, gain_pp = is_proportion(table, cost.metric), is_proportion(table, gain.metric)
    scale = (100.0 if gain_pp else 1.0) / (100.0 if cost_pp else 1.0)
    unit_cost, unit_gain = ("pp" if cost_pp else "unit"), (" pp" if gain_pp else "")
    given = (
        f"giving up 1 {unit_cost} of {metric_name(cost.metric)}"
        if cost.direction == "max"
        else f"accepting 1 {unit_cost} more of {metric_name(cost.metric)}"
    )
    verb = "raises" if gain.direction == "max" else "lowers"
    text = f"{given} {verb} {metric_name(gain.metric)} by {per_cost * scale:.3g}{unit_gain}"
    lo, hi = interval
    if lo is None or hi is None:
        return text
    if lo <= 0 or hi > UNDETERMINED_SPAN * lo:
        return f"{text} ({ci_level(table):.0%} CI undetermined: the neighbouring candidates' CIs overlap)"
    return f"{text} ({ci_level(table):.0%} CI {lo * scale:.3g}–{hi * scale:.3g})"
