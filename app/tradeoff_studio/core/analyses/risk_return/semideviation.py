"""The mean–semideviation frontier point: an exact minimum by a sequence of HiGHS quadratic programs.

The semivariance of weights ``w`` over the centred, scaled returns ``c_t = r_t − r̄`` (``r̄'w`` is
the portfolio's own mean, :mod:`.metrics`) is ``f(w) = k·Σ_t min(c_t'w, 0)²`` with ``k = P/(T − 1)``:
convex, piecewise quadratic and continuously differentiable. The textbook program (auxiliaries
``d_t ≥ −c_t'w``, ``d ≥ 0``, min ``k·Σd_t²``) is a QP whose Hessian sits on the ``d_t`` only; HiGHS
1.16's active-set QP solver stops on it with "Solve error" (a claimed optimum with primal
infeasibilities near 1e-4) on the demo's 1,826 days × 26 assets and on some of its sub-windows,
whatever the presolve, tolerances, regularisation or splitting of ``d`` — while it solves the dense
mean–variance QP in the weights alone reliably. So each point is found by the generalised Newton
method on ``f``, every step such a dense QP:

1. with ``S`` the periods below the mean at the current ``w`` (at the start: the previous point's
   set, or every period), solve ``min k·Σ_(t∈S) (c_t'w)²`` under the same constraints (HiGHS);
2. if the solution ``ŵ`` has ``c_t'ŵ ≤ 0`` exactly on ``S`` and ``≥ 0`` off it (to 1e-9 in
   scaled units), it is optimal: that quadratic equals ``f`` in value and gradient at ``ŵ``, so
   ``ŵ``'s KKT conditions for it are the KKT conditions of the convex ``f``;
3. otherwise step to the minimum of ``f`` on the segment to ``ŵ`` (a descent direction: the
   quadratic equals ``f`` in value and gradient at ``w``) and repeat.

A point without a fixed point in :data:`MAX_STEPS` steps is reported as failed with that status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

MAX_STEPS = 60
_KKT = 1e-9  # scaled units: c_t'w is O(1)
SOLVER = "HiGHS QPs in the weights, generalised Newton steps (exact line search) to a verified fixed point"


@dataclass
class SemiState:
    """The centred scaled returns, ``k`` = periods per year / (T − 1), and the last point's weights."""

    centred: np.ndarray  # (T, n)
    factor: float
    last: np.ndarray | None = field(default=None)

    def value(self, weights: np.ndarray) -> float:
        """``f(w)``: the scaled, annualised semivariance."""
        below = np.minimum(self.centred @ weights, 0.0)
        return float(self.factor * (below @ below))

    def hessian(self, down: np.ndarray) -> np.ndarray:
        """``2k·C_S'C_S``: HiGHS minimises ½x'Qx, so this Q makes its objective ``k·Σ_(t∈S)(c_t'w)²``."""
        rows = self.centred[down]
        return 2.0 * self.factor * (rows.T @ rows)


def solve_point(
    state: SemiState, solve_quadratic: Callable[[np.ndarray], tuple[str, np.ndarray | None]]
) -> tuple[str, np.ndarray | None, float]:
    """The minimum-semivariance weights under the program's current rows: (status, weights, √f).

    ``solve_quadratic(Q)`` solves the program with Hessian ``Q`` on the weights and returns HiGHS's
    status and the weights (None unless optimal).
    """
    down = np.ones(len(state.centred), dtype=bool) if state.last is None else state.centred @ state.last < 0.0
    weights: np.ndarray | None = None
    for _ in range(MAX_STEPS):
        status, found = solve_quadratic(state.hessian(down))
        if found is None:
            return status, None, float("nan")
        moves = state.centred @ found
        if (moves[down] <= _KKT).all() and (moves[~down] >= -_KKT).all():
            state.last = found
            return "optimal", found, float(np.sqrt(state.value(found)))
        weights = found if weights is None else _line_minimum(state, weights, found)
        down = state.centred @ weights < 0.0
    return f"no verified optimum after {MAX_STEPS} Newton steps", None, float("nan")


def _line_minimum(state: SemiState, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The minimum of ``f`` on the segment from ``start`` to ``end`` (f' is monotone: bisection)."""
    a, b = state.centred @ start, state.centred @ (end - start)

    def slope(alpha: float) -> float:
        return float(np.minimum(a + alpha * b, 0.0) @ b)

    if slope(1.0) <= 0.0:
        return end
    low, high = 0.0, 1.0
    for _ in range(64):
        middle = 0.5 * (low + high)
        low, high = (middle, high) if slope(middle) < 0.0 else (low, middle)
    return start + high * (end - start)
