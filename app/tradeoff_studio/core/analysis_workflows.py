"""User actions on analyses and decisions (house rule 2); the CLI and the desktop app call these.

Each takes an open :class:`~tradeoff_studio.core.project.Project` (the caller owns opening and
closing it) and returns records with ``to_dict()``. Analyses and decisions are written
atomically with their audit entries; exports are audited too.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import audit
from .analyses import kinds, store
from .analyses.candidates import CandidateTable
from .analyses.store import AnalysisRecord
from .analyses.where import filtered
from .decisions import store as decision_store
from .decisions.defaults import default_preferences
from .decisions.evidence import Evidence, evaluate
from .decisions.preferences import Preferences
from .decisions.store import DecisionRecord
from .export import (
    check_target,
    export_format,
    unencrypted_export_warning,
    write_bytes_atomically,
    write_query,
)
from .jobs import CancelToken, Progress, no_progress, scaled
from .project import Project
from .sql import ident

if TYPE_CHECKING:
    import pandas as pd

    from .analyses.ope.estimate import EstimateResult, OpeEstimateSpec

__all__ = [
    "CandidatesExport",
    "analyze",
    "analyze_cost_quality",
    "analyze_fairness",
    "analyze_generic",
    "analyze_ope",
    "analyze_risk_return",
    "candidate_groups",
    "decide",
    "estimate_ope",
    "evaluate_decision",
    "export_candidates",
    "get_candidates",
    "list_analyses",
    "list_decisions",
    "measure_model_variants",
]

_ANALYSIS_SHARE = 0.9


def _target_name(project: Project, name: str | None, default: str) -> str:
    """``name`` when it is free (else :class:`NameInUseError`), or a free ``default``-based name."""
    if name is None:
        return store.unique_name(project, default)
    store.check_name_free(project, name)
    return name


def analyze(
    project: Project,
    spec: Any,
    *,
    name: str | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    where: str | None = None,
) -> AnalysisRecord:
    """Run the analysis ``spec`` asks for (its kind found in :mod:`.analyses.kinds` by the spec's type)
    and store its candidates with the spec and the kind's typed result extras, atomically.

    ``name`` defaults to the kind's ``<kind>-<table>``, made unique. With ``where`` the analysis
    reads only the rows that SQL condition keeps (:mod:`.analyses.where`), and the stored spec
    records the filter and the rows kept. Progress is scaled; ``cancel`` stops it before storing.
    """
    described = kinds.kind_of(spec)
    token = cancel or CancelToken()
    target = _target_name(project, name, described.default_name(spec))
    with filtered(project, described.table_of(spec), where) as row_filter:
        table = described.run(project, spec, progress=scaled(progress, 0.0, _ANALYSIS_SHARE), cancel=token)
    token.raise_if_cancelled()
    table = replace(table, extras=described.extras(spec, table))
    progress(_ANALYSIS_SHARE, "Storing the candidates")
    inputs = spec.to_dict() | ({"where": row_filter.to_dict()} if row_filter else {})
    record = store.store_analysis(project, target, table, inputs)
    progress(1.0, "Done")
    return record


# One-line forms of analyze() per kind, kept for callers written before it (and parallel branches).
analyze_generic = analyze_fairness = analyze_ope = analyze_risk_return = analyze_cost_quality = analyze
measure_model_variants = analyze


def list_analyses(project: Project) -> list[AnalysisRecord]:
    """Every stored analysis, oldest first."""
    return store.list_analyses(project)


def get_candidates(project: Project, name: str, *, front_only: bool = False) -> CandidateTable:
    """The candidates of analysis ``name``; only the Pareto front when ``front_only``."""
    table = store.load_analysis(project, name)
    if not front_only:
        return table
    return replace(table, frame=table.frame[table.frame["on_front"]].reset_index(drop=True))


@dataclass(frozen=True)
class CandidatesExport:
    """A candidates file written by :func:`export_candidates`."""

    analysis: str
    path: str
    rows: int
    sha256: str
    warning: str | None = None  # set when an encrypted project's data leaves it unencrypted
    notes: tuple[str, ...] = ()  # what the writer changed (neutralised cells, hex columns)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "analysis": self.analysis,
            "path": self.path,
            "rows": self.rows,
            "sha256": self.sha256,
            "warning": self.warning,
            "notes": list(self.notes),
        }


def export_candidates(
    project: Project, name: str, path: Path, *, front_only: bool = False, raw: bool = False
) -> CandidatesExport:
    """Write the candidates to ``.csv``, ``.parquet`` or ``.xlsx`` (through :mod:`.export`: formulas
    neutralised unless ``raw``, written atomically) or ``.json``; audited."""
    table = get_candidates(project, name, front_only=front_only)
    input_sha = store.get_analysis(project, name).sha256
    details = {"front_only": front_only}
    if export_format(path, _CANDIDATE_FORMATS) != "json":
        with _registered(project, table.frame) as view:
            written = write_query(project, ident(view), path, subject=name, raw=raw,
                                         audit_details=details, input_sha256=input_sha)  # fmt: skip
        return CandidatesExport(name, written.path, written.rows, written.sha256, written.warning,
                                tuple(written.notes()))  # fmt: skip
    check_target(project, path)
    sha = write_bytes_atomically(path, lambda scratch: store.write_candidates(table.frame, scratch))
    warning = unencrypted_export_warning(project, path)
    record = CandidatesExport(name, str(path.resolve()), len(table.frame), sha, warning)
    with project.transaction() as con:
        details |= {"path": record.path, "rows": record.rows, "format": "json"}
        audit.record(con, action="export", subject=name, details=details, input_sha256=input_sha,
                     output_sha256=sha)  # fmt: skip
    return record


_CANDIDATE_FORMATS = {".csv": "csv", ".json": "json", ".parquet": "parquet", ".xlsx": "xlsx"}


@contextmanager
def _registered(project: Project, frame: pd.DataFrame) -> Iterator[str]:
    """``frame`` as a view on the project's connection; cells that are lists or objects become JSON text."""
    import json

    safe = frame.copy()
    for column in safe.columns:
        if (
            safe[column].dtype == object
            and not safe[column].map(lambda v: v is None or isinstance(v, str)).all()
        ):
            safe[column] = safe[column].map(lambda v: v if v is None else json.dumps(v, default=str))
    view = f"_ts_export_{uuid.uuid4().hex}"
    project.con.register(view, safe)
    try:
        yield view
    finally:
        project.con.unregister(view)


def evaluate_decision(
    project: Project, analysis: str, preferences: Preferences, *, candidate_id: str | None = None
) -> Evidence:
    """Preview a decision: the candidate the preferences choose (or ``candidate_id``) and its evidence
    (for a fairness analysis, with the per-group table)."""
    table = store.load_analysis(project, analysis)
    preferences = default_preferences(table, preferences, candidate_id)  # risk-return: see defaults.py
    details = None
    if table.kind == "fairness":
        details = lambda chosen: candidate_groups(project, analysis, chosen)  # noqa: E731
    return evaluate(table, preferences, candidate_id, details=details)


def candidate_groups(project: Project, analysis: str, candidate_id: str) -> dict[str, Any]:
    """Per-group evidence of one candidate of a fairness analysis: n, base rate, selection rate, TPR,
    FPR, precision, accuracy and threshold per group, with bootstrap intervals when the analysis
    has resamples (see :mod:`.analyses.fairness.evidence`). Reads the project only."""
    from .analyses.candidates import AnalysisError
    from .analyses.fairness.evidence import group_evidence
    from .decisions.evidence import plain
    from .decisions.frontier import row_of

    record = store.get_analysis(project, analysis)
    if record.kind != "fairness":
        raise AnalysisError(
            f"Per-group evidence is computed for fairness analyses; '{analysis}' is a {record.kind} analysis."
        )
    table = store.load_analysis(project, analysis)
    row = table.frame.iloc[row_of(table, candidate_id)]
    inputs = dict(record.spec["inputs"])
    where = inputs.pop("where", None)  # the analysis's --where: count the same rows again
    if "dataset" in inputs:  # --dataset (#21): the stored counts stand in for the rows
        from .analyses.fairness.from_counts import dataset_group_evidence

        return dataset_group_evidence(project, inputs, {str(k): plain(v) for k, v in row.items()})
    with filtered(project, inputs["table"], where["expression"] if where else None):
        return group_evidence(project, inputs, {str(k): plain(v) for k, v in row.items()})


def decide(
    project: Project,
    analysis: str,
    *,
    rationale: str,
    preferences: Preferences | None = None,
    candidate_id: str | None = None,
    supersedes: str | None = None,
) -> DecisionRecord:
    """Choose a candidate (by preferences, or ``candidate_id``) and record it with its evidence.

    ``supersedes`` names a current decision on the same analysis that this one replaces."""
    record = store.get_analysis(project, analysis)
    prefs = default_preferences(
        store.load_analysis(project, analysis), preferences or Preferences(), candidate_id
    )
    evidence = evaluate_decision(project, analysis, prefs, candidate_id=candidate_id)
    return decision_store.store_decision(project, record, prefs, evidence, rationale, supersedes=supersedes)


def list_decisions(project: Project, analysis: str | None = None) -> list[DecisionRecord]:
    """Recorded decisions, oldest first; only those on ``analysis`` when it is given."""
    if analysis is not None:
        store.get_analysis(project, analysis)
    return decision_store.list_decisions(project, analysis)


def estimate_ope(
    project: Project,
    spec: OpeEstimateSpec,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> EstimateResult:
    """Estimate ONNX policies' values from a bandit log and write the result table (``ope-estimate``;
    see :mod:`.analyses.ope.estimate`): one row per (policy, estimator), catalogued and audited."""
    from .analyses.ope.estimate import estimate_ope as run

    return run(project, spec, progress=progress, cancel=cancel)
