"""What the workspace draws of one stored analysis, read off the UI thread (no Qt here).

:func:`load` reads the candidates and decisions through core and turns them into the arrays the
plots take: the plotted axes (the objectives; an analysis with one objective gets its first
numeric knob across, e.g. OPE's ``k``), the points, their intervals, the front, the ranks and
the knee, plus the text of each candidate's tooltip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...core import analysis_workflows as flows
from ...core.analyses.candidates import CandidateTable
from ...core.analyses.store import get_analysis
from ...core.decisions.explorations import DEFAULT_TRAIL, list_steps
from ...core.decisions.intervals import has_interval
from ...core.decisions.live import LiveRecommender
from ...core.decisions.preferences import Constraint, Method, Preferences
from ...core.decisions.store import DecisionRecord
from ...core.errors import StudioError
from ...core.jobs import CancelToken
from ...core.pareto.indicators import knee_point
from ...core.project import Project

_TOOLTIP_METRICS = 8


@dataclass(frozen=True)
class LoadedAnalysis:
    """One analysis as the workspace shows it."""

    name: str
    table: CandidateTable
    decisions: list[DecisionRecord]
    axes: list[str]
    senses: list[str]
    points: NDArray[np.float64]
    lo: NDArray[np.float64]
    hi: NDArray[np.float64]
    front: NDArray[np.bool_]
    ranks: NDArray[np.int64]
    knee: int | None
    ids: list[str]
    prefs: Preferences  # what the workspace starts with: the current decision's, else the defaults
    live: LiveRecommender  # built for ``prefs`` (off the UI thread: it sorts every candidate)
    source_table: str | None = None  # the table the analysis read
    indicators: dict[str, Any] | None = None  # hypervolume, ideal, nadir, knee… as stored with it
    trail: tuple[dict[str, Any], ...] = ()  # the steps of the exploration trail 'main' (navigate)

    @property
    def kind(self) -> str:
        """The analysis kind (``fairness``, ``risk-return``, …)."""
        return self.table.kind

    def current_decision(self) -> DecisionRecord | None:
        """The analysis's current decision (the latest), if any."""
        current = [record for record in self.decisions if record.status == "current"]
        return current[-1] if current else None

    def row_of(self, candidate_id: str) -> int | None:
        """The row of ``candidate_id`` (None when absent)."""
        try:
            return self.ids.index(candidate_id)
        except ValueError:
            return None

    def tooltip(self, row: int) -> str:
        """The candidate's id, knobs and first metrics with their intervals."""
        frame = self.table.frame
        lines = [f"{self.ids[row]}"]
        lines += [f"{knob} = {cell_text(frame[knob].iloc[row])}" for knob in self.table.knobs[:4]]
        for metric in self.table.metrics[:_TOOLTIP_METRICS]:
            lines.append(f"{metric} = {value_with_ci(self.table, metric, row)}")
        return "\n".join(lines)


def load(project: Project, name: str, cancel: CancelToken) -> LoadedAnalysis:
    """Read analysis ``name`` and prepare its arrays (runs on a worker thread)."""
    table = flows.get_candidates(project, name)
    cancel.raise_if_cancelled()
    decisions = flows.list_decisions(project, name)
    spec = get_analysis(project, name).spec
    inputs = spec.get("inputs", {})
    source = inputs.get("table") or (inputs.get("source") or {}).get("table")
    trail = tuple(step.to_dict() for step in list_steps(project, name, DEFAULT_TRAIL))
    return replace(prepare(name, table, decisions), source_table=source, indicators=spec.get("indicators"),
                   trail=trail)  # fmt: skip


def prepare(name: str, table: CandidateTable, decisions: list[DecisionRecord]) -> LoadedAnalysis:
    """The arrays of ``table`` (see the module docstring)."""
    frame = table.frame
    axes = [o.metric for o in table.objectives]
    senses = [o.direction for o in table.objectives]
    if len(axes) == 1:
        numeric = [k for k in table.knobs if frame[k].dtype.kind in "iuf"]
        across = numeric[0] if numeric else "candidate_id"
        axes, senses = [across, *axes], ["min", *senses]
    points = np.column_stack([_column(frame, axis) for axis in axes])
    lo = np.column_stack([_bound(table, axis, "_lo") for axis in axes])
    hi = np.column_stack([_bound(table, axis, "_hi") for axis in axes])
    front = frame["on_front"].to_numpy(dtype=bool)
    ranks = frame["rank"].to_numpy(dtype=np.int64)
    ids = frame["candidate_id"].astype(str).tolist()
    prefs, live = _starting_preferences(table, decisions, ids)
    return LoadedAnalysis(name, table, decisions, axes, senses, points, lo, hi, front, ranks,
                          _knee(table, front), ids, prefs, live)  # fmt: skip


def _starting_preferences(
    table: CandidateTable, decisions: list[DecisionRecord], ids: list[str]
) -> tuple[Preferences, LiveRecommender]:
    """The current decision's preferences with their live recommender; the defaults when they no
    longer fit the table (an analysis re-run under the same name with other metrics)."""
    current = [record for record in decisions if record.status == "current"]
    prefs = preferences_of(current[-1] if current else None)
    try:
        return prefs, LiveRecommender(table, prefs, ids)
    except StudioError:
        return Preferences(), LiveRecommender(table, Preferences(), ids)


def _column(frame: object, axis: str) -> NDArray[np.float64]:
    column = frame[axis]  # type: ignore[index]
    if axis == "candidate_id" or column.dtype.kind not in "iufb":
        return np.arange(len(column), dtype=np.float64)
    return column.to_numpy(dtype=np.float64)


def _bound(table: CandidateTable, axis: str, suffix: str) -> NDArray[np.float64]:
    frame = table.frame
    if axis in table.metrics and has_interval(table, axis):
        return frame[f"{axis}{suffix}"].to_numpy(dtype=np.float64)
    return np.full(len(frame), np.nan)


def _knee(table: CandidateTable, front: NDArray[np.bool_]) -> int | None:
    """The knee of the front (a row index), for two or more objectives with a front of 3 or more."""
    rows = np.flatnonzero(front)
    if len(table.objectives) < 2 or rows.size < 3:
        return None
    values = table.frame[[o.metric for o in table.objectives]].to_numpy(dtype=np.float64)[rows]
    if not np.isfinite(values).all():
        return None
    return int(rows[knee_point(values, [o.direction == "max" for o in table.objectives])])


def preferences_of(decision: DecisionRecord | None) -> Preferences:
    """The preferences a decision was taken under (constraints, weights, method), or the defaults."""
    if decision is None:
        return Preferences()
    stored = decision.preferences
    method: Method = stored["method"] if stored["method"] != "manual" else "tchebycheff"
    constraints = tuple(Constraint.parse(item["text"]) for item in stored.get("constraints", []))
    weights = {} if stored["method"] == "manual" else dict(stored.get("weights", {}))
    reference = dict(stored.get("reference", {})) if method == "reference" else {}
    allow = bool(stored.get("allow_protected_attribute", False))
    return Preferences(constraints, weights, method, reference, allow)


def cell_text(value: object) -> str:
    """A cell for people: 4 significant digits, "—" when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def value_with_ci(table: CandidateTable, metric: str, row: int) -> str:
    """``0.8123 [0.80, 0.82]`` (the interval when the metric has one)."""
    frame = table.frame
    text = cell_text(frame[metric].iloc[row])
    lo, hi = f"{metric}_lo", f"{metric}_hi"
    if lo in frame and hi in frame and not (np.isnan(frame[lo].iloc[row]) or np.isnan(frame[hi].iloc[row])):
        text += f" [{cell_text(frame[lo].iloc[row])}, {cell_text(frame[hi].iloc[row])}]"
    return text
