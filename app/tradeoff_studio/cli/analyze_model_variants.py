"""``analyze PROJECT model-variants``: run ONNX models side by side on a labelled table.

::

    analyze PROJECT model-variants --table T --label COL [--positive V] --model M [--model M ...]
            [--provider auto|cuda|cpu] [--batch-size N] [--bulk-size N] [--repeats N]
            [--resamples N] [--objectives quality:max,latency_p95_ms:min] [--name A] [--json]

One candidate per model: quality (accuracy at 0.5), AUC, log loss, latency p50/p95 per request of
``--batch-size`` rows, throughput, peak memory and file size (see ``core.analyses.model_variants``).
"""

from __future__ import annotations

import argparse
from typing import Any

from ..core import analysis_workflows as flows
from ..core.analyses.kinds import kind
from .analysis_common import analysis_job, print_analysis, spec_from
from .commands import opened_project
from .console import print_table


def analyze_model_variants(args: argparse.Namespace) -> None:
    """``analyze PROJECT model-variants --table T --label COL --model M [--model M ...]``."""
    spec = spec_from(args, kind("model-variants"))
    with opened_project(args) as project:
        record = analysis_job(project, args, spec)
        table = None if args.json else flows.get_candidates(project, record.name)
    print_analysis(record, args.json)
    if table is not None:
        _print_comparison(table.frame)


_SHOWN = (("system", "model", "{}"), ("provider", "provider", "{}"), ("quality", "accuracy", "{:.4f}"),
          ("auc", "AUC", "{:.4f}"), ("latency_p50_ms", "p50 ms", "{:.4g}"),
          ("latency_p95_ms", "p95 ms", "{:.4g}"), ("throughput_rows_per_s", "rows/s", "{:,.0f}"),
          ("peak_memory_mb", "peak MiB", "{:.1f}"), ("on_front", "front", "{}"))  # fmt: skip


def _print_comparison(frame: Any) -> None:
    """The models side by side: what a reader compares first."""
    rows = [[fmt.format(row[column]) for column, _, fmt in _SHOWN] for _, row in frame.iterrows()]
    print_table([header for _, header, _ in _SHOWN], rows)
