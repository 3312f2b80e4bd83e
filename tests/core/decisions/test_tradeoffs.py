"""Trade-off rates on fronts whose slope is known in closed form."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from tradeoff_studio.core.analyses.candidates import CandidateTable
from tradeoff_studio.core.decisions.intervals import two_sided_z
from tradeoff_studio.core.decisions.tradeoffs import tradeoff_rates

MakeTable = Callable[..., CandidateTable]
GRID = np.round(np.arange(0.05, 0.951, 0.05), 2)


def convex_front(make_table: MakeTable, **extra: list[float]) -> CandidateTable:
    """accuracy:max against gap:min with gap = accuracy², so d accuracy / d gap = 1 / (2 accuracy)."""
    columns = {"candidate_id": [f"a{a:.2f}" for a in GRID], "accuracy": list(GRID), "gap": list(GRID**2)}
    return make_table(columns | extra, "accuracy:max,gap:min", notes={"ci_level": 0.95})


@pytest.mark.parametrize("accuracy", [0.25, 0.4, 0.5, 0.8])
def test_rate_is_the_slope_of_the_front(make_table: MakeTable, accuracy: float) -> None:
    [rate] = tradeoff_rates(convex_front(make_table), f"a{accuracy:.2f}")
    assert (rate.gain, rate.cost) == ("gap", "accuracy")
    assert rate.rate == pytest.approx(1 / (2 * accuracy))
    assert rate.neighbours == (f"a{accuracy - 0.05:.2f}", f"a{accuracy + 0.05:.2f}")
    assert rate.lo is None and rate.hi is None


def test_text_reads_in_percentage_points(make_table: MakeTable) -> None:
    [rate] = tradeoff_rates(convex_front(make_table), "a0.25")
    assert rate.text == "giving up 1 pp of accuracy lowers gap by 0.5 pp"
    assert rate.per_cost == pytest.approx(0.5)


def test_text_mixes_units_and_points(make_table: MakeTable) -> None:
    table = make_table({"accuracy": list(GRID), "cost": list(100 * GRID**2)}, "accuracy:max,cost:min")
    [rate] = tradeoff_rates(table, "c4")  # accuracy 0.25
    assert rate.rate == pytest.approx(1 / (200 * 0.25))
    assert rate.text == "giving up 1 pp of accuracy lowers cost by 0.5"
    assert rate.per_cost == pytest.approx(50.0)


def test_ends_of_the_front_use_the_one_neighbour(make_table: MakeTable) -> None:
    table = convex_front(make_table)
    [first] = tradeoff_rates(table, "a0.05")
    assert first.neighbours == ("a0.05", "a0.10")
    assert first.rate == pytest.approx(0.05 / (0.1**2 - 0.05**2))
    [last] = tradeoff_rates(table, "a0.95")
    assert last.neighbours == ("a0.90", "a0.95")


def test_candidate_off_the_front_uses_the_points_around_it(make_table: MakeTable) -> None:
    table = make_table(
        {"accuracy": [*GRID, 0.52], "gap": [*(GRID**2), 0.5]}, "accuracy:max,gap:min", knobs=[]
    )
    [rate] = tradeoff_rates(table, f"c{len(GRID)}")
    assert rate.neighbours == ("c9", "c10")  # accuracy 0.50 and 0.55
    assert rate.rate == pytest.approx(0.05 / (0.55**2 - 0.5**2))


def test_no_trade_off_when_one_candidate_is_best_in_both(make_table: MakeTable) -> None:
    table = make_table({"accuracy": [0.9, 0.5, 0.6], "gap": [0.01, 0.2, 0.3]}, "accuracy:max,gap:min")
    [rate] = tradeoff_rates(table, "c1")
    assert rate.rate is None and rate.neighbours is None
    assert "no trade-off between accuracy and gap" in rate.text


def _bands(half: float) -> dict[str, list[float]]:
    """Intervals of half-width ``half`` on both objectives of the convex front."""
    return {
        "accuracy_lo": list(GRID - half),
        "accuracy_hi": list(GRID + half),
        "gap_lo": list(GRID**2 - half),
        "gap_hi": list(GRID**2 + half),
    }


def test_interval_by_the_delta_method(make_table: MakeTable) -> None:
    half = 0.01
    [rate] = tradeoff_rates(convex_front(make_table, **_bands(half)), "a0.50")
    sd = half / two_sided_z(0.95)
    d_gap = 0.55**2 - 0.45**2
    se = math.sqrt(2 * sd**2 + rate.rate**2 * 2 * sd**2) / d_gap  # type: ignore[operator]
    assert rate.lo == pytest.approx(math.exp(-1.959964 * se), rel=1e-5)  # log scale: rate 1, se/rate = se
    assert rate.hi == pytest.approx(math.exp(1.959964 * se), rel=1e-5)
    assert rate.text.startswith("giving up 1 pp of accuracy lowers gap by 1 pp (95% CI ")
    assert rate.per_cost_lo is not None and rate.per_cost_hi is not None
    assert rate.per_cost_lo < 1.0 < rate.per_cost_hi


def test_a_noisy_rate_keeps_a_positive_interval(make_table: MakeTable) -> None:
    """Wide intervals once gave "95% CI 0–12.2" (a symmetric interval clipped at 0)."""
    half = 0.2
    [rate] = tradeoff_rates(convex_front(make_table, **_bands(half)), "a0.50")
    assert rate.lo is not None and rate.hi is not None and rate.per_cost_lo is not None
    assert 0.0 < rate.lo < rate.rate < rate.hi  # type: ignore[operator]
    assert rate.per_cost_lo > 0.0
    assert rate.lo * rate.hi == pytest.approx(rate.rate**2)  # type: ignore[operator]


def test_an_interval_spanning_orders_of_magnitude_is_called_undetermined(make_table: MakeTable) -> None:
    [rate] = tradeoff_rates(convex_front(make_table, **_bands(2.0)), "a0.50")
    assert rate.hi > 100 * rate.lo  # type: ignore[operator]
    assert rate.text.endswith("(95% CI undetermined: the neighbouring candidates' CIs overlap)")


def test_a_cost_below_one_dollar_is_not_in_percentage_points(make_table: MakeTable) -> None:
    """An LLM's cost per item lies in [0, 1] but is money, not a proportion."""
    quality = np.linspace(0.6, 0.9, 7)
    table = make_table({"quality": list(quality), "cost": list(quality**2 / 10)}, "quality:max,cost:min")
    [rate] = tradeoff_rates(table, "c3")
    assert rate.text == "giving up 1 pp of quality lowers cost by 0.0015"


def test_every_pair_of_three_objectives(make_table: MakeTable) -> None:
    t = np.linspace(0.1, 0.9, 9)
    table = make_table({"x": list(t), "y": list(1 - t), "z": list(t**2)}, "x:max,y:max,z:min")
    rates = tradeoff_rates(table, "c4")
    assert [(r.cost, r.gain) for r in rates] == [("x", "y"), ("x", "z"), ("y", "z")]
    assert rates[0].rate == pytest.approx(1.0)
    assert rates[1].rate == pytest.approx(1 / (2 * 0.5))


def test_dense_front_widens_the_stencil_past_the_noise(make_table: MakeTable) -> None:
    dense = np.round(np.arange(0.3, 0.701, 0.01), 2)
    columns = {
        "candidate_id": [f"a{a:.2f}" for a in dense],
        "accuracy": list(dense),
        "gap": list(dense**2),
        "gap_lo": list(dense**2 - 0.02),
        "gap_hi": list(dense**2 + 0.02),
    }
    table = make_table(columns, "accuracy:max,gap:min")
    [rate] = tradeoff_rates(table, "a0.50")
    # neighbours ±j differ in gap by 0.02·j; the interval is 0.04 wide, so j = 2
    assert rate.neighbours == ("a0.48", "a0.52")
    assert rate.rate == pytest.approx(1.0)
