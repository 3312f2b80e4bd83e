"""Benchmark of the PDF renderer: a 20-page report written from blocks (not a test).

Run ``python tests/benchmarks/bench_report.py`` (``--repeats`` to change the repeats). It builds the
hand-made sample document of ``tests/support/report_documents.py`` (cover, contents, two vector
figures, long tables with repeating headers) sized to at least 20 A4 pages, writes it with
``tradeoff_studio.render.pdf.write_document`` and reports the best wall time of the repeats (the
first, cold call loads Qt and the font and is reported apart). Goal: under 3 s. Then, with
``--demo``, the real report on the five demo decisions (built first when the user's data folder
has no demo project, about 25 s, not timed): ``report_demo_pdf_s`` is the best time to write its
PDF from its blocks. The last line is ``report_20_pages_s=…``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parents[1]))  # tests/: the shared support helpers
sys.path.insert(0, str(HERE.parents[2] / "app"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from support.report_documents import sample_document  # noqa: E402
from tradeoff_studio.render.pdf import write_document  # noqa: E402


def main() -> None:
    """Time the 20-page write and print ``key=value`` lines."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--demo", action="store_true", help="also time the demo's five-decision report")
    args = parser.parse_args()
    document = sample_document(sections=8)
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "report.pdf"
        start = time.perf_counter()
        pages = write_document(document, target)
        cold = time.perf_counter() - start
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            write_document(document, target)
            times.append(time.perf_counter() - start)
        size_kb = target.stat().st_size / 1024
    if args.demo:
        demo_pages, demo_s = _demo_report(args.repeats)
        print(f"report_demo_pages={demo_pages}")
        print(f"report_demo_pdf_s={demo_s:.3f}")
    print(f"pages={pages}")
    print(f"pdf_kb={size_kb:.0f}")
    print(f"report_cold_s={cold:.3f}")
    print(f"report_20_pages_s={min(times):.3f}")


def _demo_report(repeats: int) -> tuple[int, float]:
    """The demo's five-decision report: its page count and the best time to write its PDF."""
    import shutil

    from tradeoff_studio.core import workflows
    from tradeoff_studio.core.demo import ensure_demo_project
    from tradeoff_studio.core.reports.build import build_report
    from tradeoff_studio.core.reports.document import report_document

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.tsproj"
        shutil.copy(ensure_demo_project(), path)
        with workflows.open_project(path) as project:
            ids = [decision.id for decision in workflows.list_decisions(project)]
            document = report_document(build_report(project, ids))
        times, pages = [], 0
        for _ in range(repeats):
            start = time.perf_counter()
            pages = write_document(document, Path(folder) / "demo.pdf")
            times.append(time.perf_counter() - start)
    return pages, min(times)


if __name__ == "__main__":
    main()
