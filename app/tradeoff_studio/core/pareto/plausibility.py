"""Plausibility flags: candidates worth a second look before trusting the front. They never change it.

Flags are JSON-ready dicts with a ``kind``, the ``candidate`` and a ``text`` sentence:

- ``outlier``: a value more than :data:`MAD_LIMIT` robust standard deviations from its
  objective's median, the robust standard deviation being 1.4826 × the median absolute
  deviation (MAD; the factor makes it equal the standard deviation for normal data). Needs at
  least :data:`MIN_CANDIDATES` candidates and a MAD above 0. Catches a typo or a broken run
  (a judge at 0.34 agreement among 56–71).
- ``best_in_several``: one candidate alone holds the best value of two or more objectives, so
  between those objectives there is no trade-off (a trivial baseline — free and instant —
  often does); ``best_in_all`` when that is every objective: it dominates every other
  candidate.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

MAD_LIMIT = 3.0
MAD_SCALE = 1.4826
MIN_CANDIDATES = 5
MAX_LISTED = 5
"""At most this many outliers are listed per objective (the farthest); a last flag counts the rest."""


def plausibility_flags(
    values: NDArray[np.float64], maximize: Sequence[bool], names: Sequence[str], ids: Sequence[str]
) -> list[dict[str, Any]]:
    """Outlier and best-in-several flags for candidates ``values`` (``(n, m)``, finite, own units)."""
    return _outliers(values, names, ids) + _best_in_several(values, maximize, names, ids)


def _outliers(values: NDArray[np.float64], names: Sequence[str], ids: Sequence[str]) -> list[dict[str, Any]]:
    flags: list[dict[str, Any]] = []
    if values.shape[0] < MIN_CANDIDATES:
        return flags
    for j, name in enumerate(names):
        column = values[:, j]
        median = float(np.median(column))
        spread = MAD_SCALE * float(np.median(np.abs(column - median)))
        if spread <= 0:
            continue
        far = np.flatnonzero(np.abs(column - median) > MAD_LIMIT * spread)
        far = far[np.argsort(-np.abs(column[far] - median), kind="stable")]
        for row in far[:MAX_LISTED].tolist():
            distance = (float(column[row]) - median) / spread
            flags.append({
                "kind": "outlier", "candidate": str(ids[row]), "objective": name,
                "value": float(column[row]), "median": median, "robust_sd": spread, "distance": distance,
                "text": f"candidate {ids[row]} has {name} = {column[row]:.6g}, {abs(distance):.1f} robust "
                f"standard deviations {'above' if distance > 0 else 'below'} the median {median:.6g} "
                f"(MAD rule, limit {MAD_LIMIT:g}): check the value",
            })  # fmt: skip
        if far.size > MAX_LISTED:
            flags.append({"kind": "outlier", "candidate": None, "objective": name,
                          "text": f"{far.size - MAX_LISTED} more candidates are beyond {MAD_LIMIT:g} robust "
                          f"standard deviations in {name}"})  # fmt: skip
    return flags


def _best_in_several(
    values: NDArray[np.float64], maximize: Sequence[bool], names: Sequence[str], ids: Sequence[str]
) -> list[dict[str, Any]]:
    """Candidates holding the single best value of at least two objectives (ties: no flag)."""
    if values.shape[0] < 2 or values.shape[1] < 2:
        return []
    best: dict[int, list[str]] = {}
    for j, name in enumerate(names):
        column = -values[:, j] if maximize[j] else values[:, j]
        winners = np.flatnonzero(column == column.min())
        if winners.size == 1:
            best.setdefault(int(winners[0]), []).append(name)
    flags = []
    for row, objectives in sorted(best.items()):
        if len(objectives) < 2:
            continue
        everything = len(objectives) == len(names)
        both = len(objectives) == 2
        listed = " and ".join(objectives) if both else ", ".join(objectives)
        text = (
            f"candidate {ids[row]} is best in every objective: it dominates all other candidates"
            if everything
            else f"no trade-off between {listed}: candidate {ids[row]} is best in {'both' if both else 'all'}"
        )
        text += " (a trivial baseline? check it belongs in the comparison)"
        flags.append({"kind": "best_in_all" if everything else "best_in_several",
                      "candidate": str(ids[row]), "objectives": objectives, "text": text})  # fmt: skip
    return flags
