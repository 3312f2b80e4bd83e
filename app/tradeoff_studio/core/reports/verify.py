"""Digests of a report and of the project state it claims, and the check that they still match.

The **report digest** is the SHA-256 of the report model's canonical JSON. The **state** is exactly
what the report claims about the project (from its provenance): each table's file hash and row
count, each model's SHA-256, each analysis's candidates hash and settings hash, each decision's
preferences hash and status. The **manifest** holds both digests and the state; it travels in the
PDF's XMP metadata (element ``<ts:manifest>``, namespace :data:`XMP_NAMESPACE`, XML-escaped), in
the JSON export and, base64-encoded, in a comment at the end of the Markdown export. Its short
**fingerprint** (``ts:`` + 8 hex) is printed in every footer.

:func:`verify` recomputes the state from the project and names each change in words.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import json
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..analyses.store import list_analyses
from ..data.importer import list_datasets
from ..data.provenance import combined_sha256
from ..decisions.store import list_decisions
from ..project import Project
from ..schema import CATALOG_SCHEMA
from .model import Report, ReportError
from .provenance import canonical_sha256, decision_state

MANIFEST_FORMAT = "tradeoff-studio-report-manifest"
MANIFEST_VERSION = 1
XMP_NAMESPACE = "https://tradeoff.studio/ns/report/1.0/"
MARKDOWN_MARK = "ts-manifest:"
MAX_REPORT_BYTES = 512 << 20
MAX_INFLATED_BYTES = 64 << 20
_XMP_ELEMENT = re.compile(rb"<ts:manifest(?:\s[^>]*)?>(.*?)</ts:manifest>", re.DOTALL)
_STREAM = re.compile(rb"stream\r?\n")
_MARKDOWN = re.compile(r"<!-- " + MARKDOWN_MARK + r"([A-Za-z0-9+/=]+) -->")


def report_digest(report: Report) -> str:
    """SHA-256 of the report model's canonical JSON."""
    return canonical_sha256(report.to_dict())


def claimed_state(report: Report) -> dict[str, Any]:
    """What the report claims about the project, from its provenance (module docstring)."""
    source = report.provenance
    return {
        "data": {d.table: {"sha256": d.sha256, "rows": d.rows} for d in source.data},
        "models": {m["name"]: m["sha256"] for m in source.models},
        "analyses": {
            a.name: {"candidates_sha256": a.candidates_sha256, "settings_sha256": a.settings_sha256}
            for a in source.analyses
        },
        "decisions": {
            d["id"]: {
                "status": d["status"],
                "status_text": d["status_text"],
                "preferences_sha256": d["preferences_sha256"],
            }
            for d in source.decisions
        },
    }


def manifest(report: Report) -> dict[str, Any]:
    """The manifest of ``report``: its digest, the state it claims and that state's digest."""
    state = claimed_state(report)
    return {
        "format": MANIFEST_FORMAT,
        "version": MANIFEST_VERSION,
        "project_id": report.provenance.project_id,
        "decisions": report.decision_ids,
        "report_sha256": report_digest(report),
        "state_sha256": canonical_sha256(state),
        "state": state,
    }


def fingerprint(manifest_: dict[str, Any]) -> str:
    """``ts:`` and the first 8 hex digits of the SHA-256 over both digests."""
    both = f"{manifest_['report_sha256']}:{manifest_['state_sha256']}"
    return "ts:" + hashlib.sha256(both.encode()).hexdigest()[:8]


def manifest_json(manifest_: dict[str, Any]) -> str:
    """The manifest as compact canonical JSON (what the PDF embeds)."""
    return json.dumps(manifest_, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def markdown_comment(manifest_: dict[str, Any]) -> str:
    """The manifest as an HTML comment a Markdown file can carry (base64: JSON may hold ``--``)."""
    return f"<!-- {MARKDOWN_MARK}{base64.b64encode(manifest_json(manifest_).encode()).decode()} -->"


@dataclass(frozen=True)
class VerifyResult:
    """Whether the project still matches a report's manifest; each change in words when not."""

    fingerprint: str
    decisions: list[str]
    changes: list[str] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        """True when nothing the report claims has changed."""
        return not self.changes

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "matches": self.matches,
            "fingerprint": self.fingerprint,
            "decisions": self.decisions,
            "changes": self.changes,
        }


def current_state(project: Project, claimed: dict[str, Any]) -> dict[str, Any]:
    """The project's state now, for the same tables, models, analyses and decisions as ``claimed``."""
    datasets = {r.table_name: r for r in list_datasets(project)}
    models = dict(project.con.execute(f"SELECT name, sha256 FROM {CATALOG_SCHEMA}.models").fetchall())
    analyses = {r.name: r for r in list_analyses(project)}
    decisions = {r.id: r for r in list_decisions(project)}
    state: dict[str, Any] = {"data": {}, "models": {}, "analyses": {}, "decisions": {}}
    for table in claimed.get("data", {}):
        if table in datasets:
            record = datasets[table]
            state["data"][table] = {
                "sha256": combined_sha256([s.sha256 for s in record.sources]),
                "rows": int(record.row_count),
            }
    state["models"] = {name: models[name] for name in claimed.get("models", {}) if name in models}
    for name in claimed.get("analyses", {}):
        if name in analyses:
            record = analyses[name]
            state["analyses"][name] = {
                "candidates_sha256": record.sha256,
                "settings_sha256": canonical_sha256(record.spec.get("inputs", {})),
            }
    for decision_id in claimed.get("decisions", {}):
        if decision_id in decisions:
            found = decision_state(decisions[decision_id])
            state["decisions"][decision_id] = {
                key: found[key] for key in ("status", "status_text", "preferences_sha256")
            }
    return state


def verify(project: Project, manifest_: dict[str, Any]) -> VerifyResult:
    """Compare the project with ``manifest_`` (:func:`manifest`); :class:`ReportError` if it is not one."""
    claimed = _checked(manifest_)["state"]
    now = current_state(project, claimed)
    changes = []
    if manifest_.get("project_id") and manifest_["project_id"] != project.project_id:
        changes.append(
            f"project: this report was built from project {manifest_['project_id']}, "
            f"not this one ({project.project_id})"
        )
    changes += _data_changes(claimed["data"], now["data"])
    for name, sha in claimed["models"].items():
        if name not in now["models"]:
            changes.append(f"model {name}: no longer in the project")
        elif now["models"][name] != sha:
            changes.append(f"model {name}: SHA-256 changed ({_short(sha)}→{_short(now['models'][name])})")
    changes += _analysis_changes(claimed["analyses"], now["analyses"])
    changes += _decision_changes(claimed["decisions"], now["decisions"])
    return VerifyResult(fingerprint(manifest_), list(manifest_.get("decisions", [])), changes)


def _short(sha: str) -> str:
    return f"{sha[:8]}…"


def _data_changes(claimed: dict[str, Any], now: dict[str, Any]) -> list[str]:
    changes = []
    for table, was in claimed.items():
        if table not in now:
            changes.append(f"table {table}: no longer in the project")
            continue
        if now[table]["sha256"] != was["sha256"]:
            changes.append(
                f"table {table}: SHA-256 changed ({_short(was['sha256'])}→"
                f"{_short(now[table]['sha256'])}); its data was re-imported"
            )
        if now[table]["rows"] != was["rows"]:
            changes.append(f"table {table}: row count changed ({was['rows']:,}→{now[table]['rows']:,})")
    return changes


def _analysis_changes(claimed: dict[str, Any], now: dict[str, Any]) -> list[str]:
    changes = []
    for name, was in claimed.items():
        if name not in now:
            changes.append(f"analysis {name}: no longer in the project")
        elif now[name]["settings_sha256"] != was["settings_sha256"]:
            changes.append(f"analysis {name} re-run with other settings")
        elif now[name]["candidates_sha256"] != was["candidates_sha256"]:
            changes.append(
                f"analysis {name} re-run: its candidates changed "
                f"({_short(was['candidates_sha256'])}→{_short(now[name]['candidates_sha256'])})"
            )
    return changes


def _decision_changes(claimed: dict[str, Any], now: dict[str, Any]) -> list[str]:
    changes = []
    for decision_id, was in claimed.items():
        if decision_id not in now:
            changes.append(f"decision {decision_id}: no longer in the project")
            continue
        if now[decision_id]["status"] != was["status"]:
            changes.append(
                f"decision {decision_id}: {now[decision_id]['status_text']} "
                f"(was {was['status_text']} when the report was built)"
            )
        if now[decision_id]["preferences_sha256"] != was["preferences_sha256"]:
            changes.append(f"decision {decision_id}: its stored preferences and evidence changed")
    return changes


def _checked(manifest_: Any) -> dict[str, Any]:
    ok = isinstance(manifest_, dict) and manifest_.get("format") == MANIFEST_FORMAT
    state = manifest_.get("state") if ok else None
    parts = ("data", "models", "analyses", "decisions")
    if not ok or not isinstance(state, dict) or not all(isinstance(state.get(p), dict) for p in parts):
        raise ReportError("This is not a Tradeoff Studio report manifest; export the report again.")
    version = manifest_.get("version")
    if not isinstance(version, int) or version > MANIFEST_VERSION:
        raise ReportError("The report's manifest is newer than this app reads; update Tradeoff Studio.")
    return manifest_


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest a report file carries: a PDF (XMP metadata, inflating Flate streams to find
    it), the JSON export or the Markdown export. :class:`ReportError` names the file otherwise."""
    path = Path(path)
    try:
        if not path.is_file():
            raise ReportError(f"{path} is not a report file: it does not exist or is not a regular file.")
        if path.stat().st_size > MAX_REPORT_BYTES:
            raise ReportError(
                f"{path} is larger than {MAX_REPORT_BYTES >> 20} MB: not a report this app wrote."
            )
        data = path.read_bytes()
    except OSError as error:
        raise ReportError(f"Could not read {path}: {error.strerror or error}") from None
    if data.startswith(b"%PDF-"):
        text = _pdf_manifest(data)
    elif data.lstrip().startswith(b"{"):
        text = _json_manifest(data)
    else:
        text = _markdown_manifest(data)
    if text is None:
        raise ReportError(
            f"{path} carries no Tradeoff Studio report manifest: it is not a report exported by "
            "'tradeoff-studio report' (PDF, JSON or Markdown), or it was altered."
        )
    try:
        return _checked(json.loads(text))
    except (json.JSONDecodeError, RecursionError):
        raise ReportError(f"{path}: its report manifest is damaged (not valid JSON).") from None
    except ReportError as error:
        raise ReportError(f"{path}: {error}") from None


def verify_file(project: Project, path: Path) -> VerifyResult:
    """:func:`verify` the manifest of the report file at ``path``; a JSON export is also checked
    against its own digest, so an edited export is reported as a change."""
    found = read_manifest(path)
    result = verify(project, found)
    if Path(path).suffix.lower() != ".json":
        return result
    from .model import report_from_dict

    document = json.loads(Path(path).read_bytes())
    digest = report_digest(report_from_dict(document.get("report")))
    if digest == found["report_sha256"]:
        return result
    edited = (
        f"report: its content was edited after export ({_short(found['report_sha256'])}→{_short(digest)})"
    )
    return VerifyResult(result.fingerprint, result.decisions, [edited, *result.changes])


def _pdf_manifest(data: bytes) -> str | None:
    found = _XMP_ELEMENT.search(data)
    if found is not None:
        return html.unescape(found.group(1).decode("utf-8", "replace"))
    for start in _STREAM.finditer(data):
        end = data.find(b"endstream", start.end())
        if end < 0:
            break
        try:
            inflater = zlib.decompressobj()
            inflated = inflater.decompress(data[start.end() : end], MAX_INFLATED_BYTES)
        except zlib.error:
            continue
        found = _XMP_ELEMENT.search(inflated)
        if found is not None:
            return html.unescape(found.group(1).decode("utf-8", "replace"))
    return None


def _json_manifest(data: bytes) -> str | None:
    try:
        document = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return None
    found = document.get("manifest") if isinstance(document, dict) else None
    return json.dumps(found) if isinstance(found, dict) else None


def _markdown_manifest(data: bytes) -> str | None:
    found = _MARKDOWN.findall(data.decode("utf-8", "replace"))
    if not found:
        return None
    try:
        return base64.b64decode(found[-1], validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
