"""The indicators every analysis stores and shows: hypervolume, reference point, ideal, nadir, knee.

:func:`front_indicators` turns a candidates' objective values into one JSON-ready mapping:

- ``hypervolume``: the exact hypervolume of the front against ``reference_point`` (``None``
  with a ``hypervolume_note`` when the front is too large to measure quickly in 4+ objectives);
- ``reference_point``, ``ideal``, ``nadir``: mappings objective → value in the objective's own
  units (ideal = best value on the front, nadir = worst value on the front);
- ``knee``: the id of the knee candidate (:func:`..indicators.knee_point`);
- ``normalisation``: in words, how objectives are scaled for the knee and the reference;
- ``front_size``, ``candidates``, ``front_share`` and, when most candidates are on the front,
  ``front_note``;
- ``plausibility``: flags from :mod:`.plausibility` (outliers, candidates best in everything).

Nothing here changes the front: the flags only name candidates worth a second look.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from tradeoff_studio.core.pareto._input import maximize_mask, objective_columns
from tradeoff_studio.core.pareto.front import front_mask
from tradeoff_studio.core.pareto.indicators import REFERENCE_MARGIN, hypervolume, knee_point, reference_point
from tradeoff_studio.core.pareto.plausibility import plausibility_flags

MOST_ON_FRONT = 0.5
"""With 3 or more objectives and above this share of candidates on the front, the output says the
front no longer discriminates (with 2 objectives a front of trade-offs is what one expects)."""

HYPERVOLUME_LIMITS = {4: 2_000, 5: 400, 6: 120}
"""Largest front (distinct points) measured exactly per number of objectives (a few seconds at most
on this machine); 7 or more: 50."""

NORMALISATION = (
    "Each objective is scaled over the Pareto front: ideal (best front value) = 0, nadir (worst "
    "front value) = 1, maximised objectives flipped; an objective constant on the front maps to 0. "
    "The knee is the front candidate farthest on the ideal side of the hyperplane through the "
    "extreme candidates. The reference point is the nadir moved {margin:.0%} of the front's range "
    "further towards worse (by 1 where the range is 0)."
)


def front_indicators(
    values: ArrayLike,
    maximize: Sequence[bool],
    names: Sequence[str],
    ids: Sequence[str],
    *,
    plausibility: bool = True,
) -> dict[str, Any]:
    """Indicators of the candidates ``values`` (shape ``(n, m)``) on objectives ``names``.

    ``maximize`` gives each objective's direction and ``ids`` names the candidates; without
    ``plausibility`` the flags list stays empty. Values must
    be finite (``ParetoInputError`` otherwise). Returns a JSON-ready mapping (module docstring).
    """
    points = np.asarray(values, dtype=np.float64)
    cols = objective_columns(points, list(maximize), ids=ids)
    front = front_mask(cols)
    sign = np.where(maximize_mask(list(maximize), len(names)), -1.0, 1.0)
    front_cols = np.compress(front, cols, axis=1)
    ideal, nadir = front_cols.min(axis=1) * sign + 0.0, front_cols.max(axis=1) * sign + 0.0
    n, size = points.shape[0], int(front.sum())
    result: dict[str, Any] = {
        "objectives": list(names),
        "candidates": n,
        "front_size": size,
        "front_share": size / n,
        "ideal": _by_name(names, ideal),
        "nadir": _by_name(names, nadir),
        "knee": str(ids[knee_point(points, list(maximize))]),
        "normalisation": NORMALISATION.format(margin=REFERENCE_MARGIN),
    }
    result |= _hypervolume(points, maximize, names, np.unique(front_cols, axis=1).shape[1])
    note = front_note(n, size, len(names))
    if note:
        result["front_note"] = note
    result["plausibility"] = plausibility_flags(points, list(maximize), names, ids) if plausibility else []
    return result


def _by_name(names: Sequence[str], values: np.ndarray) -> dict[str, float]:
    return {name: float(value) for name, value in zip(names, values.tolist(), strict=True)}


def _hypervolume(
    points: np.ndarray, maximize: Sequence[bool], names: Sequence[str], distinct: int
) -> dict[str, Any]:
    """``hypervolume`` and ``reference_point``; the volume is ``None``, with a note, on a too large front."""
    m = len(names)
    reference = reference_point(points, list(maximize))
    result: dict[str, Any] = {"hypervolume": None, "reference_point": _by_name(names, reference)}
    limit = HYPERVOLUME_LIMITS.get(m, 50 if m > 6 else None)
    if limit is not None and distinct > limit:
        result["hypervolume_note"] = (
            f"Hypervolume not computed: the front has {distinct} distinct points in {m} objectives "
            f"(exact measurement is limited to {limit} there to stay within seconds)."
        )
        return result
    result["hypervolume"] = hypervolume(points, list(maximize), reference=reference).value
    return result


def front_note(candidates: int, front_size: int, objectives: int) -> str | None:
    """A warning when, with 3+ objectives, most candidates are on the front (it no longer tells them
    apart), else None."""
    if objectives < 3 or candidates < 4 or front_size / candidates <= MOST_ON_FRONT:
        return None
    return (
        f"{front_size} of {candidates} candidates ({front_size / candidates:.0%}) are on the front of "
        f"{objectives} objectives: the front no longer discriminates. Add constraints (decide "
        "--constraint), drop an objective, or choose with weights."
    )


def indicator_lines(indicators: dict[str, Any]) -> list[str]:
    """The indicators in words, one line each, for the text output (units as stored)."""
    names = indicators["objectives"]

    def point(key: str) -> str:
        return ", ".join(f"{name} {indicators[key][name]:.6g}" for name in names)

    volume = indicators.get("hypervolume")
    lines = [
        f"Knee: candidate {indicators['knee']}.",
        f"Ideal: {point('ideal')}. Nadir: {point('nadir')}.",
        f"Hypervolume: {volume:.6g} against the reference point {point('reference_point')}."
        if volume is not None
        else f"Reference point: {point('reference_point')}. {indicators.get('hypervolume_note', '')}",
        f"Normalisation: {indicators['normalisation']}",
    ]
    if indicators.get("front_note"):
        lines.append(f"Note: {indicators['front_note']}")
    if indicators.get("reference_set"):
        lines.append(
            f"Against the reference set {indicators['reference_set']!r}: IGD+ {indicators['igd_plus']:.6g}, "
            f"additive epsilon {indicators['epsilon_additive']:.6g} (IGD+ 0 and epsilon <= 0: the front "
            "weakly dominates it)."
        )
    if indicators.get("band_note"):
        lines.append(f"Note: {indicators['band_note']}")
    lines += [f"Check: {flag['text']}." for flag in indicators.get("plausibility", [])]
    return lines
