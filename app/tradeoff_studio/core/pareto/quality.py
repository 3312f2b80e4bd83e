"""Front quality against a reference set: IGD+ and the additive ε indicator (as moocore defines them).

In minimisation terms (maximised objectives negated), for the points ``A`` and a reference set
``R`` (e.g. the best known front), both in the objectives' own units:

- **IGD+** = the mean over ``r`` in ``R`` of ``min over a in A of sqrt(Σ_i max(a_i - r_i, 0)^2)``:
  how far, on average, the reference points are from being weakly dominated by ``A`` (0 when
  ``A`` weakly dominates all of ``R``). Weakly Pareto-compliant (Ishibuchi et al., 2015).
- **additive ε** = ``max over r of min over a of max_i (a_i - r_i)``: the smallest amount to
  subtract from every objective of ``A`` so that it weakly dominates ``R`` (≤ 0 when it already
  does).

Both are O(|A| |R| m), computed in blocks of reference points to bound memory.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tradeoff_studio.core.pareto._input import Maximize, ParetoInputError, objective_columns

_BLOCK = 1 << 22  # pairs per block (a few tens of MB of float64)


def igd_plus(points: ArrayLike, reference_set: ArrayLike, maximize: Maximize = None) -> float:
    """IGD+ of ``points`` against ``reference_set`` (both ``(n, m)``, same objectives)."""
    return float(np.mean(_per_reference(points, reference_set, maximize, _igd_plus_block)))


def epsilon_additive(points: ArrayLike, reference_set: ArrayLike, maximize: Maximize = None) -> float:
    """The additive ε indicator of ``points`` against ``reference_set`` (both ``(n, m)``)."""
    return float(np.max(_per_reference(points, reference_set, maximize, _epsilon_block)))


def _igd_plus_block(a: NDArray[np.float64], r: NDArray[np.float64]) -> NDArray[np.float64]:
    gaps = np.maximum(a[None, :, :] - r[:, None, :], 0.0)
    return np.sqrt((gaps * gaps).sum(axis=2)).min(axis=1)


def _epsilon_block(a: NDArray[np.float64], r: NDArray[np.float64]) -> NDArray[np.float64]:
    return (a[None, :, :] - r[:, None, :]).max(axis=2).min(axis=1)


Block = Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.float64]]


def _per_reference(
    points: ArrayLike, reference_set: ArrayLike, maximize: Maximize, block: Block
) -> NDArray[np.float64]:
    """``block(A, R_chunk)`` for every chunk of the reference set, concatenated (one value per ``r``)."""
    a = objective_columns(points, maximize).T
    r = objective_columns(reference_set, maximize, what="reference set values").T
    if a.shape[0] == 0 or r.shape[0] == 0:
        raise ParetoInputError("IGD+ and ε need at least one point and one reference point.")
    if a.shape[1] != r.shape[1]:
        raise ParetoInputError(
            f"The reference set has {r.shape[1]} objectives, the points {a.shape[1]}; "
            "give the same objectives."
        )
    step = max(1, _BLOCK // max(1, a.shape[0] * a.shape[1]))
    return np.concatenate([block(a, r[start : start + step]) for start in range(0, r.shape[0], step)])
