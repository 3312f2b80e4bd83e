"""Export an *edited* report (the editor's model, person edits included) to PDF, Markdown or JSON.

``core.reports.exporting.export_report`` builds the report afresh from decision ids, which would
drop the analyst's edits; this helper writes the model the editor holds, with the same atomic
write (a scratch file beside the target, renamed over it only when complete) and the same audit
entry (action ``report-export``). It belongs in core (an ``export_report(..., report=…)``
parameter); it lives here until that exists. A cancel or a failure leaves no file and no entry.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ...core import audit
from ...core.export import check_target, write_bytes_atomically
from ...core.jobs import CancelToken, Progress
from ...core.project import Project
from ...core.reports.document import report_document
from ...core.reports.markdown import document_markdown, report_json
from ...core.reports.model import Report, ReportError
from ...core.reports.verify import fingerprint, manifest

FORMATS = {"pdf": "PDF (*.pdf)", "md": "Markdown (*.md)", "json": "JSON (*.json)"}


@dataclass(frozen=True)
class EditedExport:
    """What an export of the editor's report wrote."""

    path: Path
    format: str
    pages: int | None
    fingerprint: str
    sha256: str


def export_edited_report(
    project: Project, report: Report, path: Path, fmt: str, *, progress: Progress, cancel: CancelToken
) -> EditedExport:
    """Write ``report`` to ``path`` as ``fmt`` (pdf, md or json), atomically, with an audit entry."""
    if fmt not in FORMATS:
        raise ReportError(f"Unknown report format '{fmt}': use pdf, md or json.")
    check_target(project, path)
    found = manifest(report)
    document = report_document(report)
    pages: list[int] = []

    def write(scratch: Path) -> str:
        if fmt == "pdf":
            from ...render.pdf import write_document  # the renderer loads on first export

            pages.append(
                write_document(
                    document,
                    scratch,
                    progress=lambda fraction: progress(0.95 * fraction, "Writing the PDF…"),
                    cancel=lambda: cancel.cancelled,
                )
            )
        else:
            text = report_json(report) if fmt == "json" else document_markdown(document)
            scratch.write_text(text, encoding="utf-8")
        cancel.raise_if_cancelled()  # before the rename: a cancel leaves no file
        return hashlib.sha256(scratch.read_bytes()).hexdigest()

    sha = write_bytes_atomically(path, write)
    mark = fingerprint(found)
    with project.transaction() as con:
        audit.record(
            con,
            action="report-export",
            subject=", ".join(report.decision_ids),
            output_sha256=sha,
            input_sha256=found["state_sha256"],
            details={"path": str(path.resolve()), "format": fmt, "fingerprint": mark, "edited": True},
        )
    progress(1.0, "Written")
    return EditedExport(path, fmt, pages[0] if pages else None, mark, sha)
