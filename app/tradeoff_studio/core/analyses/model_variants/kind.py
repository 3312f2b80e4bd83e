"""The ``model-variants`` kind's descriptor (:mod:`..kinds`): ONNX models side by side on a labelled table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..candidates import AnalysisError, Objective
from ..kinds import (
    MAX_BATCH_ROWS,
    MAX_REPEATS,
    MAX_RESAMPLES,
    AnalysisKind,
    Parameter,
    given,
    label_parameters,
    names,
    objectives_value,
)
from .analysis import VariantSpec, measure_variants

PARAMETERS = (
    *label_parameters(),
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
    Parameter(
        "map",
        "--map",
        "text",
        "bind a model input to column(s), as score does: INPUT=COL or INPUT=COL1,COL2,... (repeat)",
        repeat=True,
        metavar="INPUT=COL",
    ),
    Parameter(
        "reference",
        "--reference",
        "text",
        "compare every model with this one: agreement, max_abs_score_diff",
        metavar="MODEL",
    ),
    Parameter(
        "threads",
        "--threads",
        "int",
        "intra-op threads of every session (default: onnxruntime's)",
        low=1,
        high=256,
        metavar="N",
    ),
    Parameter(
        "batch_sizes",
        "--batch-sizes",
        "text",
        "also time requests of these sizes, e.g. 1,32,1024",
        metavar="N,N,...",
    ),
)


def _mapping(values: Sequence[str] | None) -> tuple[tuple[str, str], ...]:
    """``INPUT=COL`` or ``INPUT=COL1,COL2`` arguments (split at the first ``=``, as ``score --map``)."""
    pairs = []
    for value in values or ():
        name, sep, columns = value.partition("=")
        if not sep or not name or not columns:
            raise AnalysisError(f"--map expects INPUT=COL or INPUT=COL1,COL2,…, got {value!r}.")
        pairs.append((name, columns))
    return tuple(pairs)


def _sizes(text: str | None) -> tuple[int, ...]:
    """``"1,32,1024"`` → (1, 32, 1024); each a whole number from 1 to the batch limit."""
    sizes = []
    for part in (text or "").split(","):
        if not part.strip():
            continue
        if not part.strip().isdigit() or not 1 <= int(part) <= MAX_BATCH_ROWS:
            raise AnalysisError(
                f"--batch-sizes takes whole numbers from 1 to {MAX_BATCH_ROWS:,}; got {part!r}."
            )
        sizes.append(int(part))
    return tuple(sizes)


def build(values: Mapping[str, Any]) -> VariantSpec:
    """The spec from the label, the models and the timing settings."""
    options = given(values, "positive", "batch_size", "bulk_size", "repeats", "resamples", "reference",
                    "threads")  # fmt: skip
    options |= {"mapping": _mapping(values.get("map")), "batch_sizes": _sizes(values.get("batch_sizes"))}
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
