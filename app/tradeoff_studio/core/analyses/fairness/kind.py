"""The ``fairness`` kind's descriptor (:mod:`..kinds`): accuracy against fairness of threshold rules.

Its settings beyond the columns (``--policies``, ``--favorable``, ``--selected-means``, ``--costs``,
``--resamples``, ``--weight``, ``--capacity``, ``--bins``) are checked here or by the spec when it
is made, before any project is opened.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...decisions.preferences import parse_assignments
from ..candidates import AnalysisError, CandidateTable, ResultExtras
from ..kinds import MAX_RESAMPLES, AnalysisKind, Parameter, column, label_parameters, names, objectives_value
from .analysis import analyze_fairness
from .spec import DEFAULT_OBJECTIVES, FairnessSpec

PARAMETERS = (
    *label_parameters(),
    Parameter(
        "sensitive",
        "--sensitive",
        "columns",
        "protected attribute(s)",
        required=True,
        repeat=True,
        metavar="COL[,COL]",
        roles=("sensitive",),
    ),
    Parameter(
        "score",
        "--score",
        "columns",
        "score column(s), one per model",
        required=True,
        many=True,
        metavar="COL",
        roles=("score",),
    ),
    Parameter(
        "policies",
        "--policies",
        "text",
        "threshold rules to explore (default global: one threshold for everyone; the others read "
        "the protected attribute at decision time)",
        default="global",
        metavar="global[,group,randomized,capacity]",
    ),
    Parameter(
        "favorable",
        "--favorable",
        "choice",
        "the outcome people want (default selected); rates, dp and dp_ratio use it",
        default="selected",
        choices=("selected", "unselected"),
    ),
    Parameter(
        "selected_means",
        "--selected-means",
        "text",
        'what a selected row (score >= threshold) is, in words, e.g. "flagged" or "denied"',
        default="selected",
        metavar="WORD",
    ),
    Parameter(
        "costs", "--costs", "text", "costs of errors for expected_cost (default 1 each)", metavar="fp=X,fn=Y"
    ),
    Parameter(
        "resamples",
        "--resamples",
        "int",
        "bootstrap resamples (default 200; 0 = none)",
        low=0,
        high=MAX_RESAMPLES,
        metavar="N",
    ),
    column("weight", "--weight", "sample-weight column (non-negative)", "weight"),
    Parameter(
        "capacity",
        "--capacity",
        "text",
        "at most X rows selected (an integer >= 1) or a share in (0, 1]",
        metavar="X",
    ),
    column(
        "cluster",
        "--cluster",
        "rows nest in groups of this column (branch, family, user): the intervals resample whole groups",
    ),
    Parameter(
        "bins",
        "--bins",
        "text",
        "bin a numeric sensitive column: age=25,45,65 or age=q4",
        repeat=True,
        default=(),
        metavar="COL=EDGES|COL=qN",
    ),
)


def build(values: Mapping[str, Any]) -> FairnessSpec:
    """The spec from the columns and settings, checked before any work."""
    return FairnessSpec(
        table=values["table"],
        label=values["label"],
        sensitive=names(values["sensitive"]),
        scores=list(values["score"]),
        positive=values.get("positive"),
        **objectives_value(values),
        **settings(values),
    )


def settings(values: Mapping[str, Any]) -> dict[str, Any]:
    """The spec fields the fairness settings set."""
    result: dict[str, Any] = {
        "policies": tuple(names(values.get("policies", "global"))),
        "favorable": values.get("favorable", "selected"),
        "selected_means": values.get("selected_means", "selected"),
        "weights": values.get("weight"),
        "sensitive_bins": _bins(values.get("bins") or []),
        "cluster": values.get("cluster"),
    }
    if values.get("resamples") is not None:
        result["bootstrap"] = values["resamples"]
    if values.get("costs"):
        result |= _costs(values["costs"])
    if values.get("capacity") is not None:
        result |= _capacity(values["capacity"])
    return result


def _costs(text: str) -> dict[str, float]:
    costs = parse_assignments(text, "--costs")
    unknown = sorted(set(costs) - {"fp", "fn"})
    if unknown or any(value <= 0 for value in costs.values()):
        raise AnalysisError(f"--costs expects fp=X,fn=Y with positive costs (e.g. fp=1,fn=5); got {text!r}.")
    fp, fn = costs.get("fp", 1.0), costs.get("fn", 1.0)
    return {"cost_ratio": fp / fn, "false_negative_cost": fn}


def _capacity(text: str) -> dict[str, Any]:
    raw = text.strip()
    if raw.isdigit() and int(raw) >= 1:
        return {"capacity_top_k": int(raw)}
    try:
        share = float(raw)
    except ValueError:
        share = float("nan")
    if not 0.0 < share <= 1.0:
        raise AnalysisError(
            f"--capacity expects a number of rows (an integer >= 1) or a share in (0, 1], e.g. 500 or 0.2; "
            f"got {text!r}."
        )
    return {"capacity_rate": share}


def _bins(values: list[str]) -> dict[str, str]:
    bins = {}
    for value in values:
        name, sep, edges = value.partition("=")
        if not sep or not name.strip() or not edges.strip():
            raise AnalysisError(
                f"--bins expects COL=EDGES or COL=qN (e.g. age=25,45,65 or age=q4); got {value!r}."
            )
        bins[name.strip()] = edges.strip()
    return bins


def _run(project: Any, spec: FairnessSpec, **job: Any) -> CandidateTable:
    return analyze_fairness(project, spec, **job).candidates


def _extras(spec: FairnessSpec, table: CandidateTable) -> ResultExtras:
    """Intervals at the spec's confidence; per-group ``thresholds`` follow from the rule and are JSON."""
    return ResultExtras(
        spec.confidence, ("thresholds",), tuple(table.notes.get("json_columns", ("thresholds",)))
    )


def _demo() -> FairnessSpec:
    return FairnessSpec(
        table="credit_applications",
        label="default",
        sensitive=["sex"],
        scores=["score_credit_logreg", "score_credit_gbt", "score_credit_mlp"],
        favorable="unselected",
        selected_means="denied",
    )


KIND = AnalysisKind(
    name="fairness",
    title="Fairness–accuracy",
    help="accuracy against fairness of threshold rules",
    spec_type=FairnessSpec,
    run=_run,
    build=build,
    parameters=PARAMETERS,
    default_objectives=tuple(DEFAULT_OBJECTIVES),
    extras=_extras,
    demo=_demo,
)
