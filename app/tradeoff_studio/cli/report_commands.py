"""``report`` and ``verify-report``: export an ATRAF trade-off report, and check one against its project.

::

    report PROJECT --decision ID [--decision ID2 …] --out report.pdf [--format pdf|md|json] [--json]
    verify-report PROJECT REPORT.pdf [--json]

``report`` writes atomically (a refused export writes nothing); its format defaults from the
suffix of ``--out``. ``verify-report`` reads the manifest embedded in the report (PDF metadata,
the JSON export, or the Markdown export's last comment) and exits 0 when the project still
matches, 1 when it does not, naming each change.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..core import workflows
from ..core.analyses.kinds import names
from ..core.errors import StudioError
from .commands import opened_project
from .console import print_json

if TYPE_CHECKING:
    from ..core.reports.blocks import Document


def add_report_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``report`` and ``verify-report``."""
    report = sub.add_parser(
        "report", help="export an ATRAF trade-off report on decisions (PDF, Markdown, JSON)"
    )
    report.add_argument("project")
    report.add_argument("--decision", action="append", required=True, metavar="ID",
                        help="a decision id as 'decisions --json' prints it; repeatable")  # fmt: skip
    report.add_argument("--out", type=Path, required=True, metavar="FILE", help="the report file to write")
    report.add_argument("--format", choices=("pdf", "md", "json"), help="default: from the suffix of --out")
    report.add_argument("--json", action="store_true", help="machine-readable output")
    report.set_defaults(handler=report_command)
    verify = sub.add_parser("verify-report", help="check that a report still matches its project (exit 0/1)")
    verify.add_argument("project")
    verify.add_argument(
        "report", type=Path, metavar="REPORT", help="a report exported by 'report' (.pdf/.md/.json)"
    )
    verify.add_argument("--json", action="store_true", help="machine-readable output")
    verify.set_defaults(handler=verify_command)


class RendererMissingError(StudioError):
    """This build has no PDF renderer."""


def write_pdf(document: Document, path: Path) -> int:
    """Draw ``document`` into the PDF file ``path`` with the app's renderer; returns the page count."""
    try:
        from ..render.pdf import write_document
    except ModuleNotFoundError as error:
        if not (error.name or "").startswith("tradeoff_studio.render"):
            raise
        raise RendererMissingError(
            "This build of Tradeoff Studio has no PDF renderer; export the report as --format md or json."
        ) from None
    return write_document(document, path)


def report_command(args: argparse.Namespace) -> None:
    """``report PROJECT --decision ID … --out FILE [--format F]``."""
    with opened_project(args) as project:
        written = workflows.export_report(project, names(args.decision), args.out, format=args.format,
                                          write_pdf=write_pdf)  # fmt: skip
    if written.warning:
        print(f"Warning: {written.warning}", file=sys.stderr)
    if args.json:
        print_json(written.to_dict())
        return
    pages = f", {written.pages} pages" if written.pages else ""
    print(f"Wrote {written.path} ({written.format}{pages}) on decision(s) {', '.join(written.decisions)}.")
    print(f"Fingerprint {written.fingerprint}; check it later with: "
          f"tradeoff-studio verify-report {args.project} {args.out}")  # fmt: skip


def verify_command(args: argparse.Namespace) -> int:
    """``verify-report PROJECT REPORT``: exit 0 when the report matches the project, 1 naming each change."""
    with opened_project(args) as project:
        result = workflows.verify_report(project, args.report)
    if args.json:
        print_json(result.to_dict())
    elif result.matches:
        print(f"{args.report} ({result.fingerprint}) matches the project: same data, analyses, models and "
              f"decisions ({', '.join(result.decisions)}), each still current.")  # fmt: skip
    else:
        print(f"{args.report} ({result.fingerprint}) no longer matches the project:")
        for change in result.changes:
            print(f"  {change}")
    return 0 if result.matches else 1
