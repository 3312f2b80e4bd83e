"""Metrics of threshold policies from selected counts per group, vectorised over candidates.

Inputs are the (expected) selected positives ``tp`` and negatives ``fp`` per candidate and
group, shape ``(..., C, G)``, and the groups' totals ``pos``/``neg``, shape ``(..., G)``; any
leading axes (bootstrap resamples, sites) broadcast. Definitions follow scikit-learn and
Fairlearn (``MetricFrame.overall``, ``difference()``, ``ratio()``), with weights:

- a ratio whose denominator is 0 is 0 (scikit-learn's ``zero_division`` default), except
  ``dp_ratio``, which is NaN (undefined) when no group gets the favourable outcome; the
  candidates table also leaves it undefined for a rule that selects nobody or everybody in
  some group (see :mod:`.assemble`);
- with ``favorable_selected=False`` (the favourable outcome is *not* being selected),
  ``selection_rate``, ``dp_difference`` and ``dp_ratio`` are computed on the share not selected;
- ``balanced_accuracy`` averages the recalls of the classes present;
- ``expected_cost`` = (cost_ratio·FP + FN) / total weight: a false negative costs 1;
- between-group spreads (``dp_difference`` = max − min selection rate, ``eopp_difference`` on
  TPR, ``eodds_difference`` = the larger of the TPR and FPR spreads, ``pp_difference`` on
  precision) and ``dp_ratio`` (min / max selection rate, the adverse-impact ratio) ignore
  groups with no weight (a group absent from a bootstrap resample or a site).

For a randomized policy the counts are expectations and each metric is that of the expected
confusion matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .cells import Float
from .spec import METRICS

#: The metrics :func:`evaluate` returns (every metric but ``auc`` and ``iv_protected``).
THRESHOLD_METRICS = tuple(metric for metric in METRICS if metric not in {"auc", "iv_protected"})


def ratio(numerator: ArrayLike, denominator: ArrayLike) -> Float:
    """``numerator / denominator``, 0 where the denominator is 0."""
    num, den = np.broadcast_arrays(np.asarray(numerator, np.float64), np.asarray(denominator, np.float64))
    out: Float = np.divide(num, den, out=np.zeros(num.shape), where=den > 0)
    return out


def group_rates(tp: Float, fp: Float, pos: Float, neg: Float) -> dict[str, Float]:
    """Per-group rates, shape ``(..., C, G)``: selection rate, TPR, FPR, precision, accuracy."""
    pos_b = pos[..., None, :]
    neg_b = neg[..., None, :]
    return {
        "selection_rate": ratio(tp + fp, pos_b + neg_b),
        "tpr": ratio(tp, pos_b),
        "fpr": ratio(fp, neg_b),
        "precision": ratio(tp, tp + fp),
        "accuracy": ratio(tp + neg_b - fp, pos_b + neg_b),
    }


def _spread(values: Float, present: np.ndarray) -> tuple[Float, Float]:
    high = np.where(present, values, -np.inf).max(axis=-1)
    low = np.where(present, values, np.inf).min(axis=-1)
    return low, high


def evaluate(
    tp: Float, fp: Float, pos: Float, neg: Float, cost_ratio: float, *, favorable_selected: bool = True
) -> dict[str, Float]:
    """Every metric of :data:`THRESHOLD_METRICS`, shape ``(..., C)`` (favourable outcome: module doc)."""
    total_pos = pos.sum(axis=-1)[..., None]
    total_neg = neg.sum(axis=-1)[..., None]
    total = total_pos + total_neg
    tp_all, fp_all = tp.sum(axis=-1), fp.sum(axis=-1)
    tpr, fpr = ratio(tp_all, total_pos), ratio(fp_all, total_neg)
    tnr = ratio(total_neg - fp_all, total_neg)
    both = (total_pos > 0) & (total_neg > 0)
    balanced = np.where(both, (tpr + tnr) / 2, np.where(total_pos > 0, tpr, tnr))
    out = {
        "accuracy": ratio(tp_all + total_neg - fp_all, total),
        "balanced_accuracy": balanced,
        "tpr": tpr,
        "fpr": fpr,
        "precision": ratio(tp_all, tp_all + fp_all),
        "selection_rate": ratio(tp_all + fp_all, total),
        "expected_cost": ratio(cost_ratio * fp_all + total_pos - tp_all, total),
    }
    rates = group_rates(tp, fp, pos, neg)
    if not favorable_selected:
        out["selection_rate"] = np.where(total > 0, 1.0 - out["selection_rate"], 0.0)
        rates["selection_rate"] = np.where((pos + neg)[..., None, :] > 0, 1.0 - rates["selection_rate"], 0.0)
    out.update(_disparities(rates, (pos + neg)[..., None, :] > 0))
    return out


def _disparities(rates: dict[str, Float], present: np.ndarray) -> dict[str, Float]:
    present = np.broadcast_to(present, rates["tpr"].shape)
    sr_low, sr_high = _spread(rates["selection_rate"], present)
    tpr_low, tpr_high = _spread(rates["tpr"], present)
    fpr_low, fpr_high = _spread(rates["fpr"], present)
    pp_low, pp_high = _spread(rates["precision"], present)
    eopp = tpr_high - tpr_low
    return {
        "dp_difference": sr_high - sr_low,
        "dp_ratio": np.where(sr_high > 0, ratio(sr_low, sr_high), np.nan),
        "eopp_difference": eopp,
        "eodds_difference": np.maximum(eopp, fpr_high - fpr_low),
        "pp_difference": pp_high - pp_low,
    }


@dataclass(frozen=True)
class Auc:
    """Area under the ROC curve with its DeLong standard error and its binning error bound."""

    value: float
    se: float
    bound: float


def auc_from_bins(pos: Float, neg: Float, pos_sq: Float, neg_sq: Float, *, exact: bool) -> Auc:
    """AUC of bins sorted by score (ties count one half, as scikit-learn's ``roc_auc_score``).

    ``pos``/``neg`` are the weights per bin, ``pos_sq``/``neg_sq`` the squared weights (Kish
    effective sizes for the DeLong variance, computed from placement values per bin). Unless
    ``exact``, rows sharing a bin count as ties, and ``bound`` = ½·Σ pos·neg / (P·N) bounds the
    distance to the AUC of the unbinned scores.
    """
    total_pos, total_neg = float(pos.sum()), float(neg.sum())
    if total_pos <= 0 or total_neg <= 0:
        return Auc(float("nan"), float("nan"), 0.0)
    neg_below = np.cumsum(neg) - neg
    pos_above = total_pos - np.cumsum(pos)
    v10 = (neg_below + 0.5 * neg) / total_neg
    v01 = (pos_above + 0.5 * pos) / total_pos
    value = float((pos * v10).sum() / total_pos)
    m_eff = total_pos**2 / float(pos_sq.sum())
    n_eff = total_neg**2 / float(neg_sq.sum())
    s10 = float((pos * (v10 - value) ** 2).sum() / total_pos) * m_eff / max(m_eff - 1.0, 1.0)
    s01 = float((neg * (v01 - (1.0 - value)) ** 2).sum() / total_neg) * n_eff / max(n_eff - 1.0, 1.0)
    bound = 0.0 if exact else float(0.5 * (pos * neg).sum() / (total_pos * total_neg))
    return Auc(value, float(np.sqrt(s10 / m_eff + s01 / n_eff)), bound)


def binned_bounds(weight: Float, cost_ratio: float) -> dict[str, float]:
    """Bounds on |metric(exact threshold) − metric(binned curve)| for a ``(G, K, 2)`` weight array.

    Any threshold t falls in some bin; the bin's lower edge is a position of the binned curve,
    and the two rules differ only on rows of that bin. So rates move by at most the largest
    bin's share, and between-group spreads by at most twice the largest group share. Precision,
    ``dp_ratio`` and ``pp_difference`` have no bound independent of the values: not reported.
    """
    pooled = weight.sum(axis=0)
    pos, neg = pooled[:, 1], pooled[:, 0]
    total = float(pooled.sum())
    mass_share = float((pos + neg).max() / total)
    tpr = float(ratio(pos, pos.sum()).max())
    fpr = float(ratio(neg, neg.sum()).max())
    mass = weight.sum(axis=2)
    sr_g = float(ratio(mass, mass.sum(axis=1, keepdims=True)).max())
    tpr_g = float(ratio(weight[..., 1], weight[..., 1].sum(axis=1, keepdims=True)).max())
    fpr_g = float(ratio(weight[..., 0], weight[..., 0].sum(axis=1, keepdims=True)).max())
    return {
        "accuracy": mass_share,
        "selection_rate": mass_share,
        "tpr": tpr,
        "fpr": fpr,
        "balanced_accuracy": (tpr + fpr) / 2,
        "expected_cost": float((cost_ratio * neg + pos).max() / total),
        "dp_difference": 2 * sr_g,
        "eopp_difference": 2 * tpr_g,
        "eodds_difference": 2 * max(tpr_g, fpr_g),
    }
