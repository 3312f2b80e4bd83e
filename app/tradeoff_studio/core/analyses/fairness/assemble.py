"""Turn model runs into the candidates frame, the groups frame and per-group drill-downs.

Candidates: ``candidate_id`` (``model:policy:n``), the knobs ``model``, ``policy``,
``threshold`` (the common threshold of a global policy, NaN where groups differ) and
``thresholds`` (JSON: group → threshold, or group → ``[[threshold, probability], …]`` for a
randomized group), then each metric with ``_lo``/``_hi``, then ``uses_protected_attribute``
(the rule treats groups differently: it reads the attribute at decision time), ``degenerate``
(it selects nobody or everybody in some group: its ``dp_ratio`` and ``pp_difference`` are
undefined, NaN, never 1.0) and ``rule`` (the rule in a few words: "score ≥ 0.49",
"nobody selected", "per group: 3 thresholds 0.31–0.62"). Interval sources: the bootstrap
percentiles for the threshold metrics and ``iv_protected`` (NaN without a bootstrap, except
``iv_protected``, which then gets its delta-method interval), DeLong for ``auc``.
"""

from __future__ import annotations

import json
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

import numpy as np

from .cells import Float, curves
from .metrics import evaluate
from .runs import ModelRun
from .spec import METRICS, FairnessSpec
from .validate import Groups

if TYPE_CHECKING:
    import pandas as pd

#: Metrics that compare groups by a ratio: undefined for a rule selecting nobody or everybody in a group.
UNDEFINED_WHEN_DEGENERATE = ("dp_ratio", "pp_difference")
PER_GROUP = ("accuracy", "balanced_accuracy", "tpr", "fpr", "precision", "selection_rate")


def _rule(thresholds: Float, lo: int, hi: int, p_hi: float) -> float | list[list[float]]:
    if lo == hi or p_hi <= 0.0:
        return float(thresholds[lo])
    if p_hi >= 1.0:
        return float(thresholds[hi])
    return [[float(thresholds[lo]), 1.0 - p_hi], [float(thresholds[hi]), p_hi]]


def knob_columns(run: ModelRun, groups: Groups) -> dict[str, Any]:
    """``policy``, ``threshold`` and ``thresholds`` of every candidate of one model."""
    policies, cut = run.policies, run.cells.thresholds
    uniform = (policies.p_hi == 0).all(axis=1) & (policies.lo == policies.lo[:, :1]).all(axis=1)
    threshold = np.where(uniform, cut[policies.lo[:, 0]], np.nan)
    rules = [
        json.dumps(
            {label: _rule(cut, int(lo[g]), int(hi[g]), float(p[g])) for g, label in enumerate(groups.labels)}
        )
        for lo, hi, p in zip(policies.lo, policies.hi, policies.p_hi, strict=True)
    ]
    return {"policy": policies.policy, "threshold": threshold, "thresholds": rules}


def group_selection(run: ModelRun) -> Float:
    """Expected share of each group's weight selected by each candidate: ``(C, G)`` (NaN: empty group)."""
    found = curves(run.cells.weight)
    selected = run.policies.gather(found.tp) + run.policies.gather(found.fp)
    size = found.pos + found.neg
    return np.where(size > 0, selected / np.where(size > 0, size, 1.0), np.nan)


def degenerate(run: ModelRun) -> np.ndarray:
    """Per candidate: whether it selects nobody or everybody in some (non-empty) group."""
    share = group_selection(run)
    edge = (share <= 1e-12) | (share >= 1.0 - 1e-12)
    return np.asarray(np.where(np.isnan(share), False, edge).any(axis=1), dtype=bool)


def _number(value: float) -> str:
    return f"{value:.4g}"


def rule_text(run: ModelRun, index: int, word: str = "selected") -> str:
    """A candidate's rule in a few words (the candidates table's ``rule`` column)."""
    policies, cut = run.policies, run.cells.thresholds
    lo, hi, p_hi = policies.lo[index], policies.hi[index], policies.p_hi[index]
    last = len(cut) - 1
    if policies.randomized()[index]:
        return f"randomized per group ({len(lo)} groups, two thresholds each)"
    positions = np.where(p_hi >= 1.0, hi, lo)
    if (positions == positions[0]).all():
        position = int(positions[0])
        if position == last:
            return f"nobody {word}"
        if position == 0:
            return f"everybody {word}"
        return f"score ≥ {_number(float(cut[position]))}"
    inner = positions[(positions > 0) & (positions < last)]
    text = f"per group: {len(np.unique(positions))} thresholds"
    if inner.size:
        low, high = float(cut[inner.min()]), float(cut[inner.max()])
        text += f" {_number(low)}–{_number(high)}" if low != high else f" incl. {_number(low)}"
    extremes = [
        f"{who} {word} in {int(mask.sum())} group(s)"
        for who, mask in (("nobody", positions == last), ("everybody", positions == 0))
        if mask.any()
    ]
    return "; ".join([text, *extremes])


def rule_columns(run: ModelRun, word: str) -> dict[str, Any]:
    """``uses_protected_attribute``, ``degenerate`` and ``rule`` of every candidate of one model."""
    count = len(run.policies)
    return {
        "uses_protected_attribute": run.policies.uses_attribute(),
        "degenerate": degenerate(run),
        "rule": [rule_text(run, i, word) for i in range(count)],
    }


def _intervals(run: ModelRun, name: str, confidence: float, iv_se: float) -> tuple[Float, Float]:
    count = len(run.policies)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    if name == "auc":
        auc, se = run.cells.auc, run.cells.auc_se
        return np.full(count, max(0.0, auc - z * se)), np.full(count, min(1.0, auc + z * se))
    if run.intervals is not None:
        return run.intervals.lo[name], run.intervals.hi[name]
    if name == "iv_protected":
        value = run.constants["iv_protected"]
        return np.full(count, max(0.0, value - z * iv_se)), np.full(count, value + z * iv_se)
    return np.full(count, np.nan), np.full(count, np.nan)


def candidates_frame(
    runs: dict[str, ModelRun], groups: Groups, spec: FairnessSpec, iv_se: dict[str, float]
) -> pd.DataFrame:
    """All models' candidates in one frame (before the Pareto columns); ``iv_se`` is each model's
    delta-method SE of ``iv_protected``."""
    import pandas as pd

    frames = []
    for model, run in runs.items():
        knobs = knob_columns(run, groups)
        counters: dict[str, int] = {}
        ids = []
        for policy in knobs["policy"]:
            counters[policy] = counters.get(policy, 0) + 1
            ids.append(f"{model}:{policy}:{counters[policy]:04d}")
        frame = pd.DataFrame({"candidate_id": ids, "model": model, **knobs})
        for name in METRICS:
            if name in run.metrics:
                frame[name] = run.metrics[name]
            else:
                frame[name] = run.constants[name]
            frame[f"{name}_lo"], frame[f"{name}_hi"] = _intervals(run, name, spec.confidence, iv_se[model])
        for column in ("expected_cost", "expected_cost_lo", "expected_cost_hi"):
            frame[column] = frame[column] * spec.false_negative_cost
        for name, values in rule_columns(run, spec.selected_means.strip()).items():
            frame[name] = values
        undefined = frame["degenerate"].to_numpy()
        for name in UNDEFINED_WHEN_DEGENERATE:
            for column in (name, f"{name}_lo", f"{name}_hi"):
                frame.loc[undefined, column] = np.nan
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def groups_frame(run: ModelRun, groups: Groups, min_cell_size: int) -> pd.DataFrame:
    """One row per group: values, rows, weights, positives, base rate, small-cell flag and reason."""
    import pandas as pd

    weight = run.cells.weight.sum(axis=1)
    rows = run.cells.count.sum(axis=1)
    frame = pd.DataFrame({"group": groups.labels})
    for i, column in enumerate(groups.columns):
        frame[column] = [value[i] for value in groups.values]
    frame["rows"], frame["positive_rows"], frame["negative_rows"] = rows.sum(axis=1), rows[:, 1], rows[:, 0]
    frame["weight"], frame["positives"] = weight.sum(axis=1), weight[:, 1]
    frame["base_rate"] = weight[:, 1] / np.maximum(weight.sum(axis=1), 1e-300)
    reasons = []
    for total, positive, negative in zip(rows.sum(axis=1), rows[:, 1], rows[:, 0], strict=True):
        counts = ((total, "rows"), (positive, "positives"), (negative, "negatives"))
        reasons.append("; ".join(f"{n} {what} < {min_cell_size}" for n, what in counts if n < min_cell_size))
    frame["small"] = [bool(reason) for reason in reasons]
    frame["small_reason"] = reasons
    return frame


def by_group(run: ModelRun, index: int, groups: Groups, cost_ratio: float) -> pd.DataFrame:
    """Per-group metrics of one candidate: each group evaluated as if it were the whole table."""
    import pandas as pd

    found = curves(run.cells.weight)
    policy = run.policies.select(np.array([index]))
    tp, fp = policy.gather(found.tp)[0], policy.gather(found.fp)[0]
    rows = []
    for g, label in enumerate(groups.labels):
        values = evaluate(
            tp[None, g : g + 1], fp[None, g : g + 1], found.pos[g : g + 1], found.neg[g : g + 1], cost_ratio
        )
        rows.append({"group": label, "weight": float(found.pos[g] + found.neg[g])}
                    | {name: float(values[name][0]) for name in PER_GROUP})  # fmt: skip
    return pd.DataFrame(rows)
