"""User actions on datasets outside the project (issue #21): analyse Parquet files where they lie.

The rows never enter the project. An engine (:mod:`.engines`: DuckDB in this process, or Ray Data
on a cluster) reduces them to counts per (group, score bin, label) for the fairness analysis, or to
per-(system, item) aggregates for the cost–quality analysis; the analysis runs on those; the
candidates are stored with the counts (fairness), the dataset's file list (sizes, modification
times, hashes when asked), its row count and the engine's versions as provenance.
Nothing is stored until every count has been checked against the Parquet footers; a cancel or an
error leaves the project unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from .analyses import kinds, store
from .analyses.candidates import CandidateTable
from .analyses.cost_quality.spec import CostQualitySpec
from .analyses.fairness.from_counts import analyze_counts, check_dataset_spec
from .analyses.fairness.spec import FairnessSpec
from .analyses.store import AnalysisRecord
from .engines import get_engine
from .engines.base import FairnessRequest
from .engines.child import count_in_child, run_in_child
from .engines.dataset import DatasetError, open_dataset
from .engines.fairness_counts import count_fairness
from .engines.scoring import prepare_scoring
from .jobs import CancelToken, Progress, no_progress, scaled
from .project import Project

DATASET_TABLE = "dataset"
"""The ``table`` of a dataset analysis's spec: the rows are not in a project table."""


def analyze_fairness_dataset(
    project: Project,
    spec: FairnessSpec,
    pattern: str,
    *,
    engine: str = "duckdb",
    ray_address: str | None = None,
    hash_files: bool = False,
    models: Sequence[str] = (),
    edges: str = "exact",
    name: str | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    engine_options: dict[str, Any] | None = None,
) -> AnalysisRecord:
    """Run the fairness analysis ``spec`` on the Parquet files ``pattern`` names with ``engine``
    and store it (default name ``fairness-dataset``, made unique), atomically and audited.

    ``edges``: the score bins' edges are the ``exact`` quantiles of all rows (two more passes) or
    quantiles of a ``sample``. ``models`` (registered ONNX models) are scored inside Ray's actors;
    their scores are the spec's ``score_<model>`` columns. The Ray driver runs in a child process
    (:mod:`.engines.child`) unless ``engine_options`` are given: they go to an in-process engine
    (e.g. a Ray ``block_hook`` in tests).
    """
    token = cancel or CancelToken()
    check_dataset_spec(spec)
    target = _free_name(project, name)
    progress(0.0, f"Listing {pattern}")
    dataset = open_dataset(pattern, hash_files=hash_files)
    scorings = tuple(prepare_scoring(project, m, dataset) for m in _checked_models(models, engine, spec))
    request = FairnessRequest(spec.label, tuple(spec.sensitive), tuple(spec.scores))
    job = {"bins": spec.bins, "positive": spec.positive, "edges": edges}
    step = scaled(progress, 0.02, 0.7)
    if engine == "ray" and not engine_options:  # the Ray driver in a child process: cancel = SIGINT
        options = {"address": ray_address, "scorings": scorings}
        counts = count_in_child(options, dataset, request, job, progress=step, cancel=token)
    else:
        chosen = _engine(
            engine, ray_address, (engine_options or {}) | ({"scorings": scorings} if scorings else {})
        )
        counts = count_fairness(chosen, dataset, request, **job, progress=step, cancel=token)
    table = analyze_counts(spec, counts, progress=scaled(progress, 0.7, 0.95), cancel=token)
    provenance = dataset.to_dict() | counts.to_dict() | {"hashes": hash_files, "ray_address": ray_address}
    provenance["models"] = [scoring.to_dict() for scoring in scorings]
    return _store(project, target, ("fairness", spec, table), provenance, progress=progress, cancel=token)


def analyze_cost_quality_dataset(
    project: Project,
    spec: CostQualitySpec,
    pattern: str,
    *,
    engine: str = "duckdb",
    ray_address: str | None = None,
    hash_files: bool = False,
    name: str | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    engine_options: dict[str, Any] | None = None,
) -> AnalysisRecord:
    """Run the cost–quality analysis ``spec`` on the evaluation log in the Parquet files ``pattern``
    names: ``engine`` aggregates per (system, item), the checked pairs go to the same analysis as a
    project table; stored (default name ``cost-quality-dataset``) atomically and audited, with the
    file list, the row count and the engine's versions. The Ray driver runs in a child process
    unless ``engine_options`` (for an in-process engine) are given."""
    from .analyses.cost_quality import dataset as logs
    from .engines.pairs import collect_pairs

    token = cancel or CancelToken()
    logs.check_dataset_spec(project, spec)
    target = _free_name(project, name, "cost-quality-dataset")
    progress(0.0, f"Listing {pattern}")
    dataset = open_dataset(pattern, hash_files=hash_files)
    logs.check_dataset_types(dataset, spec)
    request, step = logs.pairs_request(spec), scaled(progress, 0.02, 0.5)
    if engine == "ray" and not engine_options:  # the Ray driver in a child process: cancel = SIGINT
        options = {"address": ray_address}
        found = run_in_child(options, collect_pairs, (dataset, request), {}, progress=step, cancel=token)
    else:
        chosen = _engine(engine, ray_address, engine_options or {})
        found = collect_pairs(chosen, dataset, request, progress=step, cancel=token)
    pairs = logs.check_pairs(found.pairs, spec, pattern)
    table = logs.analyze_pairs(project, spec, pairs, progress=scaled(progress, 0.5, 0.95), cancel=token)
    provenance = dataset.to_dict() | found.to_dict() | {"hashes": hash_files, "ray_address": ray_address}
    return _store(project, target, ("cost-quality", spec, table), provenance, progress=progress, cancel=token)


def _store(
    project: Project,
    target: str,
    analysis: tuple[str, Any, CandidateTable],
    provenance: dict[str, Any],
    *,
    progress: Progress,
    cancel: CancelToken,
) -> AnalysisRecord:
    """Store a dataset analysis (kind, spec, candidates) with the dataset's provenance in its settings."""
    kind, spec, table = analysis
    cancel.raise_if_cancelled()
    table = replace(table, extras=kinds.kind(kind).extras(spec, table))
    progress(0.95, "Storing the candidates")
    record = store.store_analysis(project, target, table, spec.to_dict() | {"dataset": provenance})
    progress(1.0, "Done")
    return record


def _free_name(project: Project, name: str | None, default: str = "fairness-dataset") -> str:
    if name is None:
        return store.unique_name(project, default)
    store.check_name_free(project, name)
    return name


def _checked_models(models: Sequence[str], engine: str, spec: FairnessSpec) -> Sequence[str]:
    if models and engine != "ray":
        raise DatasetError(
            "--model scores the dataset inside Ray's actors: add --engine ray, or import the data and run "
            "'tradeoff-studio score' first."
        )
    missing = [m for m in models if f"score_{m}" not in spec.scores]
    if missing:
        raise DatasetError(f"The spec has no score column for model(s) {', '.join(missing)} (score_NAME).")
    return models


def _engine(name: str, address: str | None, options: dict[str, Any]) -> Any:
    if name == "ray" and options:
        from .engines.ray_engine import RayEngine

        return RayEngine(address=address, **options)
    return get_engine(name, address=address)
