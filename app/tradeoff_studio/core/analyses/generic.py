"""Generic analysis: any table of candidates with numeric objective columns → a candidates table.

Each row of the table is one candidate, named by the id column (default: the column
``candidate_id`` when the table has one, else the row number from 1).

- **Metrics** are the objectives (with their directions), plus every other numeric column that
  has an interval, plus — when knobs are named — every other numeric column. Constraints can
  name any metric.
- **Intervals** of a metric ``X`` come from explicit ``(lo, hi)`` columns or, when the table has
  them, from ``X_lo``/``X_hi``.
- **Knobs** (what the analyst sets: model, threshold…) are the columns named as knobs or, by
  default, every remaining column. Sensitivity compares candidates that differ in one knob
  only, so name the knobs when the table has outcome columns without intervals (latency, …).
  With named knobs, remaining non-numeric columns are left out.
- **Missing values** (NULL or NaN in a metric or interval column) refuse the analysis, naming
  the candidate, unless ``missing="drop"``: then those rows are left out, and the notes count
  them and name them (``dropped``). Infinite values are always refused.
- ``on_front``/``rank``/``near_front`` are recomputed, never carried (a re-imported candidates
  export would otherwise bring stale Pareto columns).

pandas is imported lazily (house rule 7).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..jobs import CancelToken, Progress, no_progress
from ..project import Project
from ..sql import ident
from .candidates import PARETO_COLUMNS, AnalysisError, CandidateTable, Objective, spec_dict
from .inputs import is_numeric, read_frame, require_column, table_columns
from .reference_set import reference_quality

if TYPE_CHECKING:
    import pandas as pd

ID_COLUMN = "candidate_id"
MISSING_CHOICES = ("refuse", "drop")
DROPPED_LISTED = 20
"""At most this many dropped rows are named in the notes (all are counted)."""
_NUMERIC_REASON = "Objectives and their intervals need numeric columns"


@dataclass(frozen=True)
class GenericSpec:
    """What a generic analysis reads.

    ``ci`` maps a metric to its explicit ``(lo_column, hi_column)``; ``ci_level`` is the level
    of every interval (two-sided, 0.95 unless the table's intervals say otherwise). ``knobs``
    names the columns the analyst sets (model, threshold…); see the module doc for the default.
    ``missing`` says what a row with a missing metric value does: ``"refuse"`` the analysis or
    ``"drop"`` the row. ``reference_set`` names a table of reference points (its objective columns)
    against which the front's IGD+ and additive ε are measured.
    """

    table: str
    objectives: list[Objective]
    id_column: str | None = None
    ci: dict[str, tuple[str, str]] = field(default_factory=dict)
    ci_level: float = 0.95
    knobs: list[str] | None = None
    missing: Literal["refuse", "drop"] = "refuse"
    reference_set: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, stored as the analysis spec."""
        return spec_dict(self)


@dataclass(frozen=True)
class _Plan:
    """Which table column feeds which candidates column."""

    id_column: str | None
    knobs: list[str]
    metrics: list[str]
    bounds: dict[str, tuple[str, str]]


def analyze_generic(
    project: Project,
    spec: GenericSpec,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> CandidateTable:
    """Read ``spec.table`` as candidates and compute their Pareto columns (kind ``"generic"``).

    Raises :class:`NotFoundError` for an unknown table and :class:`AnalysisError` for missing or
    non-numeric columns (listing the table's columns), empty tables, duplicate ids and NULL, NaN
    or infinite values (naming the candidate).
    """
    token = cancel or CancelToken()
    if not 0.0 < spec.ci_level < 1.0:
        raise AnalysisError(f"The confidence level must lie between 0 and 1, e.g. 0.95; got {spec.ci_level}.")
    if spec.missing not in MISSING_CHOICES:
        raise AnalysisError(f"--missing takes refuse or drop, not {spec.missing!r}.")
    plan = _plan(spec, table_columns(project, spec.table))
    progress(0.0, f"Reading {spec.table}")
    frame = _read(project, spec.table, plan, token)
    progress(0.6, "Checking values")
    notes: dict[str, Any] = {
        "source_table": spec.table,
        "ci_level": spec.ci_level,
        "id_column": plan.id_column,
    }
    if spec.missing == "drop":
        frame, notes["dropped"] = _drop_missing(frame, spec.table, plan)
    _check_values(frame, spec.table, plan)
    frame = frame.reset_index(drop=True)
    token.raise_if_cancelled()
    progress(0.7, "Computing the Pareto front")
    table = CandidateTable(
        kind="generic",
        frame=frame,
        knobs=plan.knobs,
        metrics=plan.metrics,
        objectives=list(spec.objectives),
        notes=notes,
    ).with_front()
    if spec.reference_set is not None:
        token.raise_if_cancelled()
        table.notes["reference_set"] = reference_quality(project, spec, table.frame, token)
    progress(1.0, "Candidates ready")
    return table


def _plan(spec: GenericSpec, columns: dict[str, str]) -> _Plan:
    """Resolve the id, metric, interval and knob columns, checking that they exist and fit."""
    if not spec.objectives:
        raise AnalysisError("Give at least one objective column, e.g. --objective cost:min.")
    names = [objective.metric for objective in spec.objectives]
    if len(set(names)) != len(names):
        raise AnalysisError(f"An objective is listed twice: {', '.join(map(str, spec.objectives))}.")
    for metric in [*(o.metric for o in spec.objectives), *spec.ci]:
        if metric in (ID_COLUMN, *PARETO_COLUMNS):
            raise AnalysisError(
                f"'{metric}' is a column the candidates table computes; it cannot be a metric."
            )
        require_column(spec.table, metric, columns, numeric=True, reason=_NUMERIC_REASON)
    id_column = spec.id_column or (ID_COLUMN if ID_COLUMN in columns else None)
    if id_column is not None:
        require_column(spec.table, id_column, columns)
    metrics = _metrics(spec, columns, id_column)
    bounds = {}
    for metric in metrics:
        lo, hi = spec.ci.get(metric, (f"{metric}_lo", f"{metric}_hi"))
        if metric in spec.ci or (lo in columns and hi in columns):
            require_column(spec.table, lo, columns, numeric=True, reason=_NUMERIC_REASON)
            require_column(spec.table, hi, columns, numeric=True, reason=_NUMERIC_REASON)
            bounds[metric] = (lo, hi)
    used = {id_column, *metrics, *_interval_columns(spec, columns), *PARETO_COLUMNS}
    knobs = [column for column in columns if column not in used] if spec.knobs is None else list(spec.knobs)
    for knob in knobs:
        require_column(spec.table, knob, columns)
        if knob in used:
            raise AnalysisError(f"Column '{knob}' cannot be a knob: it is the id, a metric or an interval.")
    return _Plan(id_column, knobs, metrics, bounds)


def _interval_columns(spec: GenericSpec, columns: dict[str, str]) -> set[str]:
    """Explicit interval columns, and every ``X_lo``/``X_hi`` whose ``X`` is a column too."""
    explicit = {column for pair in spec.ci.values() for column in pair}
    implied = {c for c in columns if c.endswith(("_lo", "_hi")) and c[:-3] in columns}
    return explicit | implied


def _metrics(spec: GenericSpec, columns: dict[str, str], id_column: str | None) -> list[str]:
    """The objectives, then every other numeric column with an interval or, when knobs are named,
    every other numeric column that is not a knob."""
    metrics = [objective.metric for objective in spec.objectives]
    skip = {id_column, *PARETO_COLUMNS, *_interval_columns(spec, columns)}
    for column, dtype in columns.items():
        if column in metrics or column in skip or not is_numeric(dtype):
            continue
        has_interval = column in spec.ci or (f"{column}_lo" in columns and f"{column}_hi" in columns)
        if has_interval or (spec.knobs is not None and column not in spec.knobs):
            metrics.append(column)
    return metrics


def _read(project: Project, table: str, plan: _Plan, cancel: CancelToken) -> pd.DataFrame:
    """Select the planned columns, renamed to the candidates layout, with DuckDB."""
    select = [f"CAST({ident(plan.id_column)} AS VARCHAR) AS {ident(ID_COLUMN)}"] if plan.id_column else []
    select += [ident(knob) for knob in plan.knobs]
    for metric in plan.metrics:
        select.append(f"CAST({ident(metric)} AS DOUBLE) AS {ident(metric)}")
        if metric in plan.bounds:
            lo, hi = plan.bounds[metric]
            select.append(f"CAST({ident(lo)} AS DOUBLE) AS {ident(metric + '_lo')}")
            select.append(f"CAST({ident(hi)} AS DOUBLE) AS {ident(metric + '_hi')}")
    frame = read_frame(project, cancel, f"SELECT {', '.join(select)} FROM {ident(table)}")
    if plan.id_column is None:
        frame.insert(0, ID_COLUMN, [str(row) for row in range(1, len(frame) + 1)])
    return frame


def _value_columns(plan: _Plan) -> dict[str, str]:
    """Each metric and interval column of the candidates frame → the table column it comes from."""
    sources = {}
    for metric in plan.metrics:
        sources[metric] = metric
        if metric in plan.bounds:
            sources |= dict(zip((f"{metric}_lo", f"{metric}_hi"), plan.bounds[metric], strict=True))
    return sources


def _drop_missing(frame: pd.DataFrame, table: str, plan: _Plan) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Leave out rows with NULL/NaN in a metric or interval column; say how many and which."""
    sources = _value_columns(plan)
    missing = frame[list(sources)].isna()
    rows = np.flatnonzero(missing.any(axis=1).to_numpy())
    named = []
    for row in rows[:DROPPED_LISTED].tolist():
        columns = [sources[name] for name in missing.columns[missing.iloc[row].to_numpy()]]
        named.append({"candidate": str(frame[ID_COLUMN].iloc[row]), "row": row + 1, "columns": columns})
    if rows.size == len(frame) and len(frame):
        raise AnalysisError(
            f"Every row of table '{table}' has a missing value in "
            f"{', '.join(sorted(set(sources.values())))}: nothing is left to compare. Fill in the values "
            "or choose other objective columns."
        )
    counts = {sources[name]: int(count) for name, count in missing.sum().items() if count}
    dropped = {"count": int(rows.size), "rows": named, "by_column": counts}
    return frame.drop(index=frame.index[rows]), dropped


def dropped_text(dropped: dict[str, Any]) -> str | None:
    """One sentence on the rows ``--missing drop`` left out (``None`` when none were)."""
    if not dropped or not dropped.get("count"):
        return None
    shown = "; ".join(f"{row['candidate']} ({', '.join(row['columns'])})" for row in dropped["rows"])
    more = dropped["count"] - len(dropped["rows"])
    tail = f"; and {more} more" if more > 0 else ""
    return f"Dropped {dropped['count']} row(s) with missing values (--missing drop): {shown}{tail}."


def _check_values(frame: pd.DataFrame, table: str, plan: _Plan) -> None:
    """Reject empty tables, missing or duplicate ids and non-finite metric values."""
    if frame.empty:
        raise AnalysisError(f"Table '{table}' has no rows, so there are no candidates to compare.")
    ids = frame[ID_COLUMN]
    if ids.isna().any():
        row = int(np.flatnonzero(ids.isna().to_numpy())[0]) + 1
        raise AnalysisError(f"Row {row} of table '{table}' has no id in column '{plan.id_column}'.")
    duplicated = ids[ids.duplicated()]
    if not duplicated.empty:
        raise AnalysisError(
            f"Candidate id {duplicated.iloc[0]!r} appears more than once in column '{plan.id_column}' of "
            f"table '{table}'. Ids must be unique: choose another id column or leave it out (row numbers)."
        )
    for name, source in _value_columns(plan).items():
        _check_finite(frame, name, source, table)


def _check_finite(frame: pd.DataFrame, name: str, source: str, table: str) -> None:
    values = frame[name].to_numpy(dtype=np.float64, na_value=np.nan)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size == 0:
        return
    row = int(bad[0])
    missing = math.isnan(values[row])
    what = "no value (NULL or NaN)" if missing else f"the value {values[row]}"
    more = f" ({bad.size - 1} more candidates have the same problem)" if bad.size > 1 else ""
    advice = (
        "Fill them in, leave those rows out with --missing drop, or filter them with --where "
        f'(e.g. --where "{source} IS NOT NULL").'
        if missing
        else "Fill in or remove those rows (--where) before the analysis."
    )
    raise AnalysisError(
        f"Candidate {frame[ID_COLUMN].iloc[row]!r} (row {int(frame.index[row]) + 1} of table '{table}') has "
        f"{what} in column '{source}'{more}. {advice}"
    )
