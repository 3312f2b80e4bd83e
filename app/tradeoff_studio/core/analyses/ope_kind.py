"""The ``ope`` kind's descriptor (:mod:`.kinds`): off-policy evaluation shortlists, SharpeRatio@k."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .candidates import Objective
from .kinds import AnalysisKind, column, given, objectives_value, resamples
from .ope import OpeSpec, analyze_ope

PARAMETERS = (
    column("policy", "--policy", "policy column", required=True),
    column("estimator", "--estimator", "OPE estimator column", required=True),
    column("estimate", "--estimate", "estimated value column", required=True),
    column("true_value", "--true-value", "true value column", required=True),
    column("behaviour", "--behaviour", "boolean column, true for the behaviour policy", required=True),
    resamples(None, "bootstrap resamples (default 500, at least 10)"),
)


def build(values: Mapping[str, Any]) -> OpeSpec:
    """The spec from the five columns, the resamples and the objectives."""
    return OpeSpec(
        table=values["table"],
        policy=values["policy"],
        estimator=values["estimator"],
        estimate=values["estimate"],
        true_value=values["true_value"],
        behaviour=values["behaviour"],
        **objectives_value(values),
        **given(values, "resamples"),
    )


def _demo() -> OpeSpec:
    return OpeSpec(
        "ope_results",
        policy="policy",
        estimator="estimator",
        estimate="estimated_value",
        true_value="true_value",
        behaviour="is_behaviour",
    )


KIND = AnalysisKind(
    name="ope",
    title="Off-policy evaluation shortlist",
    help="off-policy evaluation: top-k policies per estimator (SharpeRatio@k)",
    spec_type=OpeSpec,
    run=analyze_ope,
    build=build,
    parameters=PARAMETERS,
    default_objectives=(Objective("sharpe_ratio_at_k", "max"),),
    demo=_demo,
)
