"""The model-variant columns and notes beyond the raw measurements (issue #17).

- per model: ``quantized_ops`` (how many of its graph's nodes are quantized operators),
  ``identical_to`` (another model with the same graph and weights, :mod:`.variant_checks`), and
  against ``--reference``: ``agreement`` and ``max_abs_score_diff``;
- the latency comparison: for every pair of models the paired interval of their p50 ratio from
  the interleaved timing (:mod:`.variant_timing`); a pair is *indistinguishable* on latency when
  it contains 1 or when the two graphs are identical, and then neither model dominates the other
  through a latency objective (``on_front`` is recomputed so);
- the notes: thread setting, per-call overhead of an empty session, the batch-size sweep, the
  input names matched loosely, and whether quality was measured on held-out rows.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ..analyses.candidates import CandidateTable
from .variant_checks import fidelity, graph_fingerprint, identical_groups, quantized_ops
from .variant_timing import Timings, front_with_ties, indistinguishable_pairs

if TYPE_CHECKING:
    import pandas as pd

LATENCY_PREFIX = "latency_"
HOLDOUT_WARNING = (
    "quality was measured on every row of table '{table}': if the models were trained on some of them it "
    "is optimistic; give --where (e.g. \"split = 'test'\") to measure on held-out rows"
)


def model_checks(
    frame: pd.DataFrame, data: dict[str, bytes], scores: dict[str, np.ndarray], reference: str | None,
    threshold: float,
) -> tuple[pd.DataFrame, dict[str, Any]]:  # fmt: skip
    """``frame`` (one row per model, ``candidate_id`` = model) with the per-model columns; the notes."""
    fingerprints = {model: graph_fingerprint(blob) for model, blob in data.items()}
    counts = {model: quantized_ops(blob) for model, blob in data.items()}
    groups = identical_groups(fingerprints)
    twin = {model: next(m for m in group if m != model) for group in groups for model in group}
    out = frame.copy()
    models = out["candidate_id"].tolist()
    out["quantized_ops"] = [counts[m]["quantized"] for m in models]
    out["identical_to"] = [twin.get(m) for m in models]
    close = {m: fidelity(scores[m], scores[reference], threshold) for m in models} if reference else {}
    for metric in ("agreement", "max_abs_score_diff"):
        out[metric] = [close[m][metric] if reference else np.nan for m in models]
    notes = {"quantized_ops": counts, "identical_graphs": groups, "reference": reference,
             "agreement": f"share of rows where the model decides as the reference at score >= {threshold}",
             "max_abs_score_diff": "largest |score - reference score| over the rows"}  # fmt: skip
    return out, notes


def latency_front(
    table: CandidateTable, timings: Timings, size: int, identical: list[list[str]], *, resamples: int,
    level: float, seed: int,
) -> tuple[CandidateTable, list[dict[str, Any]]]:  # fmt: skip
    """``table`` with ``on_front`` recomputed so that indistinguishable latencies decide nothing."""
    pairs = indistinguishable_pairs(timings, size, resamples=resamples, level=level, seed=seed)
    same = {frozenset((a, b)) for group in identical for a in group for b in group if a != b}
    for pair in pairs:
        pair["identical_graphs"] = frozenset((pair["first"], pair["second"])) in same
        pair["indistinguishable"] = bool(pair["indistinguishable"] or pair["identical_graphs"])
    frame = table.frame
    models = frame["candidate_id"].tolist()
    tied = np.zeros((len(models), len(models)), dtype=bool)
    for pair in pairs:
        if pair["indistinguishable"]:
            i, j = models.index(pair["first"]), models.index(pair["second"])
            tied[i, j] = tied[j, i] = True
    signs = np.array([1.0 if o.direction == "max" else -1.0 for o in table.objectives])
    good = frame[[o.metric for o in table.objectives]].to_numpy(np.float64) * signs
    latency = [k for k, o in enumerate(table.objectives) if o.metric.startswith(LATENCY_PREFIX)]
    out = frame.copy()
    out["on_front"] = front_with_ties(good, tied, latency)
    out.loc[out["on_front"], "rank"] = 0
    return replace(table, frame=out), pairs


def timing_notes(timings: Timings, threads: int | None, batch_size: int) -> dict[str, Any]:
    """Threads, per-call overhead and the batch-size sweep (p50 per model and size)."""
    sweep = {
        str(size): {model: float(np.percentile(timings.of(model, size), 50, method="inverted_cdf"))
                    for model in timings.models} | {"empty_session": timings.overhead_ms(size)}
        for size in timings.batch_sizes
    }  # fmt: skip
    return {
        "method": "interleaved: one process, a session per model plus an empty one, warm-up rounds, then "
        "each round times every model once on the same rows, the order rotated",
        "threads": {"intra_op_num_threads": threads if threads is not None else "onnxruntime default"},
        "per_call_overhead_ms": timings.overhead_ms(batch_size),
        "p50_ms_by_batch_size": sweep,
    }
