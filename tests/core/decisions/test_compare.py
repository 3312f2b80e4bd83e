"""Comparing two candidates: deltas with hand-computed intervals and the distinguishable verdict."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from tradeoff_studio.core.analyses.candidates import CandidateTable
from tradeoff_studio.core.decisions.compare import compare
from tradeoff_studio.core.decisions.intervals import two_sided_z
from tradeoff_studio.core.decisions.preferences import DecisionError

MakeTable = Callable[..., CandidateTable]


@pytest.fixture
def table(make_table: MakeTable) -> CandidateTable:
    return make_table(
        {
            "acc": [0.80, 0.82, 0.90],
            "acc_lo": [0.79, 0.80, 0.89],
            "acc_hi": [0.81, 0.83, 0.91],
            "cost": [10.0, 12.0, 11.0],
        },
        "acc:max,cost:min",
        notes={"ci_level": 0.95},
    )


def test_delta_interval_uses_the_facing_sides(table: CandidateTable) -> None:
    acc, cost = compare(table, "c0", "c1")
    z = two_sided_z(0.95)
    sd_pinned, sd_other = 0.01 / z, 0.02 / z  # c0's upper side, c1's lower side
    half = z * math.sqrt(sd_pinned**2 + sd_other**2)
    assert acc.delta == pytest.approx(0.02)
    assert (acc.lo, acc.hi) == (pytest.approx(0.02 - half), pytest.approx(0.02 + half))
    assert acc.distinguishable is False and acc.better is True
    assert "not distinguishable" in acc.text and "pp" in acc.text
    assert cost.delta == 2.0 and cost.lo is None and cost.distinguishable is None and cost.better is False


def test_clear_difference_is_distinguishable(table: CandidateTable) -> None:
    (acc,) = compare(table, "c2", "c0", ["acc"])
    assert acc.delta == pytest.approx(-0.10)
    assert acc.hi is not None and acc.hi < 0 and acc.distinguishable is True and acc.better is False
    assert acc.text.startswith("acc -10 pp (95% CI") and ": distinguishable, worse" in acc.text


def test_unknown_candidate_is_refused(table: CandidateTable) -> None:
    with pytest.raises(DecisionError, match="no candidate 'c9'"):
        compare(table, "c0", "c9")
