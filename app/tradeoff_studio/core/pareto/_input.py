"""Input checks for the Pareto engine: objective matrices, directions, and the error they raise.

Every public function of the engine takes an ``(n, m)`` array of objective values (one row per
candidate, one column per objective) and a per-objective direction. Internally everything is
converted to minimisation: maximised columns are negated.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tradeoff_studio.core.errors import StudioError

Maximize: TypeAlias = bool | str | Sequence[bool] | Sequence[str] | NDArray[np.bool_] | None
"""Directions of the objectives.

``None`` (every objective minimised), one ``bool`` or ``"min"``/``"max"`` for all objectives,
or one entry per objective: ``"min"``/``"max"`` strings or booleans (``True`` = maximised).
"""


class ParetoInputError(StudioError, ValueError):
    """Objective values or settings the Pareto engine cannot use; the message names the candidate."""


def maximize_mask(maximize: Maximize, n_objectives: int) -> NDArray[np.bool_]:
    """Return a boolean mask of the maximised objectives, one entry per objective.

    Raises ``ParetoInputError`` when the number of directions differs from ``n_objectives`` or an
    entry is neither a boolean nor ``"min"``/``"max"`` (case-insensitive).
    """
    if maximize is None:
        return np.zeros(n_objectives, dtype=bool)
    if isinstance(maximize, bool | np.bool_ | str):
        return np.full(n_objectives, _one_direction(maximize, None), dtype=bool)
    items = list(maximize)
    if len(items) != n_objectives:
        raise ParetoInputError(
            f"{len(items)} objective directions were given for {n_objectives} objectives; "
            "give one 'min' or 'max' per objective column."
        )
    return np.array([_one_direction(item, j) for j, item in enumerate(items)], dtype=bool)


def _one_direction(item: object, column: int | None) -> bool:
    """Parse one direction; ``column`` names the objective in the error message."""
    if isinstance(item, bool | np.bool_):
        return bool(item)
    if isinstance(item, str) and item.strip().lower() in ("min", "max"):
        return item.strip().lower() == "max"
    where = "" if column is None else f" of objective {column}"
    raise ParetoInputError(f"The direction{where} is {item!r}; use 'min', 'max' or a boolean (True = max).")


def candidate_label(row: int, ids: Sequence[object] | None) -> str:
    """Name a candidate for an error message: by id when ``ids`` is given, always by row."""
    if ids is None:
        return f"candidate at row {row}"
    return f"candidate {ids[row]!r} (row {row})"


def as_matrix(points: ArrayLike, what: str = "objective values") -> NDArray[np.float64]:
    """Return ``points`` as a 2-D float64 array ``(n, m)`` with ``m >= 1``, or raise ``ParetoInputError``."""
    try:
        arr = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ParetoInputError(f"The {what} must be numbers in an (n, m) table: {exc}") from exc
    if arr.ndim != 2 or arr.shape[1] < 1:
        raise ParetoInputError(
            f"The {what} must form an (n, m) table with one row per candidate and at least one "
            f"objective column; got an array of shape {arr.shape}."
        )
    return arr


def check_finite(arr: NDArray[np.float64], ids: Sequence[object] | None, what: str) -> None:
    """Raise ``ParetoInputError`` naming the first candidate with a NaN or infinite value."""
    finite = np.isfinite(arr)
    if finite.all():
        return
    bad_rows = np.flatnonzero(~finite.all(axis=1))
    row = int(bad_rows[0])
    column = int(np.flatnonzero(~finite[row])[0])
    others = f" ({bad_rows.size - 1} more rows have the same problem)" if bad_rows.size > 1 else ""
    raise ParetoInputError(
        f"The {what} of {candidate_label(row, ids)} are not all finite: objective {column} is "
        f"{arr[row, column]}{others}. Remove the candidate or fill in the value."
    )


def check_ids(ids: Sequence[object] | None, n: int) -> None:
    """Raise ``ParetoInputError`` when ``ids`` is given but does not have one entry per candidate."""
    if ids is not None and len(ids) != n:
        raise ParetoInputError(f"{len(ids)} ids were given for {n} candidates; give one id per row.")


def objective_columns(
    points: ArrayLike,
    maximize: Maximize = None,
    *,
    ids: Sequence[object] | None = None,
    what: str = "objective values",
) -> NDArray[np.float64]:
    """Validate ``points`` and return them as minimisation columns, shape ``(m, n)``, C-contiguous.

    Maximised columns are negated and ``-0.0`` becomes ``0.0``, so each row of the result is one
    objective to minimise, stored contiguously for the vectorised kernels.
    """
    arr = as_matrix(points, what)
    check_ids(ids, arr.shape[0])
    check_finite(arr, ids, what)
    sign = np.where(maximize_mask(maximize, arr.shape[1]), -1.0, 1.0)
    cols = np.empty((arr.shape[1], arr.shape[0]), dtype=np.float64)
    np.multiply(arr.T, sign[:, None], out=cols)
    cols += 0.0
    return cols


def to_minimization(
    points: ArrayLike, maximize: Maximize = None, *, ids: Sequence[object] | None = None
) -> NDArray[np.float64]:
    """Return a validated ``(n, m)`` float64 copy of ``points`` in which every objective is minimised.

    Maximised columns are negated. NaN or infinite values raise ``ParetoInputError`` naming the
    first such candidate by row (and by ``ids[row]`` when ``ids`` is given).
    """
    return objective_columns(points, maximize, ids=ids).T.copy()
