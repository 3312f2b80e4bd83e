"""The ``generic`` kind's descriptor (:mod:`.kinds`): any table, one row per candidate, objective columns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .candidates import AnalysisError, Objective, parse_objectives
from .generic import MISSING_CHOICES, GenericSpec, analyze_generic
from .kinds import AnalysisKind, Parameter, column, names

PARAMETERS = (
    Parameter("objective", "--objective", "objectives", repeat=True, default=(), metavar="COL:max|min"),
    column("id_column", "--id", "id column (default: row number)", "id"),
    Parameter(
        "ci",
        "--ci",
        "columns",
        "interval columns of an objective (default: COL_lo and COL_hi when present)",
        repeat=True,
        default=(),
        metavar="COL=LO,HI",
    ),
    Parameter(
        "ci_level",
        "--ci-level",
        "float",
        "confidence of the intervals",
        default=0.95,
        low=0.0,
        high=1.0,
        low_open=True,
        high_open=True,
    ),
    Parameter(
        "knob",
        "--knob",
        "columns",
        "columns the analyst sets (default: every column that is not an objective or interval)",
        repeat=True,
        metavar="COL[,COL]",
    ),
    Parameter(
        "missing",
        "--missing",
        "choice",
        "a row with a missing objective or interval value: refuse the analysis, or drop the row "
        "(dropped rows are counted and named)",
        default="refuse",
        choices=MISSING_CHOICES,
    ),
    Parameter(
        "reference_set",
        "--reference-set",
        "table",
        "a table of reference points (e.g. the best known front) with the objective columns: adds IGD+ "
        "and the additive epsilon indicator of the front against it",
        metavar="T",
    ),
)


def build(values: Mapping[str, Any]) -> GenericSpec:
    """The spec from ``--objective``s and ``--objectives`` (no repeats), intervals, level and knobs."""
    knobs = names(values.get("knob")) if values.get("knob") else None
    return GenericSpec(
        values["table"],
        _objectives(values),
        values.get("id_column"),
        _intervals(values.get("ci") or []),
        values.get("ci_level", 0.95),
        knobs,
        values.get("missing") or "refuse",
        values.get("reference_set"),
    )


def _objectives(values: Mapping[str, Any]) -> list[Objective]:
    objectives = [Objective.parse(text) for text in values.get("objective") or []]
    if values.get("objectives"):
        objectives += parse_objectives(values["objectives"])
    metrics = [objective.metric for objective in objectives]
    if len(set(metrics)) != len(metrics):
        raise AnalysisError(f"An objective is given twice: {', '.join(map(str, objectives))}.")
    return objectives


def _intervals(values: list[str]) -> dict[str, tuple[str, str]]:
    intervals = {}
    for value in values:
        metric, _, columns = value.partition("=")
        lo, comma, hi = columns.partition(",")
        if not metric or not lo or not comma or not hi:
            raise AnalysisError(f"--ci expects COL=LO,HI (e.g. cost=cost_low,cost_high), got {value!r}.")
        intervals[metric] = (lo, hi)
    return intervals


def _demo() -> GenericSpec:
    return GenericSpec(
        "ope_results",
        [Objective("estimated_value", "max"), Objective("true_value", "max")],
        knobs=["policy", "estimator"],
    )


KIND = AnalysisKind(
    name="generic",
    title="Generic trade-off",
    help="any table: one row per candidate, objective columns",
    spec_type=GenericSpec,
    run=analyze_generic,
    build=build,
    parameters=PARAMETERS,
    default_objectives=(),
    demo=_demo,
)
