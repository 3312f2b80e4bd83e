"""Bootstrap intervals from resampled counts: coverage, determinism and cancellation."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from tradeoff_studio.core.analyses.fairness import FairnessSpec, analyze_fairness
from tradeoff_studio.core.analyses.fairness.bootstrap import bootstrap
from tradeoff_studio.core.analyses.fairness.cells import Cells, curves
from tradeoff_studio.core.analyses.fairness.policies import PolicySet
from tradeoff_studio.core.errors import CancelledError
from tradeoff_studio.core.jobs import CancelToken, no_progress
from tradeoff_studio.core.project import Project

SENSITIVE = ["sex", "region"]
# Two groups × four score bins × (negative, positive): the population the samples come from.
SHARES = np.array(
    [[[0.10, 0.01], [0.08, 0.03], [0.05, 0.05], [0.02, 0.06]],
     [[0.12, 0.02], [0.10, 0.05], [0.06, 0.08], [0.03, 0.14]]]
)  # fmt: skip


def _cells(counts: np.ndarray) -> Cells:
    return Cells("m", counts, counts.astype(np.int64), counts, np.arange(5.0), True, 0.5, 0.0, 0.0, None)


def test_percentile_intervals_cover_the_population_values() -> None:
    policies = PolicySet.uniform("global", np.array([1, 2, 3]), 2)
    truth = policies.evaluate(curves(SHARES), 1.0)
    names = ["accuracy", "selection_rate", "tpr", "fpr", "dp_difference", "eodds_difference"]
    rng = np.random.default_rng(0)
    covered = {name: 0 for name in names}
    replicates = 120
    for replicate in range(replicates):
        counts = rng.multinomial(1500, SHARES.ravel()).reshape(SHARES.shape).astype(np.float64)
        found = bootstrap(
            _cells(counts), policies, np.array([0, 2, 4]), resamples=200, confidence=0.9,
            seed=[replicate], cost_ratio=1.0, progress=no_progress, cancel=CancelToken(),
        )  # fmt: skip
        for name in names:
            covered[name] += int(((found.lo[name] <= truth[name]) & (truth[name] <= found.hi[name])).sum())
    for name in names:
        coverage = covered[name] / (3 * replicates)
        assert 0.80 <= coverage <= 0.97, (name, coverage)


def test_intervals_are_seeded_and_ordered(project: Project, random_table: Any) -> None:
    random_table(n=2000, seed=8)
    spec = FairnessSpec("t", "y", SENSITIVE, ["score"], bootstrap=60, seed=3, policies=["global", "group"])
    first = analyze_fairness(project, spec).candidates
    again = analyze_fairness(project, spec).candidates
    other = analyze_fairness(project, replace(spec, seed=4)).candidates
    defined = ~first.frame["degenerate"]
    for name in first.metrics:
        assert first.frame.loc[defined, f"{name}_lo"].notna().all(), name
        lo, hi = first.frame.loc[defined, f"{name}_lo"], first.frame.loc[defined, f"{name}_hi"]
        assert (lo <= hi + 1e-12).all(), name
        np.testing.assert_array_equal(first.frame[f"{name}_lo"], again.frame[f"{name}_lo"])
    assert not np.array_equal(first.frame["accuracy_lo"], other.frame["accuracy_lo"])
    frame = first.frame
    assert ((frame["auc_lo"] <= frame["auc"]) & (frame["auc"] <= frame["auc_hi"])).all()
    assert frame["near_front"].sum() >= frame["on_front"].sum()


def test_no_bootstrap_leaves_threshold_metrics_without_intervals(project: Project, random_table: Any) -> None:
    random_table(n=1000, seed=9)
    table = analyze_fairness(project, FairnessSpec("t", "y", SENSITIVE, ["score"], bootstrap=0)).candidates
    assert not table.has_ci("accuracy") and table.has_ci("auc") and table.has_ci("iv_protected")
    assert (table.frame["near_front"] == table.frame["on_front"]).all()


def test_cancel_stops_the_bootstrap(project: Project, random_table: Any) -> None:
    random_table(n=2000, seed=10)
    token = CancelToken()
    messages: list[str] = []

    def progress(_fraction: float, message: str) -> None:
        messages.append(message)
        if message.startswith("Bootstrap"):
            token.cancel()

    spec = FairnessSpec("t", "y", SENSITIVE, ["score"], bootstrap=5000)
    with pytest.raises(CancelledError):
        analyze_fairness(project, spec, progress=progress, cancel=token)
    assert sum(message.startswith("Bootstrap") for message in messages) < 5
