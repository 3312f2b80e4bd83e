"""The ``cost-quality`` kind's descriptor (:mod:`..kinds`): systems, hull mixtures and cascades."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..candidates import Objective
from ..kinds import MAX_RESAMPLES, MAX_THRESHOLDS, AnalysisKind, Parameter, column, names, objectives_value
from .analysis import analyze_cost_quality
from .spec import CostQualitySpec

_COST = {"low": 0.0, "high": 1e15}  # a cost per item or a budget: a finite number >= 0

PARAMETERS = (
    column("item", "--item", "item (question, task) column", "item", required=True),
    column("system", "--system", "system (model) column", "system", required=True),
    column(
        "correct", "--correct", "correct flag (boolean, 0/1) or score in [0, 1]", "correct", required=True
    ),
    column("cost", "--cost", "cost per item: dollars, latency, tokens, any column", "cost", "latency"),
    column("input_tokens", "--input-tokens", "input token counts (with --price-table)", "cost"),
    column("output_tokens", "--output-tokens", "output token counts (with --price-table)", "cost"),
    Parameter(
        "price_table",
        "--price-table",
        "table",
        "table with system, input_price, output_price (per 1M tokens)",
        metavar="T",
    ),
    column("latency", "--latency", "latency column (p50/p95 per candidate)", "latency"),
    column("confidence", "--confidence", "confidence column (enables cascades)", "confidence"),
    Parameter("human_cost", "--human-cost", "float", "a human expert's cost per item", metavar="X", **_COST),
    Parameter("systems", "--systems", "text", "only these systems", repeat=True, metavar="A,B"),
    Parameter(
        "resamples",
        "--resamples",
        "int",
        "bootstrap resamples",
        default=500,
        low=10,
        high=MAX_RESAMPLES,
        metavar="N",
    ),
    Parameter(
        "thresholds",
        "--thresholds",
        "int",
        "cascade quantile steps",
        default=20,
        low=2,
        high=MAX_THRESHOLDS,
        metavar="N",
    ),
    Parameter(
        "target_quality",
        "--target-quality",
        "float",
        "add the cheapest hull mixture reaching this quality (repeatable)",
        repeat=True,
        default=(),
        low=-1e15,
        high=1e15,
        metavar="Q",
    ),
    Parameter(
        "budget",
        "--budget",
        "float",
        "add the best hull mixture costing at most C an item (repeatable)",
        repeat=True,
        default=(),
        metavar="C",
        **_COST,
    ),
    Parameter(
        "missing",
        "--missing",
        "choice",
        "items a system did not answer: refuse (default), keep only the items every system answered "
        "(common), or score them as wrong (incorrect)",
        default="refuse",
        choices=("refuse", "common", "incorrect"),
    ),
    Parameter(
        "missing_cost",
        "--missing-cost",
        "float",
        "with --missing incorrect: an unanswered item's cost (default 0)",
        metavar="X",
    ),
    column(
        "cluster",
        "--cluster",
        "items nest in groups of this column (dataset, document): the intervals resample whole groups",
    ),
    Parameter(
        "pass_at",
        "--pass-at",
        "float",
        "a graded score of at least X passes (cost-of-pass of graded scores)",
        low=0.0,
        high=1.0,
        low_open=True,
        metavar="X",
    ),
    Parameter(
        "folds",
        "--folds",
        "int",
        "cross-fit the cascades' thresholds over K folds (the in-sample figures stay beside them)",
        low=2,
        high=20,
        metavar="K",
    ),
)


def build(values: Mapping[str, Any]) -> CostQualitySpec:
    """The spec from the columns, the cost axis and the settings."""
    options = objectives_value(values)
    if values.get("systems"):
        options["systems"] = tuple(names(values["systems"]))
    get = values.get
    return CostQualitySpec(
        table=values["table"],
        item=values["item"],
        system=values["system"],
        correct=values["correct"],
        cost=get("cost"),
        input_tokens=get("input_tokens"),
        output_tokens=get("output_tokens"),
        price_table=get("price_table"),
        latency=get("latency"),
        confidence=get("confidence"),
        human_cost=get("human_cost"),
        resamples=get("resamples", 500),
        thresholds=get("thresholds", 20),
        target_qualities=tuple(get("target_quality") or ()),
        budgets=tuple(get("budget") or ()),
        missing=get("missing", "refuse"),
        missing_cost=get("missing_cost"),
        cluster=get("cluster"),
        pass_at=get("pass_at"),
        folds=get("folds"),
        **options,
    )


def _demo() -> CostQualitySpec:
    return CostQualitySpec(
        "llm_eval_log",
        item="item",
        system="system",
        correct="correct",
        cost="cost_usd",
        latency="latency_ms",
        confidence="confidence",
        human_cost=0.05,
    )


KIND = AnalysisKind(
    name="cost-quality",
    title="Cost–quality routing",
    help="cost against quality: systems, hull mixtures, cascades, cost-of-pass",
    spec_type=CostQualitySpec,
    run=analyze_cost_quality,
    build=build,
    parameters=PARAMETERS,
    default_objectives=(Objective("quality", "max"), Objective("cost", "min")),
    demo=_demo,
)
