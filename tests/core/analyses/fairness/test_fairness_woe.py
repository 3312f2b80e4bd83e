"""WoE, IV and PSI: a hand-computed example, IV = PSI, the χ² test near zero and the delta-method SE."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from scipy import stats

from tradeoff_studio.core.analyses.fairness import FairnessSpec, analyze_fairness
from tradeoff_studio.core.analyses.fairness.woe import Sides, chi2_sf, divergence, woe_columns
from tradeoff_studio.core.project import Project

GOODS = np.array([10.0, 20.0, 30.0, 40.0])
BADS = np.array([20.0, 10.0, 5.0, 5.0])


def sides(p: np.ndarray, q: np.ndarray) -> Sides:
    """Unweighted sides: weights = rows = squared weights."""
    return Sides(p, q, p, q, p, q)


def test_hand_computed_woe_and_iv() -> None:
    # p = goods/100 = .1 .2 .3 .4; q = bads/40 = .5 .25 .125 .125
    woe = [math.log(0.1 / 0.5), math.log(0.2 / 0.25), math.log(0.3 / 0.125), math.log(0.4 / 0.125)]
    iv = (0.1 - 0.5) * woe[0] + (0.2 - 0.25) * woe[1] + (0.3 - 0.125) * woe[2] + (0.4 - 0.125) * woe[3]
    assert iv == pytest.approx(1.128006, abs=1e-6)
    columns = woe_columns(sides(GOODS, BADS))
    np.testing.assert_allclose(columns["woe"], woe, atol=1e-12)
    np.testing.assert_allclose(columns["iv_part"].sum(), iv, atol=1e-12)
    se = np.sqrt(1 / GOODS + 1 / BADS - 1 / 100 - 1 / 40)
    np.testing.assert_allclose(columns["woe_se"], se, atol=1e-12)
    result = divergence(sides(GOODS, BADS))
    assert result.value == pytest.approx(iv, abs=1e-12)
    assert result.chi2 == pytest.approx(100 * 40 / 140 * iv, abs=1e-9)
    assert result.df == 3 and not result.corrected


def test_iv_equals_psi_on_the_same_bins() -> None:
    p, q = GOODS / GOODS.sum(), BADS / BADS.sum()
    psi = float(((q - p) * np.log(q / p)).sum())  # PSI from expected p to actual q
    assert divergence(sides(GOODS, BADS)).value == pytest.approx(psi, abs=1e-12)
    assert divergence(sides(BADS, GOODS)).value == pytest.approx(psi, abs=1e-12)


def test_empty_bin_gets_the_haldane_correction() -> None:
    result = divergence(sides(np.array([0.0, 10.0, 20.0]), np.array([5.0, 5.0, 5.0])))
    assert result.corrected and np.isfinite(result.value) and result.value > 0


@pytest.mark.parametrize(
    ("x", "df"), [(0.5, 1), (3.0, 2), (7.7, 4), (30.0, 9), (200.0, 150), (1e-3, 3), (80.0, 5)]
)
def test_chi2_survival_matches_scipy(x: float, df: int) -> None:
    assert chi2_sf(x, df) == pytest.approx(stats.chi2.sf(x, df), rel=1e-9, abs=1e-300)


def test_chi2_test_is_calibrated_near_zero_where_the_delta_se_collapses() -> None:
    rng = np.random.default_rng(0)
    shares = np.array([0.1, 0.2, 0.3, 0.25, 0.15])
    results = [divergence(sides(rng.multinomial(2000, shares) * 1.0, rng.multinomial(800, shares) * 1.0))
               for _ in range(400)]  # fmt: skip
    chi2 = np.array([r.chi2 for r in results])
    p_values = np.array([r.p_value for r in results])
    assert chi2.mean() == pytest.approx(4.0, rel=0.15)  # χ²(k − 1), k = 5
    assert 0.01 <= (p_values < 0.05).mean() <= 0.10
    # At p = q the gradient of IV vanishes: the delta-method SE is 0 and says nothing there.
    exact = divergence(sides(shares * 2000, shares * 800))
    assert exact.value == pytest.approx(0.0, abs=1e-15) and exact.se == pytest.approx(0.0, abs=1e-12)
    assert exact.p_value == 1.0


def test_delta_se_matches_the_monte_carlo_spread_away_from_zero() -> None:
    rng = np.random.default_rng(1)
    p, q = np.array([0.1, 0.2, 0.3, 0.4]), np.array([0.4, 0.3, 0.2, 0.1])
    results = [
        divergence(sides(rng.multinomial(5000, p) * 1.0, rng.multinomial(800, q) * 1.0)) for _ in range(600)
    ]
    spread = np.std([r.value for r in results])
    assert np.mean([r.se for r in results]) == pytest.approx(spread, rel=0.1)


def test_label_woe_table_through_the_analysis(project: Project, make_table: Any) -> None:
    scores, labels = [], []
    for score, goods, bads in zip([0.1, 0.2, 0.3, 0.4], GOODS, BADS, strict=True):
        scores += [score] * int(goods + bads)
        labels += [0] * int(goods) + [1] * int(bads)
    group = ["a", "b"] * (len(scores) // 2)
    make_table("t", {"score": np.array(scores), "y": np.array(labels), "g": np.array(group)})
    spec = FairnessSpec("t", "y", ["g"], ["score"], bootstrap=0, iv_bins=4, mode="exact")
    result = analyze_fairness(project, spec)
    label = result.iv[result.iv["target"] == "label"].iloc[0]
    assert label["iv"] == pytest.approx(1.128006, abs=1e-6)
    table = result.woe[result.woe["target"] == "label"]
    np.testing.assert_allclose(table["n_p"], GOODS)
    np.testing.assert_allclose(table["score_lo"], [0.1, 0.2, 0.3, 0.4])
    protected = result.iv[result.iv["kind"] == "protected"]
    assert list(protected["target"]) == ["g=a", "g=b"]
    assert protected["iv"].iloc[0] == pytest.approx(protected["iv"].iloc[1], abs=1e-12)
    assert result.candidates.frame["iv_protected"].iloc[0] == pytest.approx(protected["iv"].max(), abs=1e-12)
    assert (protected["dp_gap_bound"] == np.sqrt(protected["iv"]) / 2).all()


def test_psi_drift_against_another_table(project: Project, make_table: Any, random_table: Any) -> None:
    rows = random_table(n=3000, seed=2)
    shifted = dict(rows) | {"score": np.clip(rows["score"] + 0.1, 0, 1)}
    make_table("same", rows)
    make_table("shifted", shifted)
    base = FairnessSpec("t", "y", ["sex", "region"], ["score"], bootstrap=0, policies=["global"])
    same = analyze_fairness(project, replace(base, drift_table="same")).drift
    assert same is not None and np.allclose(same["psi"], 0.0) and (same["p_value"] > 0.99).all()
    moved = analyze_fairness(project, replace(base, drift_table="shifted")).drift
    assert moved is not None
    assert moved["group"].iloc[0] == "(all)" and len(moved) == 1 + 6
    overall = moved.iloc[0]
    assert overall["psi"] > 0.1 and overall["p_value"] < 1e-6
    assert overall["n_expected"] == 3000 and overall["n_actual"] == 3000
