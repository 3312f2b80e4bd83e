"""``analyze PROJECT fairness|cost-quality --dataset GLOB [--engine duckdb|ray] [--ray-address A]
[--hash-files]``.

The options come from :data:`~..core.engines.options.DATASET_PARAMETERS` (generated like every
kind's options; ``--model`` is fairness's only). With ``--dataset`` the command needs no
``--table``: the rows stay in the Parquet files and an engine reduces them to counts (fairness) or
per-(system, item) aggregates (cost–quality) (issue #21).
"""

from __future__ import annotations

import argparse

from ..core.analyses.kinds import kind
from ..core.analyses.store import AnalysisRecord
from ..core.engines.options import DATASET_PARAMETERS, FAIRNESS_ONLY
from .analysis_common import MissingOptionError, add_parameter, spec_from
from .commands import opened_project
from .console import run_job


def add_dataset_options(command: argparse.ArgumentParser, *, models: bool = True) -> None:
    """Add ``--dataset``, ``--engine``, ``--ray-address``, ``--hash-files`` (and ``--model`` and
    ``--edges`` when ``models``); ``--table`` becomes optional (one of the two is checked when the
    command runs)."""
    for action in command._actions:  # argparse has no public way to relax a required option
        if action.dest == "table":
            action.required = False
    for parameter in DATASET_PARAMETERS:
        if models or parameter.name not in FAIRNESS_ONLY:
            add_parameter(command, parameter)


def wants_dataset(args: argparse.Namespace) -> bool:
    """Whether the command names a dataset (else a project table); refuses neither and both."""
    dataset, table = getattr(args, "dataset", None), getattr(args, "table", None)
    if dataset and table:
        raise MissingOptionError("Give either --table T (a project table) or --dataset GLOB, not both.")
    if not dataset and not table:
        raise MissingOptionError(
            f"analyze {args.analysis_kind} needs --table T (a project table) or --dataset "
            "'DIR_OR_GLOB/*.parquet'."
        )
    if dataset and args.where:
        raise MissingOptionError("--where filters a project table; it does not apply to --dataset.")
    if not dataset and (args.engine != "duckdb" or args.ray_address or getattr(args, "model", None)):
        raise MissingOptionError("--engine, --ray-address and --model apply to --dataset only.")
    return bool(dataset)


def run_dataset_analysis(args: argparse.Namespace) -> AnalysisRecord:
    """Open the project, build the fairness spec from the options and run it on the dataset as a job
    (progress on stderr, Ctrl-C cancels and leaves the project unchanged)."""
    from ..core.optional import require

    require("pyarrow", "analyze --dataset")  # the installed app leaves pyarrow out (packaging/)
    from ..core import dataset_workflows as flows

    args.table = flows.DATASET_TABLE
    models = list(args.model or [])
    args.score = list(args.score or []) + [f"score_{model}" for model in models]
    spec = spec_from(args, kind("fairness"))
    with opened_project(args) as project:
        return run_job(
            lambda progress, cancel: flows.analyze_fairness_dataset(
                project,
                spec,
                args.dataset,
                engine=args.engine,
                ray_address=args.ray_address,
                hash_files=args.hash_files,
                models=models,
                edges=args.edges,
                name=args.name,
                progress=progress,
                cancel=cancel,
            )
        )


def run_cost_quality_dataset(args: argparse.Namespace) -> AnalysisRecord:
    """Open the project, build the cost–quality spec from the options and run it on the dataset as a
    job (progress on stderr, Ctrl-C cancels and leaves the project unchanged)."""
    from ..core.optional import require

    require("pyarrow", "analyze --dataset")  # the installed app leaves pyarrow out (packaging/)
    from ..core import dataset_workflows as flows

    args.table = flows.DATASET_TABLE
    spec = spec_from(args, kind("cost-quality"))
    with opened_project(args) as project:
        return run_job(
            lambda progress, cancel: flows.analyze_cost_quality_dataset(
                project, spec, args.dataset, engine=args.engine, ray_address=args.ray_address,
                hash_files=args.hash_files, name=args.name, progress=progress, cancel=cancel,
            )
        )  # fmt: skip


def dataset_lines(record: AnalysisRecord) -> list[str]:
    """The dataset's provenance and the bins' exactness in words (empty for a table analysis)."""
    found = record.spec.get("inputs", {}).get("dataset")
    if not found:
        return []
    versions = ", ".join(f"{name} {version}" for name, version in found["versions"].items())
    hashed = " with SHA-256 hashes" if found.get("hashes") else ""
    head = f"Dataset: {found['pattern']} — {len(found['files']):,} Parquet file(s){hashed}, "
    head += f"{found['rows']:,} rows (equal to the footers' total)"
    if "edges_sha256" not in found:  # cost–quality: per-(system, item) aggregates
        return [
            head + f" in {found['pairs']:,} (system, item) pairs, aggregated by the {found['engine']} "
            f"engine ({versions}); the rows stay there."
        ]
    return [
        head + f", counted by the {found['engine']} engine ({versions}); the rows stay there, the counts "
        "are stored.",
        f"Bins: {record.spec['notes'].get('bins_note', '')} Edges SHA-256 {found['edges_sha256'][:16]}….",
    ]
