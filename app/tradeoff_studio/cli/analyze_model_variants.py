"""``analyze PROJECT model-variants``: run ONNX models side by side on a labelled table.

::

    analyze PROJECT model-variants --table T --label COL [--positive V] --model M [--model M ...]
            [--provider auto|cuda|cpu] [--batch-size N] [--bulk-size N] [--repeats N]
            [--resamples N] [--objectives quality:max,latency_p95_ms:min] [--name A] [--json]

One candidate per model: quality (accuracy at 0.5), AUC, log loss, latency p50/p95 per request of
``--batch-size`` rows, throughput, peak memory and file size (see ``core.inference.variants``).
"""

from __future__ import annotations

import argparse
from typing import Any

from ..core import analysis_workflows as flows
from . import bounds
from .analysis_common import add_common, analysis_job, names, objectives_option, print_analysis
from .commands import opened_project
from .console import print_table


def add_model_variants(kinds: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``model-variants`` kind on ``analyze``'s subparsers."""
    command = kinds.add_parser(
        "model-variants", help="ONNX models side by side: quality, latency, throughput, peak memory"
    )
    add_common(command)
    command.add_argument("--label", required=True, metavar="COL", help="the binary outcome column")
    command.add_argument("--positive", metavar="V", help="the label's positive value (default 1/true)")
    command.add_argument(
        "--model", required=True, action="append", metavar="M[,M]", help="a model in the project (repeat)"
    )
    command.add_argument("--provider", choices=["auto", "cuda", "cpu"], default="auto")
    for flag, text, kind in (
        ("--batch-size", "rows per timed request (default 1)", bounds.bounded_int(1, bounds.MAX_BATCH_ROWS)),
        ("--bulk-size", "rows per batch of the throughput pass (default 65,536)",
         bounds.bounded_int(1, bounds.MAX_BATCH_ROWS)),
        ("--repeats", "timed requests per model (default 200)", bounds.bounded_int(10, bounds.MAX_REPEATS)),
        ("--resamples", "bootstrap resamples (default 500)", bounds.RESAMPLES),
    ):  # fmt: skip
        command.add_argument(flag, type=kind, metavar="N", help=text)
    command.set_defaults(handler=analyze_model_variants)


def analyze_model_variants(args: argparse.Namespace) -> None:
    """``analyze PROJECT model-variants --table T --label COL --model M [--model M ...]``."""
    from ..core.inference.variants import VariantSpec

    options: dict[str, Any] = {
        field: getattr(args, field)
        for field in ("positive", "batch_size", "bulk_size", "repeats", "resamples")
        if getattr(args, field) is not None
    }
    options |= objectives_option(args)
    models = tuple(names(args.model))
    spec = VariantSpec(table=args.table, label=args.label, models=models, provider=args.provider, **options)
    with opened_project(args) as project:
        record = analysis_job(project, args, flows.measure_model_variants, spec)
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
