"""The ``ope`` kind's descriptor (:mod:`.kinds`): off-policy evaluation shortlists, SharpeRatio@k."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .candidates import AnalysisError, Objective
from .kinds import AnalysisKind, Parameter, column, given, objectives_value, resamples
from .ope import CONVENTIONS, OpeSpec, analyze_ope, check_spec

CONVENTION_NAMES = tuple(CONVENTIONS)

PARAMETERS = (
    column("policy", "--policy", "policy column", required=True),
    column("estimator", "--estimator", "OPE estimator column", required=True),
    column("estimate", "--estimate", "estimated value column", required=True),
    column("true_value", "--true-value", "true value column (optional: without it each estimator is judged "
           "on its own estimates, against its own estimate of the behaviour policy)"),
    column("behaviour", "--behaviour", "boolean column, true for the behaviour policy", required=True),
    Parameter("k_max", "--k-max", "int", "largest shortlist (A/B arms) to consider (default: every policy)",
              low=2, high=1_000_000, metavar="N"),
    resamples(None, "bootstrap resamples (default 500, at least 10)"),
    Parameter("ci_level", "--ci-level", "float", "interval level (default 0.95)", low=0.0, high=1.0,
              low_open=True, high_open=True, metavar="L"),
    Parameter("seed", "--seed", "int", "bootstrap seed", metavar="S"),
    Parameter("convention", "--convention", "choice", "SharpeRatio@k as the paper writes it (default) or "
              "as SCOPE-RL's code computes it (excess clipped at 0, std with ddof = 1)",
              choices=CONVENTION_NAMES),
    Parameter("value_range", "--value-range", "text", "possible policy values, e.g. 0,1 for a click rate; "
              "values outside are listed as warnings (default: the reward range of an ope-estimate table)",
              metavar="LO,HI"),
    Parameter("cvar_alpha", "--cvar-alpha", "float", "cvar_at_k averages the lowest ceil(A*k) values of the "
              "top k (default 0.3)", low=0.0, high=1.0, low_open=True, metavar="A"),
    column("cluster", "--cluster", "policies nest in groups of this column (variants of one family): the "
           "intervals resample whole groups"),
    Parameter("relative_safety", "--relative-safety", "float", "safety_violation_rate_at_k counts picks "
              "below X times the behaviour policy's value (default 1)", low=-1e15, high=1e15, metavar="X"),
)  # fmt: skip


def value_range(text: str | None) -> tuple[float, float] | None:
    """``"0,1"`` → (0.0, 1.0); None stays None. :class:`AnalysisError` unless LOW < HIGH, both finite."""
    if text is None:
        return None
    low, comma, high = text.partition(",")
    try:
        pair = (float(low), float(high)) if comma else None
    except ValueError:
        pair = None
    if pair is None or not all(math.isfinite(v) for v in pair) or not pair[0] < pair[1]:
        raise AnalysisError(f"--value-range expects LOW,HIGH with LOW < HIGH, e.g. 0,1; got {text!r}.")
    return pair


def build(values: Mapping[str, Any]) -> OpeSpec:
    """The spec from the columns, the shortlist and bootstrap settings and the objectives."""
    spec = OpeSpec(
        table=values["table"],
        policy=values["policy"],
        estimator=values["estimator"],
        estimate=values["estimate"],
        true_value=values.get("true_value"),
        behaviour=values["behaviour"],
        value_range=value_range(values.get("value_range")),
        **objectives_value(values),
        **given(
            values,
            "resamples",
            "k_max",
            "ci_level",
            "seed",
            "convention",
            "cvar_alpha",
            "relative_safety",
            "cluster",
        ),
    )
    check_spec(spec)
    return spec


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
    default_objectives=(Objective("sharpe_ratio_at_k", "max"), Objective("k", "min")),
    demo=_demo,
)
