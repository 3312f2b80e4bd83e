"""Export the editor's report (person edits included) to PDF, Markdown or JSON, as a job.

The writing, the atomic rename and the audit entry are core's
(:func:`tradeoff_studio.core.reports.exporting.write_report`); this adds the job's progress and
cancel around the PDF renderer. A cancel or a failure leaves no file and no entry.
"""

from __future__ import annotations

from pathlib import Path

from ...core.jobs import CancelToken, Progress
from ...core.project import Project
from ...core.reports.blocks import Document
from ...core.reports.exporting import ReportExport, write_report
from ...core.reports.model import Report, ReportError

FORMATS = {"pdf": "PDF (*.pdf)", "md": "Markdown (*.md)", "json": "JSON (*.json)"}


def export_edited_report(
    project: Project, report: Report, path: Path, fmt: str, *, progress: Progress, cancel: CancelToken
) -> ReportExport:
    """Write ``report`` to ``path`` as ``fmt`` (pdf, md or json), atomically, with an audit entry."""
    if fmt not in FORMATS:
        raise ReportError(f"Unknown report format '{fmt}': use pdf, md or json.")

    def write_pdf(document: Document, scratch: Path) -> int:
        from ...render.pdf import write_document  # the renderer loads on first export

        return write_document(
            document,
            scratch,
            progress=lambda fraction: progress(0.95 * fraction, "Writing the PDF…"),
            cancel=lambda: cancel.cancelled,
        )

    record = write_report(
        project, report, path, fmt, write_pdf=write_pdf, before_rename=cancel.raise_if_cancelled, edited=True
    )
    progress(1.0, "Written")
    return record
