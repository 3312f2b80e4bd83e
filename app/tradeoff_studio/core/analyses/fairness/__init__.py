"""Fairness–accuracy analysis of threshold rules: models × global, per-group, randomized, capacity policies.

Entry point: :func:`analyze_fairness` with a :class:`FairnessSpec`; it returns a
:class:`FairnessResult` whose ``candidates`` is a :class:`~..candidates.CandidateTable` of kind
``fairness``. Everything heavy (the row scan) runs in DuckDB; the rest works on counts.
pandas is imported only inside functions (house rule 7).
"""

from .analysis import FairnessResult, analyze_fairness
from .multiplicity import Multiplicity, analyze_multiplicity
from .spec import DEFAULT_OBJECTIVES, KNOBS, METRICS, FairnessSpec

__all__ = [
    "DEFAULT_OBJECTIVES",
    "KNOBS",
    "METRICS",
    "FairnessResult",
    "FairnessSpec",
    "Multiplicity",
    "analyze_fairness",
    "analyze_multiplicity",
]
