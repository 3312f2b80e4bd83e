"""OPE estimators from logged bandit feedback, as obp (Open Bandit Pipeline 0.5) defines them.

For logged round i: action aᵢ, reward rᵢ, propensity pᵢ = π_b(aᵢ | xᵢ) (the ``pscore``), the
evaluation policy's probability π(aᵢ | xᵢ) of the logged action, q̂ᵢ = q̂(xᵢ, aᵢ) (the reward
model at the logged action) and q̂_π,ᵢ = Σₐ π(a | xᵢ) q̂(xᵢ, a). With wᵢ = π(aᵢ | xᵢ) / pᵢ:

- IPW       = (1/n) Σ wᵢ rᵢ
- SNIPW     = Σ wᵢ rᵢ / Σ wᵢ
- DM        = (1/n) Σ q̂_π,ᵢ
- DR        = (1/n) Σ [q̂_π,ᵢ + wᵢ (rᵢ − q̂ᵢ)]
- SNDR      = (1/n) Σ [q̂_π,ᵢ + wᵢ (rᵢ − q̂ᵢ) / w̄],  w̄ = (1/n) Σ wᵢ
- Switch-DR = (1/n) Σ [q̂_π,ᵢ + wᵢ 𝟙{wᵢ ≤ τ} (rᵢ − q̂ᵢ)]

With positions (slates), a round is one (impression, position) row and every term is taken at
that position, as obp does with ``position``. The effective sample size of the weights is
ESS = (Σ wᵢ)² / Σ wᵢ².

Every estimator is a function of seven sums (:data:`SUMS`), so the bootstrap over rounds
resamples *groups* of rounds: round i belongs to group i mod G, each group keeps its sums, and
a resample draws G groups with replacement. With G ≥ n every group is one round: the plain
bootstrap over rounds. With ``--cluster`` every cluster is one group: the cluster bootstrap.
With more rounds than G (default 10,000) groups are independent sums
of equally many iid rounds, so the resampled sums have the same variance as a resample of rounds.
"""

from __future__ import annotations

import numpy as np

ESTIMATORS = ("ipw", "snipw", "dm", "dr", "sndr", "switch-dr")
NEEDS_REWARD_MODEL = frozenset({"dm", "dr", "sndr", "switch-dr"})
SUMS = ("n", "w", "wr", "w2", "q_pi", "w_res", "switch_res")
DEFAULT_GROUPS = 10_000
CELLS_PER_CHUNK = 20_000_000  # resamples × groups drawn at once


def round_terms(
    pi_logged: np.ndarray,
    pscore: np.ndarray,
    reward: np.ndarray,
    q_logged: np.ndarray,
    q_pi: np.ndarray,
    *,
    tau: float,
) -> np.ndarray:
    """The per-round terms of every sum but ``n`` (``SUMS[1:]``), shape ``(len(SUMS) - 1, rounds)``."""
    w = pi_logged / pscore
    residual = w * (reward - q_logged)
    return np.stack([w, w * reward, w * w, q_pi, residual, np.where(w <= tau, residual, 0.0)])


def group_sums(terms: np.ndarray, rowid: np.ndarray, groups: int) -> np.ndarray:
    """Per group (round ``rowid`` is in group ``rowid mod groups``): the number of rounds and the
    sums of each row of ``terms`` (``(k, rounds)``), shape ``(k + 1, groups)``.

    Rounds with consecutive row ids (how a table scan streams them) are summed by folding the
    terms into ``(k + 1, blocks, groups)``: one pass, no scatter; others go through ``bincount``.
    """
    rows, n = terms.shape
    if n and int(rowid[-1]) - int(rowid[0]) == n - 1 and bool(np.all(np.diff(rowid) == 1)):
        start = int(rowid[0]) % groups
        width = -(-(start + n) // groups) * groups
        folded = np.zeros((rows + 1, width))
        folded[0, start : start + n] = 1.0
        folded[1:, start : start + n] = terms
        return folded.reshape(rows + 1, -1, groups).sum(axis=1)
    ids = rowid.astype(np.int64) % groups
    offsets = (np.arange(1, rows + 1, dtype=np.int64) * groups)[:, None]
    keys = np.concatenate([ids, (ids[None, :] + offsets).ravel()])
    weights = np.concatenate([np.ones(n), terms.ravel()])
    return np.bincount(keys, weights=weights, minlength=(rows + 1) * groups).reshape(rows + 1, groups)


def estimates(sums: np.ndarray) -> dict[str, np.ndarray]:
    """Every estimator from the sums (``(len(SUMS), ...)``; a trailing axis holds resamples)."""
    n, w, wr, _w2, q_pi, w_res, switch_res = sums
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "ipw": wr / n,
            "snipw": wr / w,
            "dm": q_pi / n,
            "dr": (q_pi + w_res) / n,
            "sndr": q_pi / n + w_res / w,
            "switch-dr": (q_pi + switch_res) / n,
        }


def ess(sums: np.ndarray) -> float:
    """Effective sample size (Σw)² / Σw² of the weights whose sums are given."""
    total, squares = float(sums[SUMS.index("w")]), float(sums[SUMS.index("w2")])
    return total * total / squares if squares > 0 else 0.0


def bootstrap(per_group: np.ndarray, resamples: int, seed: int) -> dict[str, np.ndarray]:
    """Each estimator on ``resamples`` resamples of the groups (with replacement), seeded.

    ``per_group`` is ``(len(SUMS), G)``; the counts matrix is drawn once and shared, so every
    policy and estimator sees the same resampled rounds when the same seed is used.
    """
    counts = resample_counts(per_group.shape[1], resamples, seed)
    return estimates(per_group @ counts.T)


def resample_counts(groups: int, resamples: int, seed: int) -> np.ndarray:
    """How often each group is drawn in each resample, ``(resamples, groups)`` (multinomial)."""
    rng = np.random.default_rng(seed)
    return rng.multinomial(groups, np.full(groups, 1.0 / groups), size=resamples).astype(np.float64)


def resampled_sums(per_group: np.ndarray, resamples: int, seed: int) -> np.ndarray:
    """``per_group @ counts.T`` for :func:`resample_counts`' counts, drawn a chunk of resamples at a
    time so that many groups (one per cluster with ``--cluster``) fit in memory: ``(rows, resamples)``.

    The chunks come from one generator in order, so the result equals the one-shot product.
    """
    groups = per_group.shape[1]
    rng = np.random.default_rng(seed)
    chunk = max(1, min(resamples, CELLS_PER_CHUNK // groups))
    shares = np.full(groups, 1.0 / groups)
    parts = []
    for start in range(0, resamples, chunk):
        counts = rng.multinomial(groups, shares, size=min(chunk, resamples - start)).astype(np.float64)
        parts.append(per_group @ counts.T)
    return np.concatenate(parts, axis=1)
