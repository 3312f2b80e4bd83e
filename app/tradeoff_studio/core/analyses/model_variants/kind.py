"""The ``model-variants`` kind's descriptor (:mod:`..kinds`): ONNX models side by side on a labelled table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..candidates import Objective
from ..kinds import (
    MAX_BATCH_ROWS,
    MAX_REPEATS,
    MAX_RESAMPLES,
    AnalysisKind,
    Parameter,
    column,
    given,
    names,
    objectives_value,
)
from .analysis import VariantSpec, measure_variants

PARAMETERS = (
    column("label", "--label", "the binary outcome column", "label", required=True),
    Parameter(
        "positive",
        "--positive",
        "text",
        "the label's positive value (default 1/true)",
        metavar="V",
        roles=("favourable",),
    ),
    Parameter(
        "model",
        "--model",
        "models",
        "a model in the project (repeat)",
        required=True,
        repeat=True,
        metavar="M[,M]",
    ),
    Parameter("provider", "--provider", "choice", default="auto", choices=("auto", "cuda", "cpu")),
    Parameter(
        "batch_size",
        "--batch-size",
        "int",
        "rows per timed request (default 1)",
        low=1,
        high=MAX_BATCH_ROWS,
        metavar="N",
    ),
    Parameter(
        "bulk_size",
        "--bulk-size",
        "int",
        "rows per batch of the throughput pass (default 65,536)",
        low=1,
        high=MAX_BATCH_ROWS,
        metavar="N",
    ),
    Parameter(
        "repeats",
        "--repeats",
        "int",
        "timed requests per model (default 200)",
        low=10,
        high=MAX_REPEATS,
        metavar="N",
    ),
    Parameter(
        "resamples",
        "--resamples",
        "int",
        "bootstrap resamples (default 500)",
        low=10,
        high=MAX_RESAMPLES,
        metavar="N",
    ),
)


def build(values: Mapping[str, Any]) -> VariantSpec:
    """The spec from the label, the models and the timing settings."""
    options = given(values, "positive", "batch_size", "bulk_size", "repeats", "resamples")
    return VariantSpec(
        table=values["table"],
        label=values["label"],
        models=tuple(names(values["model"])),
        provider=values.get("provider", "auto"),
        **options,
        **objectives_value(values),
    )


def _demo() -> VariantSpec:
    return VariantSpec(
        table="credit_applications", label="default", models=("credit_logreg", "credit_gbt", "credit_mlp")
    )


KIND = AnalysisKind(
    name="model-variants",
    title="Model variants",
    help="ONNX models side by side: quality, latency, throughput, peak memory",
    spec_type=VariantSpec,
    run=measure_variants,
    build=build,
    parameters=PARAMETERS,
    default_objectives=(Objective("quality", "max"), Objective("latency_p95_ms", "min")),
    demo=_demo,
)
