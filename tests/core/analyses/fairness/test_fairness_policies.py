"""Per-group threshold search against brute force; randomized (Hardt) and capacity policies."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

from tradeoff_studio.core.analyses.candidates import Objective
from tradeoff_studio.core.analyses.fairness import FairnessSpec, analyze_fairness
from tradeoff_studio.core.analyses.fairness.cells import curves
from tradeoff_studio.core.analyses.fairness.randomized import upper_hull
from tradeoff_studio.core.analyses.fairness.runs import rate_curve, utility_curve
from tradeoff_studio.core.analyses.fairness.search import Constraint, RangeArgmax, best_for_level, starts
from tradeoff_studio.core.project import Project

SENSITIVE = ["sex", "region"]


def test_range_argmax_matches_brute_force() -> None:
    rng = np.random.default_rng(0)
    values = rng.integers(0, 20, (3, 37)).astype(float)
    rmq = RangeArgmax(values)
    left = rng.integers(0, 37, (3, 200))
    right = np.minimum(left + rng.integers(1, 37, (3, 200)), 37)
    found = rmq.query(left, right)
    for g in range(3):
        for lo, hi, index in zip(left[g], right[g], found[g], strict=True):
            assert lo <= index < hi and values[g, index] == values[g, lo:hi].max()


CASES = {
    "dp_difference": (["selection_rate"], "difference"),
    "dp_ratio": (["selection_rate"], "ratio"),
    "eopp_difference": (["tpr"], "difference"),
    "eodds_difference": (["tpr", "fpr"], "difference"),
}


def _disparity(rates: list[np.ndarray], window: str) -> np.ndarray:
    if window == "ratio":
        high = rates[0].max(axis=1)
        return np.where(high > 0, rates[0].min(axis=1) / np.where(high > 0, high, 1), 1.0)
    return np.max([rate.max(axis=1) - rate.min(axis=1) for rate in rates], axis=0)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("constraint_name", list(CASES))
@pytest.mark.parametrize("utility_name", ["accuracy", "expected_cost"])
def test_window_search_equals_brute_force(seed: int, constraint_name: str, utility_name: str) -> None:
    rng = np.random.default_rng(seed)
    groups, bins = 3, 5
    found = curves(rng.integers(0, 15, (groups, bins, 2)).astype(float) + 0.5)
    utility = utility_curve(utility_name, found, 2.0)
    names, window = CASES[constraint_name]
    constraint = Constraint([rate_curve(name, found) for name in names], window)
    rmq = RangeArgmax(utility)
    window_starts = [starts(rate, 10_000) for rate in constraint.rates]
    combos = np.array(list(itertools.product(range(bins + 1), repeat=groups)))
    index = np.arange(groups)[None, :]
    totals = utility[index, combos].sum(axis=1)
    disparity = _disparity([rate[index, combos] for rate in constraint.rates], window)
    levels = np.linspace(0.0, 1.0, 11)
    for level in levels:
        chosen = best_for_level(constraint, float(level), rmq, window_starts, None)
        ok = disparity >= level - 1e-12 if window == "ratio" else disparity <= level + 1e-12
        if chosen is None:
            assert not ok.any()
            continue
        ours = _disparity([rate[np.arange(groups), chosen][None] for rate in constraint.rates], window)[0]
        assert (ours >= level - 1e-12) if window == "ratio" else (ours <= level + 1e-12)
        assert utility[np.arange(groups), chosen].sum() == pytest.approx(totals[ok].max(), abs=1e-12)


def test_lowest_allowed_positions_are_respected() -> None:
    rng = np.random.default_rng(4)
    found = curves(rng.integers(1, 15, (2, 6, 2)).astype(float))
    utility = utility_curve("accuracy", found, 1.0)
    constraint = Constraint([rate_curve("selection_rate", found)], "difference")
    first = np.array([3, 4])
    chosen = best_for_level(constraint, 1.0, RangeArgmax(utility), [starts(constraint.rates[0], 99)], first)
    assert chosen is not None and (chosen >= first).all()
    best = max(utility[0, a] + utility[1, b] for a in range(3, 7) for b in range(4, 7))
    assert utility[np.arange(2), chosen].sum() == pytest.approx(best, abs=1e-12)


def test_upper_hull() -> None:
    x = np.array([0.0, 0.2, 0.5, 0.5, 0.8, 1.0])
    y = np.array([0.0, 0.1, 0.6, 0.2, 0.7, 0.5])
    assert list(upper_hull(x, y)) == [0, 2, 4, 5]


@pytest.mark.parametrize("objective", ["dp_difference", "eopp_difference"])
def test_randomized_policies_meet_parity(project: Project, random_table: Any, objective: str) -> None:
    random_table(n=3000, seed=11)
    spec = FairnessSpec(
        "t", "y", SENSITIVE, ["score"], bootstrap=0, policies=["randomized", "group"],
        objectives=[Objective("accuracy", "max"), Objective(objective, "min")], randomized_policies=30,
    )  # fmt: skip
    frame = analyze_fairness(project, spec).candidates.frame
    randomized = frame[frame["policy"] == "randomized"]
    assert len(randomized) >= 30
    assert randomized[objective].max() < 1e-9
    assert randomized["thresholds"].str.contains(r"\[\[").any()  # some groups really mix two thresholds
    exact_parity = frame[(frame["policy"] == "group") & (frame[objective] < 1e-12)]
    assert randomized["accuracy"].max() >= exact_parity["accuracy"].max() - 1e-12


def test_capacity_policies_and_filter(project: Project, random_table: Any, make_table: Any) -> None:
    rows = random_table(n=2000, seed=12, ties=False)
    spec = FairnessSpec(
        "t", "y", SENSITIVE, ["score"], bootstrap=0, capacity_top_k=300, policies=["global", "capacity"]
    )
    result = analyze_fairness(project, spec)
    frame = result.candidates.frame
    assert (frame["selection_rate"] * 2000 <= 300 + 1e-9).all()
    assert result.notes["models"]["score"]["dropped_over_capacity"] > 0
    capacity = frame[frame["policy"] == "capacity"]
    assert len(capacity) == 2
    global_cut = capacity["threshold"].dropna().iloc[0]
    assert (rows["score"] >= global_cut).sum() == 300  # distinct scores: exactly the top 300
    proportional = capacity[capacity["threshold"].isna()].iloc[0]
    assert proportional["dp_difference"] < 0.01
