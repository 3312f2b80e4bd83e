"""The candidates table every analysis produces, and its objectives.

One row per operating point: ``candidate_id``, the knob columns (what the analyst can set:
model, threshold, …), each metric with its confidence interval as ``<metric>``,
``<metric>_lo``, ``<metric>_hi``, and, once :meth:`CandidateTable.with_front` has run, the
Pareto columns ``on_front``, ``rank`` and ``near_front`` (not distinguishable from the front
given the CIs). Fairness, generic, risk–return, OPE and cost–quality analyses all produce this
shape, so the Pareto engine, the decisions layer, the plots and the reports serve them all.

pandas is imported lazily (house rule 7): this module is imported at CLI start-up.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..errors import StudioError
from ..pareto import near_front_band, nondominated_ranks

if TYPE_CHECKING:
    import pandas as pd

Direction = Literal["max", "min"]
PARETO_COLUMNS = ("on_front", "rank", "near_front")


class AnalysisError(StudioError):
    """An analysis cannot run as asked (unknown metric, wrong column, too little data…)."""


@dataclass(frozen=True)
class Objective:
    """A metric to maximise or minimise."""

    metric: str
    direction: Direction

    def __str__(self) -> str:
        return f"{self.metric}:{self.direction}"

    @classmethod
    def parse(cls, text: str) -> Objective:
        """``"accuracy:max"`` → Objective("accuracy", "max")."""
        metric, sep, direction = text.strip().rpartition(":")
        if not sep or not metric or direction not in {"max", "min"}:
            raise AnalysisError(f"Objective {text!r} should be METRIC:max or METRIC:min, e.g. accuracy:max.")
        return cls(metric, direction)  # type: ignore[arg-type]


def parse_objectives(text: str) -> list[Objective]:
    """``"accuracy:max,dp_difference:min"`` → a list of objectives (at least one, no repeats)."""
    objectives = [Objective.parse(part) for part in text.split(",") if part.strip()]
    if not objectives:
        raise AnalysisError("Give at least one objective, e.g. --objectives accuracy:max,dp_difference:min.")
    names = [objective.metric for objective in objectives]
    if len(set(names)) != len(names):
        raise AnalysisError(f"An objective is listed twice in {text!r}.")
    return objectives


def spec_dict(spec: Any) -> dict[str, Any]:
    """An analysis spec (a dataclass with ``objectives``) as JSON-ready data, stored with the analysis.

    Nested dataclasses become dicts; objectives become ``METRIC:direction`` strings.
    """
    data = asdict(spec)
    data["objectives"] = [str(objective) for objective in spec.objectives]
    return data


DEFAULT_CI_LEVEL = 0.95


@dataclass(frozen=True)
class ResultExtras:
    """What the decisions layer reads about a candidates table, beyond its columns (typed, stored).

    ``ci_level``: the two-sided level of the ``_lo``/``_hi`` intervals. ``derived_knobs``: knobs
    that describe a candidate but follow from the others (not compared in sensitivities).
    ``json_columns``: text columns that hold JSON objects (e.g. per-group thresholds).
    The per-kind details (what the CLI prints about a run) stay in the table's ``notes``.
    """

    ci_level: float = DEFAULT_CI_LEVEL
    derived_knobs: tuple[str, ...] = ()
    json_columns: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, stored with the analysis."""
        return {
            "ci_level": self.ci_level,
            "derived_knobs": list(self.derived_knobs),
            "json_columns": list(self.json_columns),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ResultExtras:
        """The inverse of :meth:`to_dict`."""
        return cls(
            float(data.get("ci_level", DEFAULT_CI_LEVEL)),
            tuple(data.get("derived_knobs", ())),
            tuple(data.get("json_columns", ())),
        )

    @classmethod
    def from_notes(cls, notes: dict[str, Any]) -> ResultExtras:
        """The extras as analyses stored before they were typed kept them: keys of the ``notes``."""
        return cls.from_dict({key: notes[key] for key in ("ci_level", "derived_knobs", "json_columns")
                              if notes.get(key) is not None})  # fmt: skip


@dataclass(frozen=True)
class CandidateTable:
    """Candidates of one analysis: a DataFrame plus what its columns mean.

    ``extras`` left out is read from the ``notes`` (what analyses did before extras were typed).
    """

    kind: str
    frame: pd.DataFrame
    knobs: list[str]
    metrics: list[str]
    objectives: list[Objective]
    notes: dict[str, Any] = field(default_factory=dict)
    extras: ResultExtras = None  # type: ignore[assignment]  # None → read from the notes

    def __post_init__(self) -> None:
        if self.extras is None:
            object.__setattr__(self, "extras", ResultExtras.from_notes(self.notes))

    def has_ci(self, metric: str) -> bool:
        """Whether ``metric`` carries ``_lo``/``_hi`` columns with values."""
        lo, hi = f"{metric}_lo", f"{metric}_hi"
        return lo in self.frame and hi in self.frame and bool(self.frame[lo].notna().all())

    def with_front(self) -> CandidateTable:
        """A copy with ``on_front``, ``rank`` and ``near_front`` computed on the objectives."""
        missing = [o.metric for o in self.objectives if o.metric not in self.frame]
        if missing:
            raise AnalysisError(
                f"The {self.kind} candidates have no metric(s) {', '.join(missing)}. "
                f"Available: {', '.join(self.metrics)}."
            )
        values = self.frame[[o.metric for o in self.objectives]].to_numpy(dtype=np.float64)
        maximize = [o.direction == "max" for o in self.objectives]
        ids = self.frame["candidate_id"].astype(str).tolist()
        ranks = nondominated_ranks(values, maximize, ids=ids)
        frame = self.frame.copy()
        frame["on_front"] = ranks == 0
        frame["rank"] = ranks
        frame["near_front"] = self._band(values, maximize, ids, ranks)
        notes = {key: value for key, value in self.notes.items() if key != "near_front_band"}
        return replace(self, frame=frame, notes=notes | self._band_note())

    def _band(
        self, values: np.ndarray, maximize: list[bool], ids: list[str], ranks: np.ndarray
    ) -> np.ndarray:
        """The near-front band on the intervals there are; an objective without one counts as exact."""
        if not any(self.has_ci(o.metric) for o in self.objectives):
            return ranks == 0
        lo, hi = values.copy(), values.copy()
        for j, objective in enumerate(self.objectives):
            if self.has_ci(objective.metric):
                lo[:, j] = self.frame[f"{objective.metric}_lo"].to_numpy(dtype=np.float64)
                hi[:, j] = self.frame[f"{objective.metric}_hi"].to_numpy(dtype=np.float64)
        return near_front_band(values, lo, hi, maximize, ids=ids)

    def _band_note(self) -> dict[str, str]:
        """``{"near_front_band": words}`` when only some objectives have intervals, else nothing."""
        exact = [o.metric for o in self.objectives if not self.has_ci(o.metric)]
        if not exact or len(exact) == len(self.objectives):
            return {}
        with_ci = [o.metric for o in self.objectives if o.metric not in exact]
        return {
            "near_front_band": f"The near-front band uses the confidence intervals of {', '.join(with_ci)} "
            f"and treats {', '.join(exact)} as exact (no interval)."
        }
