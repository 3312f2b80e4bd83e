"""Provenance of a report: data files, models, analysis settings and command lines, versions, audit.

The tables and models an analysis used are found in its stored inputs: every text value that
names one of the project's tables is a table it read; a model counts when the inputs name it or a
score column it wrote in one of those tables. The command lines are rebuilt from the kind's
parameters (:mod:`..analyses.kinds`) and the stored inputs, so they read as a user would type them.
"""

from __future__ import annotations

import hashlib
import json
import shlex
from collections.abc import Iterator
from importlib import metadata
from typing import Any

from ..about import library_versions
from ..analyses import kinds
from ..analyses.store import AnalysisRecord
from ..audit import AuditEntry, entries
from ..data.importer import list_datasets
from ..data.provenance import combined_sha256
from ..decisions.store import DecisionRecord
from ..project import Project
from ..schema import CATALOG_SCHEMA
from .model import AnalysisProvenance, AuditItem, DataProvenance, Provenance

DECISION_ACTIONS = ("decision", "supersede-decision", "withdraw-decision")


def canonical_sha256(value: Any) -> str:
    """SHA-256 of ``value`` as canonical JSON (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


def strings(value: Any) -> Iterator[str]:
    """Every text value inside ``value`` (nested dicts and lists)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def used_tables(project: Project, analysis: AnalysisRecord) -> list[str]:
    """The project's tables named in the analysis's inputs, in project order."""
    named = set(strings(analysis.spec.get("inputs", {})))
    return [table for table in project.tables() if table in named]


def used_models(project: Project, analysis: AnalysisRecord, tables: list[str]) -> list[dict[str, str]]:
    """Models the analysis used: named in its inputs, or writers of score columns its inputs name."""
    named = set(strings(analysis.spec.get("inputs", {})))
    found: dict[str, str] = {}
    for name, sha in project.con.execute(f"SELECT name, sha256 FROM {CATALOG_SCHEMA}.models").fetchall():
        if name in named:
            found[name] = sha
    rows = project.con.execute(
        f"SELECT table_name, column_name, model_name, model_sha256 FROM {CATALOG_SCHEMA}.score_columns"
    ).fetchall()
    for table, column, model, sha in rows:
        if table in tables and column in named:
            found.setdefault(model, sha)
    return [{"name": name, "sha256": sha} for name, sha in sorted(found.items())]


def seeds(value: Any, prefix: str = "") -> dict[str, Any]:
    """Every setting whose name contains ``seed`` (nested names joined with dots)."""
    found: dict[str, Any] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{prefix}{key}"
            if "seed" in str(key) and not isinstance(item, dict):
                found[name] = item
            found |= seeds(item, f"{name}.")
    return found


def _flat(inputs: dict[str, Any]) -> dict[str, Any]:
    flat = dict(inputs)
    for value in inputs.values():
        if isinstance(value, dict):
            flat = {**value, **flat}
    return flat


def analyze_command(analysis: AnalysisRecord) -> str:
    """``tradeoff-studio analyze PROJECT KIND …``: the stored settings as command-line options."""
    inputs = _flat(analysis.spec.get("inputs", {}))
    described = kinds.kind(analysis.kind)
    words = ["tradeoff-studio", "analyze", "PROJECT", analysis.kind, "--name", analysis.name]
    for parameter in (*kinds.COMMON_PARAMETERS, *described.parameters):
        key = next((k for k in (parameter.name, f"{parameter.name}s") if k in inputs), None)
        value = inputs.get(key) if key else None
        if key == "objectives" and isinstance(value, list):
            value = ",".join(map(str, value))
        if value is None or value == parameter.default or value in ([], (), {}) or isinstance(value, dict):
            continue
        words += _option(parameter, value)
    return shlex.join(words)


def _option(parameter: kinds.Parameter, value: Any) -> list[str]:
    if parameter.choice_flags:
        flags = dict(zip(parameter.choices, (flag for flag, _ in parameter.choice_flags), strict=True))
        return [flags[value]] if value in flags else []
    if parameter.type == "bool":
        return [parameter.flag] if value else []
    if isinstance(value, list):
        if parameter.many:
            return [parameter.flag, *map(str, value)]
        return [word for item in value for word in (parameter.flag, str(item))]
    return [parameter.flag, str(value)]


def decide_command(decision: DecisionRecord) -> str:
    """``tradeoff-studio decide PROJECT ANALYSIS …``: the decision's constraints, weights, rationale."""
    prefs = decision.preferences
    words = ["tradeoff-studio", "decide", "PROJECT", decision.analysis]
    for constraint in prefs.get("constraints") or []:
        words += ["--constraint", str(constraint["text"])]
    weights = prefs.get("weights") or {}
    if weights:
        words += ["--weights", ",".join(f"{metric}={weight:g}" for metric, weight in weights.items())]
    if prefs.get("method") not in (None, "tchebycheff", "manual"):
        words += ["--method", str(prefs["method"])]
    if prefs.get("method") == "manual":
        words += ["--candidate", decision.candidate_id]
    if prefs.get("allow_protected_attribute"):
        words.append("--allow-protected-attribute")
    if decision.supersedes:
        words += ["--supersedes", decision.supersedes]
    return shlex.join([*words, "--rationale", decision.rationale])


def versions() -> dict[str, str]:
    """The app's and its libraries' versions (the About box's list, plus numpy and pandas)."""
    found = dict(library_versions())
    for name in ("numpy", "pandas"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def provenance(project: Project, pairs: list[tuple[DecisionRecord, AnalysisRecord]]) -> Provenance:
    """Everything the decisions in ``pairs`` were built from (module docstring)."""
    datasets = {record.table_name: record for record in list_datasets(project)}
    tables: list[str] = []
    models: dict[str, dict[str, str]] = {}
    analyses: dict[str, AnalysisProvenance] = {}
    for decision, analysis in pairs:
        used = used_tables(project, analysis)
        tables += [table for table in used if table not in tables]
        for model in used_models(project, analysis, used):
            models[model["name"]] = model
        if analysis.name not in analyses:
            inputs = analysis.spec.get("inputs", {})
            analyses[analysis.name] = AnalysisProvenance(
                analysis.name,
                analysis.kind,
                analysis.sha256,
                canonical_sha256(inputs),
                inputs,
                seeds(inputs),
                analyze_command(analysis),
                decide_command(decision),
                analysis.created_at,
            )
    data = [_data(datasets[table]) for table in tables if table in datasets]
    decisions = [decision_state(decision) for decision, _ in pairs]
    audit = _audit(project, pairs, tables, list(models))
    return Provenance(
        data,
        list(models.values()),
        list(analyses.values()),
        decisions,
        versions(),
        audit,
        project.project_id,
        str(project.path),
    )


def decision_state(decision: DecisionRecord) -> dict[str, Any]:
    """What verify compares of a decision: its status and the hash of its stored preferences."""
    return {
        "id": decision.id,
        "analysis": decision.analysis,
        "candidate_id": decision.candidate_id,
        "status": decision.status,
        "status_text": decision.status_text(),
        "preferences_sha256": canonical_sha256(decision.preferences),
    }


def _data(record: Any) -> DataProvenance:
    files = [
        {"path": s.path, "sha256": s.sha256, "rows": s.rows, "size_bytes": s.size_bytes}
        for s in record.sources
    ]
    combined = combined_sha256([s.sha256 for s in record.sources])
    return DataProvenance(record.table_name, int(record.row_count), combined, files, str(record.imported_at))


def _audit(
    project: Project, pairs: list[tuple[DecisionRecord, AnalysisRecord]], tables: list[str], models: list[str]
) -> list[AuditItem]:
    ids = {decision.id for decision, _ in pairs}
    analyses = {analysis.name for _, analysis in pairs}
    kept = [e for e in entries(project.con) if _concerns(e, ids, analyses, tables, models)]
    return [
        AuditItem(e.seq, e.logged_at, e.username, e.action, e.subject, e.input_sha256, e.output_sha256)
        for e in kept
    ]


def _concerns(
    entry: AuditEntry, ids: set[str], analyses: set[str], tables: list[str], models: list[str]
) -> bool:
    """Whether an audit entry is about these decisions, their analyses, tables or models."""
    if entry.action in DECISION_ACTIONS:
        return (
            str(entry.details.get("decision", "")) in ids
            or str(entry.details.get("superseded_by", "")) in ids
        )
    if entry.action == "analysis":
        return entry.subject in analyses
    if entry.action == "import":
        return entry.subject in tables
    if entry.action == "model.add":
        return entry.subject in models
    if entry.action == "score":
        return entry.subject.split(".", 1)[0] in tables and entry.details.get("model") in models
    return False
