"""Cost–quality analysis of an evaluation log (one row per item and system).

Per system: quality (mean of the correct flag or score in [0, 1]), mean cost per item on the
chosen cost axis (any column: dollars, latency, tokens; or input/output tokens priced by a
price table, prices per 1M tokens), cost-of-pass = mean cost / quality (∞ when quality is 0),
and p50/p95 latency. Beyond the systems: confidence cascades swept over thresholds, and
mixtures along the upper convex hull of the systems and cascades (DESIGN §6: mixing two
measured points at random reaches the segment between them; :mod:`.routing`). Intervals are
paired percentile bootstraps over items (:mod:`.evaluate`). The notes give the per-item
frontier cost-of-pass and the best single system's. The log is checked and summarised in
DuckDB (:mod:`.reading`); pandas loads lazily.
"""

from .analysis import analyze_cost_quality
from .notes import frontier_cost_of_pass
from .spec import CostQualitySpec

__all__ = ["CostQualitySpec", "analyze_cost_quality", "frontier_cost_of_pass"]
