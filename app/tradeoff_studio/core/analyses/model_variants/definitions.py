"""What the model-variant metrics mean and how they are measured: the fixed part of the notes."""

from __future__ import annotations

THRESHOLD = 0.5
CLIP = 1e-15
DEFINITIONS = {
    "quality": f"accuracy of 'positive when score >= {THRESHOLD}' on the positive-class probability",
    "auc": "area under the ROC curve of the score (ties count half)",
    "log_loss": f"mean negative log-likelihood, probabilities clipped to [{CLIP:g}, 1 - {CLIP:g}]",
    "latency": "wall time of one session.run on a request of batch_size rows (successive row windows), "
    "inputs built before the clock starts; every model timed interleaved in one process (rounds after "
    "warm-up, each model once per round, the order rotated); p50/p95 (inverted CDF: observed times)",
    "throughput": "rows / median wall time of a pass over the whole table in bulk_size batches (inputs "
    "from in-memory columns, session.run, output selection) after one untimed bulk batch; passes repeat "
    "until they add up to 0.5 s (at most 25)",
    "isolation": "scores, throughput and memory: each model in its own fresh process (multiprocessing "
    "spawn), in turn; latency: all models in one further process, interleaved",
}
MEMORY = {
    "unit": "MiB",
    "counts": "peak resident memory of a fresh process per model above its baseline (onnxruntime "
    "imported, providers initialised, columns loaded): session, weights, arenas, inputs, outputs",
    "not_counted": "GPU device memory on CUDA (only the session's host memory is resident)",
}
MEMORY_METHODS = {
    "VmHWM": "Linux: VmHWM after resetting it through /proc/self/clear_refs, minus VmRSS at the baseline",
    "ru_maxrss": "growth of ru_maxrss over its baseline (0 when an earlier transient peak was higher)",
    "unavailable": "not measured on this platform (NaN)",
}
BOOTSTRAP = {
    "method": "percentile",
    "quality": "rows resampled with replacement, the same draws for every model",
    "latency": "timed requests resampled with replacement",
}
