"""Weight of evidence, information value and population stability, with standard errors and a χ² test.

Two distributions over the same bins, ``p`` and ``q`` (shares of weight; DESIGN.md §6):

- WoEᵢ = ln(pᵢ/qᵢ); its delta-method variance is 1/gᵢ + 1/bᵢ − 1/G − 1/B (multinomial).
- IV = Σ(pᵢ − qᵢ)·WoEᵢ, the Jeffreys divergence J(p, q). PSI from ``e`` to ``a`` is
  Σ(aᵢ − eᵢ)·ln(aᵢ/eᵢ) = J(e, a): the same function, so IV = PSI on the same bins.
- Var(IV) ≈ (1/G)[Σpᵢαᵢ² − (Σpᵢαᵢ)²] + (1/B)[Σqᵢβᵢ² − (Σqᵢβᵢ)²] with
  αᵢ = ln(pᵢ/qᵢ) + 1 − qᵢ/pᵢ and βᵢ = ln(qᵢ/pᵢ) + 1 − pᵢ/qᵢ (the full gradient).
  This collapses to 0 where p = q, exactly where a "fair" IV near 0 sits; there use the test:
- under p = q, (G·B/(G + B))·J ≈ χ²(k − 1) for k bins (Rojas et al., arXiv 2309.13183).

Sample sizes G and B are Kish effective sizes (Σw)²/Σw²: row counts when unweighted. When a
bin is empty on either side, every bin of both sides gets half a row (at that side's mean
weight) first (the Haldane correction), and ``corrected`` says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .cells import Float
from .metrics import ratio


@dataclass(frozen=True)
class Sides:
    """Weights, row counts and squared weights per bin for the ``p`` and the ``q`` side."""

    p_weight: Float
    q_weight: Float
    p_count: Float
    q_count: Float
    p_weight_sq: Float
    q_weight_sq: Float


@dataclass(frozen=True)
class Divergence:
    """J(p, q) (an IV or a PSI) with its delta-method SE and χ² test of p = q."""

    value: float
    se: float
    chi2: float
    df: int
    p_value: float
    n_p: float
    n_q: float
    corrected: bool


def shares(weight: Float, other: Float, count: Float, other_count: Float) -> tuple[Float, Float, Float]:
    """Shares of ``weight`` and ``other`` along the last axis, Haldane-corrected where a bin is empty.

    Returns ``(p, q, added)``, ``added`` being 1 where half a row was added to every bin.
    """
    empty = ((weight <= 0) | (other <= 0)).any(axis=-1, keepdims=True)
    mean_p = ratio(weight.sum(axis=-1, keepdims=True), count.sum(axis=-1, keepdims=True))
    mean_q = ratio(other.sum(axis=-1, keepdims=True), other_count.sum(axis=-1, keepdims=True))
    p = weight + 0.5 * mean_p * empty
    q = other + 0.5 * mean_q * empty
    return (
        ratio(p, p.sum(axis=-1, keepdims=True)),
        ratio(q, q.sum(axis=-1, keepdims=True)),
        empty.astype(float),
    )


def jeffreys(p: Float, q: Float) -> Float:
    """Σ(p − q)·ln(p/q) along the last axis (p, q: shares with no zeros)."""
    return ((p - q) * np.log(p / q)).sum(axis=-1)


def effective(weight: Float, weight_sq: Float) -> Float:
    """Kish effective sample size (Σw)²/Σw² (the row count when every weight is 1)."""
    return ratio(np.asarray(weight) ** 2, weight_sq)


def divergence(sides: Sides) -> Divergence:
    """J(p, q) of two weight vectors over the same bins, with SE, χ² statistic and p-value."""
    p, q, added = shares(sides.p_weight, sides.q_weight, sides.p_count, sides.q_count)
    value = float(jeffreys(p, q))
    n_p = float(effective(sides.p_weight.sum(), sides.p_weight_sq.sum()))
    n_q = float(effective(sides.q_weight.sum(), sides.q_weight_sq.sum()))
    alpha = np.log(p / q) + 1 - q / p
    beta = np.log(q / p) + 1 - p / q
    variance = ((p * alpha**2).sum() - (p * alpha).sum() ** 2) / n_p
    variance += ((q * beta**2).sum() - (q * beta).sum() ** 2) / n_q
    df = int(((sides.p_weight + sides.q_weight) > 0).sum()) - 1
    chi2 = n_p * n_q / (n_p + n_q) * value
    return Divergence(
        value, float(np.sqrt(max(variance, 0.0))), chi2, df, chi2_sf(chi2, df), n_p, n_q, bool(added.any())
    )


def woe_columns(sides: Sides) -> dict[str, Float]:
    """Per bin: shares ``p``/``q``, ``woe`` = ln(p/q), its SE and the bin's part of the IV."""
    p, q, added = shares(sides.p_weight, sides.q_weight, sides.p_count, sides.q_count)
    woe = np.log(p / q)
    g = effective(sides.p_weight, sides.p_weight_sq) + 0.5 * added
    b = effective(sides.q_weight, sides.q_weight_sq) + 0.5 * added
    total_g = effective(sides.p_weight.sum(), sides.p_weight_sq.sum()) + 0.5 * added.sum()
    total_b = effective(sides.q_weight.sum(), sides.q_weight_sq.sum()) + 0.5 * added.sum()
    variance = ratio(1.0, g) + ratio(1.0, b) - ratio(1.0, total_g) - ratio(1.0, total_b)
    return {
        "p": p,
        "q": q,
        "woe": woe,
        "woe_se": np.sqrt(np.maximum(variance, 0.0)),
        "iv_part": (p - q) * woe,
    }


def chi2_sf(x: float, df: int) -> float:
    """P(χ²(df) ≥ x): the regularised upper incomplete gamma Q(df/2, x/2) (series / continued fraction)."""
    if df <= 0:
        return float("nan")
    if x <= 0:
        return 1.0
    a, z = df / 2.0, x / 2.0
    log_prefix = a * math.log(z) - z - math.lgamma(a)
    if z < a + 1:
        term = total = 1.0 / a
        for n in range(1, 10_000):
            term *= z / (a + n)
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return max(0.0, 1.0 - total * math.exp(log_prefix))
    tiny = 1e-300
    b, c, d = z + 1 - a, 1 / tiny, 1 / (z + 1 - a)
    fraction = d
    for n in range(1, 10_000):
        an = -n * (n - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        step = d * c
        fraction *= step
        if abs(step - 1) < 1e-15:
            break
    return min(1.0, math.exp(log_prefix) * fraction)
