"""The dataset options of ``analyze fairness`` (issue #21), as descriptor parameters.

They are kept off the fairness kind's own ``parameters`` because they say where the rows are, not
how to analyse them (the desktop setup form reads project tables); the CLI adds them to the
fairness command with the same generator as every other option.
"""

from __future__ import annotations

from ..analyses.kinds import Parameter
from .base import ENGINES

DATASET_PARAMETERS = (
    Parameter(
        "dataset",
        "--dataset",
        "text",
        "analyse Parquet files outside the project (a directory or a quoted glob); the rows stay there, "
        "the counts and the file list are stored",
        metavar="DIR_OR_GLOB",
    ),
    Parameter(
        "engine",
        "--engine",
        "choice",
        "engine that counts the dataset: duckdb (this machine, the default) or ray (Ray Data; needs the "
        "[ray] extra)",
        default="duckdb",
        choices=ENGINES,
    ),
    Parameter(
        "ray_address",
        "--ray-address",
        "text",
        "Ray cluster to join: auto (the one this machine belongs to) or ray://HOST:10001; default: a "
        "private local Ray",
        metavar="auto|ADDR",
    ),
    Parameter(
        "model",
        "--model",
        "text",
        "score the dataset with these registered ONNX models inside Ray's actors (--engine ray); each "
        "model's scores count as column score_NAME",
        many=True,
        metavar="NAME",
    ),
    Parameter(
        "hash_files", "--hash-files", "bool", "store each file's SHA-256 with the analysis (reads them once)"
    ),
    Parameter(
        "edges",
        "--edges",
        "choice",
        "score bin edges: exact quantiles of all rows (the default; two more passes, the same for every "
        "engine) or quantiles of a sample of about 100,000 rows",
        default="exact",
        choices=("exact", "sample"),
    ),
)
FAIRNESS_ONLY = ("model", "edges")
"""The dataset options of the fairness command only (cost–quality has no scores to bin or model)."""
