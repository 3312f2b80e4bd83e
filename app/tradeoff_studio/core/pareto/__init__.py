"""The Pareto engine: fronts, ranks, near-front bands, hypervolume and knee points (Qt-free).

Objectives are an ``(n, m)`` float array, one row per candidate, plus a direction per
objective (``maximize``: ``"min"``/``"max"`` strings or a boolean mask of maximised columns).
Internally every objective is minimised. Candidate ``a`` dominates ``b`` iff it is no worse in
every objective and strictly better in at least one; identical candidates do not dominate each
other. NaN or infinite values raise :class:`ParetoInputError`, naming the candidate by row and,
when ``ids`` is given, by id.

NumPy throughout, except exact hypervolume from three objectives and Pareto ranks, which call
moocore's C kernels (:mod:`._native`); our own exact versions are the tests' reference.
"""

from tradeoff_studio.core.pareto._input import Maximize, ParetoInputError, maximize_mask, to_minimization
from tradeoff_studio.core.pareto.band import near_front_band
from tradeoff_studio.core.pareto.front import non_dominated, nondominated_ranks
from tradeoff_studio.core.pareto.indicators import Hypervolume, hypervolume, knee_point

__all__ = [
    "Hypervolume",
    "Maximize",
    "ParetoInputError",
    "hypervolume",
    "knee_point",
    "maximize_mask",
    "near_front_band",
    "non_dominated",
    "nondominated_ranks",
    "to_minimization",
]
