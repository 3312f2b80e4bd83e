"""The indicators stored with every analysis (:func:`..pareto.summary.front_indicators`).

Plausibility flags (outliers, candidates best in several objectives) are kept for analyses of
measured tables (``generic``): in a sweep of thresholds or portfolios, extreme operating points
are outliers by construction and would only add noise.

pandas is not imported here (the frame is passed in).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..pareto.summary import front_indicators

if TYPE_CHECKING:
    import pandas as pd

    from .candidates import CandidateTable

PLAUSIBILITY_KINDS = ("generic",)


def analysis_indicators(table: CandidateTable, frame: pd.DataFrame) -> dict[str, Any] | None:
    """The indicators of the candidates ``frame`` on ``table``'s objectives; ``None`` without candidates."""
    if frame.empty or not table.objectives:
        return None
    names = [objective.metric for objective in table.objectives]
    values = frame[names].to_numpy(dtype=np.float64)
    maximize = [objective.direction == "max" for objective in table.objectives]
    ids = frame["candidate_id"].astype(str).tolist()
    result = front_indicators(values, maximize, names, ids, plausibility=table.kind in PLAUSIBILITY_KINDS)
    if table.notes.get("near_front_band"):
        result["band_note"] = table.notes["near_front_band"]
    quality = table.notes.get("reference_set")
    if quality:
        result |= {"reference_set": quality["table"], "igd_plus": quality["igd_plus"],
                   "epsilon_additive": quality["epsilon_additive"]}  # fmt: skip
    return result
