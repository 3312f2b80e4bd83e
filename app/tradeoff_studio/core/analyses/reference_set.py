"""IGD+ and additive ε of a generic analysis's front against a reference set (``--reference-set T``).

The reference table must have every objective column, as numbers; rows with a missing value
are left out (and counted). The result goes into the analysis notes and from there into its
indicators (``igd_plus``, ``epsilon_additive``, ``reference_set``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..jobs import CancelToken
from ..pareto.quality import epsilon_additive, igd_plus
from ..project import Project
from ..sql import ident
from .candidates import AnalysisError
from .inputs import read_frame, require_column, table_columns

if TYPE_CHECKING:
    import pandas as pd

    from .generic import GenericSpec


def reference_quality(
    project: Project, spec: GenericSpec, frame: pd.DataFrame, cancel: CancelToken
) -> dict[str, Any]:
    """IGD+ and additive ε of the front in ``frame`` against ``spec.reference_set`` (own units)."""
    assert spec.reference_set is not None
    table = spec.reference_set
    columns = table_columns(project, table, "reference-set table")
    names = [objective.metric for objective in spec.objectives]
    for name in names:
        require_column(
            table, name, columns, numeric=True, reason="The reference set's objectives need numbers"
        )
    select = ", ".join(f"CAST({ident(name)} AS DOUBLE) AS {ident(name)}" for name in names)
    reference = read_frame(project, cancel, f"SELECT {select} FROM {ident(table)}").to_numpy(dtype=np.float64)
    usable = np.isfinite(reference).all(axis=1)
    if not usable.any():
        raise AnalysisError(
            f"The reference-set table '{table}' has no row with every objective ({', '.join(names)})."
        )
    front = frame.loc[frame["on_front"].to_numpy(dtype=bool), names].to_numpy(dtype=np.float64)
    maximize = [objective.direction == "max" for objective in spec.objectives]
    return {
        "table": table,
        "points": int(usable.sum()),
        "left_out": int((~usable).sum()),
        "igd_plus": igd_plus(front, reference[usable], maximize),
        "epsilon_additive": epsilon_additive(front, reference[usable], maximize),
    }
