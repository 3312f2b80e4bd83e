"""Export a report to PDF, Markdown or JSON: atomically, audited, and refused without side effects.

The format comes from ``format`` or the file's suffix. The PDF is drawn by a ``write_pdf`` function
the caller passes (the CLI and the app pass :func:`tradeoff_studio.render.pdf.write_document`), so
this module stays Qt-free. The file is written beside its target and renamed over it; a refused
export (unknown decision, bad target, a renderer error) leaves neither a file nor an audit entry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import audit
from ..export import check_target, unencrypted_export_warning, write_bytes_atomically
from ..project import Project
from .blocks import Document
from .build import build_report
from .document import report_document
from .markdown import document_markdown, report_json
from .model import Report, ReportError
from .verify import fingerprint, manifest

FORMATS = {".pdf": "pdf", ".md": "md", ".markdown": "md", ".json": "json"}
PdfWriter = Callable[[Document, Path], int]


@dataclass(frozen=True)
class ReportExport:
    """What an export wrote."""

    path: str
    format: str
    decisions: list[str]
    fingerprint: str
    report_sha256: str
    state_sha256: str
    sha256: str
    pages: int | None = None
    warning: str | None = None  # the export of an encrypted project is not encrypted

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dict(self.__dict__)


def report_format(path: Path, given: str | None) -> str:
    """``given`` (pdf, md or json), else the format the suffix of ``path`` names."""
    if given is not None:
        if given not in set(FORMATS.values()):
            raise ReportError(f"Unknown report format '{given}': use pdf, md or json.")
        return given
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        raise ReportError(
            f"Cannot tell the report format of {path}: name it .pdf, .md or .json, "
            "or give --format pdf|md|json."
        )
    return found


def export_report(
    project: Project,
    decision_ids: Sequence[str],
    path: Path,
    *,
    format: str | None = None,
    write_pdf: PdfWriter | None = None,
) -> ReportExport:
    """Build the report on ``decision_ids`` and write it to ``path`` (module docstring); audited."""
    fmt = report_format(path, format)
    return write_report(project, build_report(project, decision_ids), path, fmt, write_pdf=write_pdf)


def write_report(
    project: Project,
    report: Report,
    path: Path,
    fmt: str,
    *,
    write_pdf: PdfWriter | None = None,
    before_rename: Callable[[], None] | None = None,
    edited: bool = False,
) -> ReportExport:
    """Write ``report`` as it is (the editor passes one with a person's edits) to ``path``; audited.

    ``before_rename`` runs once the scratch file is complete and may raise (a cancelled job), so a
    cancel leaves no file and no audit entry.
    """
    check_target(project, path)
    found = manifest(report)
    document = report_document(report)
    pages: list[int] = []

    def write(scratch: Path) -> str:
        if fmt == "pdf":
            if write_pdf is None:
                raise ReportError("This build cannot write PDF reports; export --format md or json instead.")
            pages.append(write_pdf(document, scratch))
        else:
            text = report_json(report) if fmt == "json" else document_markdown(document)
            scratch.write_text(text, encoding="utf-8")
        if before_rename is not None:
            before_rename()
        return hashlib.sha256(scratch.read_bytes()).hexdigest()

    sha = write_bytes_atomically(path, write)
    record = ReportExport(
        str(path.resolve()),
        fmt,
        list(report.decision_ids),
        fingerprint(found),
        found["report_sha256"],
        found["state_sha256"],
        sha,
        pages[0] if pages else None,
        unencrypted_export_warning(project, path),
    )
    details: dict[str, Any] = {"path": record.path, "format": fmt, "fingerprint": record.fingerprint}
    if edited:
        details["edited"] = True
    with project.transaction() as con:
        audit.record(
            con,
            action="report-export",
            subject=", ".join(record.decisions),
            output_sha256=sha,
            input_sha256=found["state_sha256"],
            details=details,
        )
    return record
