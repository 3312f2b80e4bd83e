"""The exact long-only mean–variance efficient frontier: Markowitz's critical line algorithm.

For ``λ`` from ∞ down to 0 the solution of ``max λ·μ'w − ½·w'Σw`` subject to ``1'w = 1`` and
``lower ≤ w ≤ upper`` moves along straight lines in weight space; it bends only at *turning
points*, where an asset reaches a bound or leaves one. Between two turning points both the
weights and the expected return are linear in ``λ``, so the weights are linear in the target
return: every frontier point is an exact interpolation of two turning points. The path starts at
the highest-return portfolio (λ = ∞) and ends at the minimum-variance portfolio (λ = 0).

On a segment with free set F and bounded set B (weights fixed at a bound), with ``S = Σ_FF``,
``a = S⁻¹1``, ``b = S⁻¹μ_F`` and ``c = S⁻¹Σ_FB·w_B``, the KKT conditions give
``w_F(λ) = λ·d + e`` with ``d = b − (1'b/1'a)·a`` and ``e = −c + ((1'c + 1 − 1'w_B)/1'a)·a``, and
the budget multiplier ``γ(λ) = λ·g₁ + g₀``. A free asset leaves at the λ where it meets a bound; a
bounded asset joins where its multiplier ``λμ_j − (Σw)_j − γ`` changes sign. Each step takes
one solve with ``S`` (O(|F|³)) and one product with the covariance (O(n·|F|)).

numpy only (no pandas, no solver): this runs in the analysis hot path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..candidates import AnalysisError
from .free_set import FreeSet

_REL = 1e-11  # relative tolerance for "at the same λ" and for signs that are numerically zero


@dataclass(frozen=True)
class CriticalLine:
    """The efficient segment as turning points, from the maximum-return to the minimum-variance portfolio."""

    lambdas: np.ndarray  # (K,) decreasing; the first is inf, the last 0
    weights: np.ndarray  # (K, n)
    returns: np.ndarray  # (K,) mean @ weights, decreasing
    variances: np.ndarray  # (K,)

    @property
    def max_return(self) -> float:
        """The highest expected return any feasible portfolio reaches."""
        return float(self.returns[0])

    @property
    def min_variance_return(self) -> float:
        """The expected return of the minimum-variance portfolio (the frontier's lower end)."""
        return float(self.returns[-1])

    @property
    def min_volatility(self) -> float:
        """The volatility of the minimum-variance portfolio."""
        return float(np.sqrt(self.variances[-1]))

    def weights_at_returns(self, targets: np.ndarray) -> np.ndarray:
        """Efficient weights for each target return in [min-variance return, max return], shape (t, n)."""
        targets = np.asarray(targets, dtype=np.float64)
        low, high = self.min_variance_return, self.max_return
        span = max(abs(high), abs(low), 1.0) * 1e-12
        if np.any(targets > high + span) or np.any(targets < low - span):
            raise AnalysisError(
                f"Target returns must lie between {low:.6g} and {high:.6g} (efficient range)."
            )
        if len(self.returns) == 1:  # the bounds leave one portfolio
            return np.tile(self.weights[0], (len(targets), 1))
        clipped = np.clip(targets, low, high)
        # returns decrease along the path: segment k joins turning points k and k + 1
        ascending = self.returns[::-1]
        upper_index = np.searchsorted(ascending, clipped, side="left").clip(1, len(ascending) - 1)
        k_hi = len(ascending) - 1 - upper_index  # higher-return end of the segment
        k_lo = k_hi + 1
        r_hi, r_lo = self.returns[k_hi], self.returns[k_lo]
        width = r_hi - r_lo
        share = np.divide(clipped - r_lo, width, out=np.zeros_like(clipped), where=width > 0)
        share = share[:, None]
        return self.weights[k_lo] + share * (self.weights[k_hi] - self.weights[k_lo])

    def return_at_volatility(self, cov: np.ndarray, volatility: float) -> float:
        """The highest efficient return whose volatility is at most ``volatility`` (≥ the minimum)."""
        if volatility * volatility <= self.variances[-1]:
            return self.min_variance_return
        if volatility * volatility >= self.variances[0]:
            return self.max_return
        k = int(np.flatnonzero(self.variances >= volatility * volatility)[-1])  # segment k → k + 1
        start, step = self.weights[k + 1], self.weights[k] - self.weights[k + 1]
        # variance(t) = A t² + 2 B t + C along start + t·step, t in [0, 1]; solve = volatility²
        a, b = step @ cov @ step, start @ cov @ step
        c = start @ cov @ start - volatility * volatility
        t = (-b + np.sqrt(max(b * b - a * c, 0.0))) / a if a > 0 else 0.0
        return float(self.returns[k + 1] + t * (self.returns[k] - self.returns[k + 1]))


@dataclass(frozen=True)
class Frontier:
    """Efficient portfolios at evenly spaced target returns, from minimum variance to maximum return."""

    weights: np.ndarray  # (points, n)
    returns: np.ndarray  # (points,)
    volatilities: np.ndarray  # (points,)
    line: CriticalLine


def efficient_frontier(
    mean: np.ndarray,
    cov: np.ndarray,
    *,
    points: int = 100,
    lower: float | np.ndarray = 0.0,
    upper: float | np.ndarray = 1.0,
) -> Frontier:
    """``points`` efficient portfolios, evenly spaced in return, computed exactly (critical line).

    When the frontier is a single portfolio (one asset, bounds that fix the weights, equal
    means) it is returned once. Raises :class:`AnalysisError` when the bounds admit no fully
    invested portfolio or the covariance is not positive definite on the assets the frontier needs.
    """
    if points < 2:
        raise AnalysisError(f"A frontier needs at least 2 points; got {points}.")
    line = critical_line(mean, cov, lower=lower, upper=upper)
    if len(line.returns) == 1:
        points = 1
    targets = np.linspace(line.min_variance_return, line.max_return, points)
    weights = line.weights_at_returns(targets)
    variances = ((weights @ cov) * weights).sum(axis=1)
    return Frontier(weights, weights @ mean, np.sqrt(np.maximum(variances, 0.0)), line)


def critical_line(
    mean: np.ndarray, cov: np.ndarray, *, lower: float | np.ndarray = 0.0, upper: float | np.ndarray = 1.0
) -> CriticalLine:
    """All turning points of the efficient frontier under ``lower ≤ w ≤ upper`` and ``sum(w) = 1``."""
    mean = np.asarray(mean, dtype=np.float64)
    cov = np.asarray(cov, dtype=np.float64)
    lo, hi = check_bounds(lower, upper, len(mean))
    _check_inputs(mean, cov)
    weights, free = _max_return_start(mean, lo, hi)
    path = _Path(mean, cov, lo, hi)
    free_set = FreeSet(cov, int(np.flatnonzero(free)[0]))
    path.settle_ties(weights, free, free_set)
    lambdas, stops = [np.inf], [weights.copy()]
    lam, last = np.inf, -1
    for _ in range(20 * len(mean) + 100):
        segment = path.segment(weights, free, free_set)
        lam_next, asset, joins = path.next_event(segment, weights, free, lam, last)
        if lam_next <= 0.0:
            weights[segment.free_index] = segment.e
            lambdas.append(0.0)
            stops.append(weights.copy())
            return _line(lambdas, stops, mean, cov)
        if np.isfinite(lam_next):
            weights[segment.free_index] = lam_next * segment.d + segment.e
        if not joins:
            weights[asset] = lo[asset] if segment.leaves_low(asset) else hi[asset]
        free[asset] = joins
        free_set.add(asset) if joins else free_set.remove(asset)
        if lam_next < lam:
            lambdas.append(lam_next)
            stops.append(weights.copy())
        lam, last = lam_next, asset
    raise AnalysisError("The critical line algorithm did not converge (degenerate inputs); report this case.")


def check_bounds(
    lower: float | np.ndarray, upper: float | np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per-asset bounds as arrays; an :class:`AnalysisError` saying why when no portfolio fits them."""
    lo = np.broadcast_to(np.asarray(lower, dtype=np.float64), (n,)).copy()
    hi = np.broadcast_to(np.asarray(upper, dtype=np.float64), (n,)).copy()
    if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))):
        raise AnalysisError("Weight bounds must be finite numbers.")
    crossed = np.flatnonzero(lo > hi)
    if crossed.size:
        raise AnalysisError(
            f"Asset number {crossed[0] + 1} has a lower weight bound {lo[crossed[0]]:g} above its upper "
            f"bound {hi[crossed[0]]:g}."
        )
    if lo.sum() > 1.0 + 1e-12:
        raise AnalysisError(
            f"The lower weight bounds add up to {lo.sum():.4g} > 1: no fully invested portfolio fits them. "
            "Lower some lower bounds."
        )
    if hi.sum() < 1.0 - 1e-12:
        raise AnalysisError(
            f"The upper weight bounds add up to {hi.sum():.4g} < 1: no fully invested portfolio fits them. "
            "Raise some upper bounds (with n assets, each upper bound must be at least 1/n on average)."
        )
    return lo, hi


def _check_inputs(mean: np.ndarray, cov: np.ndarray) -> None:
    n = len(mean)
    if n == 0:
        raise AnalysisError("There are no assets.")
    if cov.shape != (n, n):
        raise AnalysisError(f"The covariance matrix is {cov.shape}, expected ({n}, {n}).")
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(cov))):
        raise AnalysisError("The expected returns or the covariance contain NaN or infinite values.")


def _max_return_start(mean: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The highest-return portfolio: all at lower bounds, then fill the best assets up to their upper bound.

    The asset filled last is the one free asset (it stays free even when it ends exactly at a bound);
    an asset pinned by ``lo == hi`` is free only when every asset is.
    """
    weights = lo.copy()
    free = np.zeros(len(mean), dtype=bool)
    room = 1.0 - lo.sum()
    order = np.argsort(-mean, kind="stable")
    movable = order[hi[order] > lo[order]]
    asset = order[0]
    for asset in movable if len(movable) else order:
        step = min(hi[asset] - lo[asset], room)
        weights[asset] += step
        room -= step
        if room <= 0.0:
            break
    free[asset] = True
    return weights, free


@dataclass(frozen=True)
class _Segment:
    """One straight piece of the path: free weights λ·d + e, bounded multipliers λ·p + q."""

    d: np.ndarray
    e: np.ndarray
    p: np.ndarray  # over all assets (meaningful on bounded ones)
    q: np.ndarray
    free_index: np.ndarray

    def leaves_low(self, asset: int) -> bool:
        """Whether free ``asset`` is moving down (so it stops at its lower bound) as λ falls."""
        return bool(self.d[np.flatnonzero(self.free_index == asset)[0]] > 0)


class _Path:
    """The pieces of the critical line: solving a segment and finding where it ends."""

    def __init__(self, mean: np.ndarray, cov: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        self.mean, self.cov, self.lo, self.hi = mean, cov, lo, hi
        self.pinned = hi <= lo  # lo == hi: the asset never joins the free set
        self.mean_scale = max(float(np.abs(mean).max()), 1e-300)
        self.cov_scale = max(float(np.abs(np.diag(cov)).max()), 1e-300)

    def segment(self, weights: np.ndarray, free: np.ndarray, free_set: FreeSet) -> _Segment:
        """Solve the KKT system on the free set for the line the weights follow."""
        index = np.array(free_set.index)
        bounded = weights * ~free
        held = np.flatnonzero(bounded)
        cov_f = self.cov[index]
        bounded_pull = cov_f[:, held] @ bounded[held]
        a, b, c = (
            free_set.inverse @ np.column_stack([np.ones(len(index)), self.mean[index], bounded_pull])
        ).T
        g1 = b.sum() / a.sum()
        g0 = (-c.sum() - 1.0 + bounded.sum()) / a.sum()
        d = b - g1 * a
        e = -c + (c.sum() + 1.0 - bounded.sum()) / a.sum() * a
        cov_d, cov_e = cov_f.T @ d, cov_f.T @ e
        p = self.mean - cov_d - g1
        q = -cov_e - self.cov[:, held] @ bounded[held] - g0
        return _Segment(d, e, p, q, index)

    def next_event(
        self, segment: _Segment, weights: np.ndarray, free: np.ndarray, lam: float, last: int
    ) -> tuple[float, int, bool]:
        """The largest λ below ``lam`` where an asset changes status: (λ, asset, joins the free set)."""
        leave_lam, leave_asset = self._leaving(segment, weights, lam, last)
        join_lam, join_asset = self._joining(segment, weights, free, lam, last)
        if join_lam > leave_lam:
            return join_lam, join_asset, True
        return leave_lam, leave_asset, False

    def _leaving(self, segment: _Segment, weights: np.ndarray, lam: float, last: int) -> tuple[float, int]:
        """A free asset reaching its lower bound (d > 0) or its upper bound (d < 0).

        The asset that just joined may not go straight back to the bound it came from, but it may
        cross a narrow range to its other bound at once.
        """
        index, d, e = segment.free_index, segment.d, segment.e
        moving = np.abs(d) > _REL * self.mean_scale / self.cov_scale
        target = np.where(d > 0, self.lo[index], self.hi[index])
        with np.errstate(divide="ignore", invalid="ignore"):
            when = np.where(moving, (target - e) / np.where(moving, d, 1.0), -np.inf)
        going_back = np.abs(weights[index] - target) <= 0.5 * (self.hi[index] - self.lo[index])
        when = self._below(when, lam, (index == last) & going_back)
        best = int(np.argmax(when)) if len(when) else 0
        return (float(when[best]), int(index[best])) if len(when) else (-np.inf, -1)

    def _joining(
        self, segment: _Segment, weights: np.ndarray, free: np.ndarray, lam: float, last: int
    ) -> tuple[float, int]:
        """A bounded asset whose multiplier changes sign: at its lower bound it wants more weight."""
        p, q = segment.p, segment.q
        at_low = ~free & (weights <= self.lo + 0.5 * (self.hi - self.lo))
        # as λ falls, the multiplier λp + q must rise through 0 (at a lower bound) or fall (upper)
        rising = np.where(at_low, p < 0, p > 0)
        flat = np.abs(p) <= _REL * self.mean_scale
        wrong_now = np.where(at_low, q > _REL * self.cov_scale, q < -_REL * self.cov_scale) & flat
        with np.errstate(divide="ignore", invalid="ignore"):
            when = np.where(rising & ~flat, -q / np.where(flat, 1.0, p), -np.inf)
        when = np.where(wrong_now, lam, when)
        when = np.where(free | self.pinned, -np.inf, self._below(when, lam, np.arange(len(p)) == last))
        best = int(np.argmax(when))
        return float(when[best]), best

    def settle_ties(self, weights: np.ndarray, free: np.ndarray, free_set: FreeSet) -> None:
        """At λ = ∞, the least-variance mix of the assets tied for the top mean (a primal active-set QP).

        Assets whose mean ties the free asset's join it (their multiplier is flat in λ); the weights then
        step towards the free set's least-variance solution ``e`` and stop where a free asset meets a bound.
        """
        for _ in range(10 * len(weights) + 10):
            segment = self.segment(weights, free, free_set)
            index, step = segment.free_index, segment.e - weights[segment.free_index]
            step[np.abs(step) <= 1e-14] = 0.0  # rounding: the weight stays where it is
            with np.errstate(divide="ignore", invalid="ignore"):
                reach = np.where(step < 0, (self.lo[index] - weights[index]) / step, np.inf)
                reach = np.where(step > 0, (self.hi[index] - weights[index]) / step, reach)
            blocking = int(np.argmin(reach))
            if reach[blocking] < 1.0 and len(index) > 1:  # a free asset meets its bound before e: it leaves
                weights[index] += max(reach[blocking], 0.0) * step
                asset = int(index[blocking])
                weights[asset] = self.lo[asset] if step[blocking] < 0 else self.hi[asset]
                free[asset] = False
                free_set.remove(asset)
                continue
            weights[index] = segment.e
            lam, asset = self._joining(self.segment(weights, free, free_set), weights, free, np.inf, -1)
            if lam != np.inf:
                return
            free[asset] = True
            free_set.add(asset)
        raise AnalysisError("The critical line algorithm did not converge (tied means); report this case.")

    @staticmethod
    def _below(when: np.ndarray, lam: float, is_last: np.ndarray) -> np.ndarray:
        """Events at or below ``lam`` (up to rounding); the asset that just moved cannot move back at once."""
        if not np.isfinite(lam):
            return np.where(np.isfinite(when) | (when == lam), when, -np.inf)
        slack = _REL * max(abs(lam), 1.0)
        allowed = (when <= lam + slack) & ~(is_last & (when >= lam - slack * 1e3))
        return np.where(allowed, np.minimum(when, lam), -np.inf)


def _line(lambdas: list[float], stops: list[np.ndarray], mean: np.ndarray, cov: np.ndarray) -> CriticalLine:
    """Turning points without repeats (consecutive equal portfolios are merged)."""
    weights = np.array(stops)
    keep = np.ones(len(weights), dtype=bool)
    keep[1:] = np.abs(np.diff(weights, axis=0)).max(axis=1) > 1e-14
    weights = weights[keep]
    variances = ((weights @ cov) * weights).sum(axis=1)
    return CriticalLine(np.array(lambdas)[keep], weights, weights @ mean, variances)
