"""``analyze PROJECT model-variants``: run ONNX models side by side on a labelled table.

::

    analyze PROJECT model-variants --table T --label COL [--positive V] --model M [--model M ...]
            [--provider auto|cuda|cpu] [--batch-size N] [--bulk-size N] [--repeats N]
            [--map INPUT=COL[,COL…] ...] [--reference MODEL] [--threads N] [--batch-sizes N,N,…]
            [--where EXPR] [--resamples N] [--objectives quality:max,latency_p95_ms:min] [--name A] [--json]

One candidate per model: quality (accuracy at 0.5), AUC, log loss, latency p50/p95 per request of
``--batch-size`` rows, throughput, peak memory and file size (see ``core.analyses.model_variants``).
"""

from __future__ import annotations

import argparse
from typing import Any

from ..core import analysis_workflows as flows
from ..core.analyses.kinds import kind
from .analysis_common import analysis_job, print_analysis, print_indicators, spec_from
from .commands import opened_project
from .console import print_table


def analyze_model_variants(args: argparse.Namespace) -> None:
    """``analyze PROJECT model-variants --table T --label COL --model M [--model M ...]``."""
    spec = spec_from(args, kind("model-variants"))
    with opened_project(args) as project:
        record = analysis_job(project, args, spec)
        table = None if args.json else flows.get_candidates(project, record.name)
    print_analysis(record, args.json, indicators=False)
    if table is not None:
        _print_comparison(table.frame)
        for line in _note_lines(table.notes):
            print(line)
        print_indicators(record)


_SHOWN = (("system", "model", "{}"), ("provider", "provider", "{}"), ("quality", "accuracy", "{:.4f}"),
          ("auc", "AUC", "{:.4f}"), ("latency_p50_ms", "p50 ms", "{:.4g}"),
          ("latency_p95_ms", "p95 ms", "{:.4g}"), ("throughput_rows_per_s", "rows/s", "{:,.0f}"),
          ("peak_memory_mb", "peak MiB", "{:.1f}"), ("on_front", "front", "{}"))  # fmt: skip


_CHECKS = (("quantized_ops", "quant ops", "{}"), ("agreement", "agreement", "{:.4f}"),
           ("max_abs_score_diff", "max |Δscore|", "{:.4g}"))  # fmt: skip


def _print_comparison(frame: Any) -> None:
    """The models side by side: what a reader compares first (with the checks the analysis made)."""
    shown = [*_SHOWN, *(c for c in _CHECKS if c[0] in frame and frame[c[0]].notna().any())]
    rows = [[fmt.format(row[column]) for column, _, fmt in shown] for _, row in frame.iterrows()]
    print_table([header for _, header, _ in shown], rows)


def _note_lines(notes: dict[str, Any]) -> list[str]:
    """Loose input matches, the holdout warning, identical graphs, latency ties, timing settings."""
    lines = [f"Input matched by name ({model}): {', '.join(found)}."
             for model, found in (notes.get("input_matches") or {}).items() if found]  # fmt: skip
    warning = (notes.get("holdout") or {}).get("warning")
    if warning:
        lines.append(f"Warning: {warning}.")
    for group in (notes.get("checks") or {}).get("identical_graphs", []):
        lines.append(f"Identical graphs and weights: {', '.join(group)} (the same computation).")
    for pair in notes.get("latency_pairs") or []:
        if pair["indistinguishable"]:
            lines.append(f"Latency indistinguishable: {pair['first']} / {pair['second']} p50 ratio "
                         f"{pair['p50_ratio']:.3g} ({pair['lo']:.3g}–{pair['hi']:.3g}); neither dominates "
                         "the other through latency.")  # fmt: skip
    timing = notes.get("timing")
    if timing:
        threads = timing["threads"]["intra_op_num_threads"]
        lines.append(f"Timing: interleaved round-robin, threads {threads}; per-call overhead of an empty "
                     f"session {timing['per_call_overhead_ms']:.4g} ms.")  # fmt: skip
        for size, p50s in timing["p50_ms_by_batch_size"].items():
            cells = ", ".join(f"{model} {value:.4g}" for model, value in p50s.items())
            lines.append(f"  p50 ms at {size} row(s): {cells}")
    return lines
