"""Benchmark of the PDF renderer: a 20-page report written from blocks (not a test).

Run ``python tests/benchmarks/bench_report.py`` (``--repeats`` to change the repeats). It builds the
hand-made sample document of ``tests/support/report_documents.py`` (cover, contents, two vector
figures, long tables with repeating headers) sized to at least 20 A4 pages, writes it with
``tradeoff_studio.render.pdf.write_document`` and reports the best wall time of the repeats (the
first, cold call loads Qt and the font and is reported apart). Goal: under 3 s. The last line is
``report_20_pages_s=…``.
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
    print(f"pages={pages}")
    print(f"pdf_kb={size_kb:.0f}")
    print(f"report_cold_s={cold:.3f}")
    print(f"report_20_pages_s={min(times):.3f}")


if __name__ == "__main__":
    main()
