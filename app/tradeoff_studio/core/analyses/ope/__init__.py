"""Off-policy evaluation: the shortlist analysis (:mod:`.analysis`) and its metrics (:mod:`.metrics`)."""

from .analysis import KNOBS, OpeSpec, analyze_ope, check_spec
from .metrics import BASE_METRICS, CONVENTIONS, METRICS, top_k_metrics

__all__ = ["BASE_METRICS", "CONVENTIONS", "KNOBS", "METRICS", "OpeSpec", "analyze_ope", "check_spec",
           "top_k_metrics"]  # fmt: skip
