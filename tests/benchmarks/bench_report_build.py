"""Benchmark a report on the five demo decisions: model, blocks, Markdown, JSON and verify (not a test).

Run ``python tests/benchmarks/bench_report_build.py`` (``--repeats N``, default 5). The demo project
is built first when the user's data folder has none (about 25 s, not timed); a copy is opened.
Prints the median seconds of each step: ``build_report`` (decisions, analyses' candidates,
provenance and audit from the project), ``report_document`` (the blocks), Markdown, JSON, and
``verify`` (the project state recomputed and compared with the manifest). The PDF itself is timed
by ``bench_report.py`` (render/).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tradeoff_studio.core import workflows
from tradeoff_studio.core.demo import ensure_demo_project
from tradeoff_studio.core.reports.build import build_report
from tradeoff_studio.core.reports.document import report_document
from tradeoff_studio.core.reports.markdown import document_markdown, report_json
from tradeoff_studio.core.reports.verify import manifest, verify


def median_seconds(step: Callable[[], object], repeats: int) -> float:
    """The median wall time of ``step`` over ``repeats`` runs."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Time each step and print it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.tsproj"
        shutil.copy(ensure_demo_project(), path)
        with workflows.open_project(path) as project:
            ids = [decision.id for decision in workflows.list_decisions(project)]
            report = build_report(project, ids)
            document = report_document(report)
            found = manifest(report)
            steps = {
                "build_report (5 decisions)": lambda: build_report(project, ids),
                "report_document": lambda: report_document(report),
                "Markdown": lambda: document_markdown(document),
                "JSON": lambda: report_json(report),
                "verify": lambda: verify(project, found),
            }
            for name, step in steps.items():
                print(f"{name:28s} {median_seconds(step, args.repeats):7.3f} s")
            print(f"{len(document.body)} blocks; Markdown {len(document_markdown(document)):,} characters")


if __name__ == "__main__":
    main()
