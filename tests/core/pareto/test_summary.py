"""Indicators stored with every analysis, and plausibility flags (issue #18, observations 1, 2, 10)."""

from __future__ import annotations

import moocore
import numpy as np
import pytest

from tradeoff_studio.core.pareto import knee_point
from tradeoff_studio.core.pareto.plausibility import plausibility_flags
from tradeoff_studio.core.pareto.summary import front_indicators, front_note, indicator_lines

NAMES = ["agreement", "price", "time"]
MAXIMIZE = [True, False, False]
IDS = ["a", "b", "c", "d", "e", "f"]
VALUES = [[70, 2, 5], [68, 1, 4], [60, 0, 0], [34, 3, 9], [71, 14, 20], [65, 2.5, 6]]


def test_indicators_name_objectives_in_their_own_units() -> None:
    result = front_indicators(VALUES, MAXIMIZE, NAMES, IDS)
    # the front is a, b, c, e (d and f are dominated by a)
    assert result["front_size"] == 4 and result["candidates"] == 6
    assert result["ideal"] == {"agreement": 71.0, "price": 0.0, "time": 0.0}
    assert result["nadir"] == {"agreement": 60.0, "price": 14.0, "time": 20.0}
    assert result["reference_point"] == pytest.approx({"agreement": 58.9, "price": 15.4, "time": 22.0})
    expected = moocore.hypervolume(np.array(VALUES, float), ref=[58.9, 15.4, 22.0], maximise=MAXIMIZE)
    assert result["hypervolume"] == pytest.approx(expected, rel=1e-12)
    assert result["knee"] == IDS[knee_point(VALUES, MAXIMIZE)]
    assert "nadir" in result["normalisation"] and "10%" in result["normalisation"]


def test_five_objectives_get_a_hypervolume_and_a_note_when_most_are_on_the_front() -> None:
    rng = np.random.default_rng(5)
    values = np.abs(rng.standard_normal((30, 5)))
    values /= np.linalg.norm(values, axis=1, keepdims=True)
    values[:4] *= 2.0  # 26 of 30 options on the front, as in the 5-objective table
    ids = [f"c{i}" for i in range(30)]
    result = front_indicators(values, [False] * 5, [f"m{j}" for j in range(5)], ids)
    expected = moocore.hypervolume(values, ref=list(result["reference_point"].values()))
    assert result["hypervolume"] == pytest.approx(expected, rel=1e-12)
    assert result["front_size"] == 26
    assert result["front_note"].startswith("26 of 30 candidates (87%) are on the front of 5")
    assert "no longer discriminates" in result["front_note"]


def test_no_front_note_when_the_front_discriminates() -> None:
    assert front_note(30, 15, 5) is None
    assert front_note(3, 3, 2) is None  # too few candidates to say
    assert front_note(10, 6, 2) is None  # two objectives: a front of trade-offs is what one expects
    assert front_note(10, 6, 3) is not None


def test_large_many_objective_fronts_skip_the_volume_and_say_why() -> None:
    rng = np.random.default_rng(7)
    values = np.abs(rng.standard_normal((100, 8)))
    values /= np.linalg.norm(values, axis=1, keepdims=True)
    result = front_indicators(values, [False] * 8, [f"m{j}" for j in range(8)], [str(i) for i in range(100)])
    assert result["hypervolume"] is None
    assert "100 distinct points in 8 objectives" in result["hypervolume_note"]
    assert len(result["reference_point"]) == 8
    assert any("Reference point" in line for line in indicator_lines(result))


def test_outlier_and_trivial_baseline_flags_never_change_the_front() -> None:
    flags = plausibility_flags(np.array(VALUES, float), MAXIMIZE, NAMES, IDS)
    outliers = {(f["candidate"], f["objective"]) for f in flags if f["kind"] == "outlier"}
    assert ("d", "agreement") in outliers  # 34 among 60-71
    assert ("e", "price") in outliers
    baseline = [f for f in flags if f["kind"] == "best_in_several"]
    assert [(f["candidate"], f["objectives"]) for f in baseline] == [("c", ["price", "time"])]
    assert baseline[0]["text"].startswith("no trade-off between price and time: candidate c is best in both")
    result = front_indicators(VALUES, MAXIMIZE, NAMES, IDS)
    assert result["front_size"] == 4  # flags do not remove anyone


def test_a_candidate_best_in_everything_is_named() -> None:
    values = np.array([[1.0, 1.0], [2.0, 3.0], [3.0, 2.0]])
    flags = plausibility_flags(values, [False, False], ["x", "y"], ["base", "p", "q"])
    assert [f["kind"] for f in flags] == ["best_in_all"]
    assert "dominates all other candidates" in flags[0]["text"]


def test_flags_need_spread_and_enough_candidates() -> None:
    no_spread = np.array([[1.0], [1.0], [1.0], [1.0], [50.0]])  # MAD 0: no scale to judge by
    assert plausibility_flags(no_spread, [False], ["x"], list("abcde")) == []
    small = np.array([[1.0, 5.0], [2.0, 4.0], [100.0, 3.0], [2.5, 3.5]])
    flags = plausibility_flags(small, [False, False], ["x", "y"], list("abcd"))
    assert [f for f in flags if f["kind"] == "outlier"] == []


def test_many_outliers_are_summarised() -> None:
    values = np.concatenate([np.linspace(0, 1, 50), np.linspace(100, 110, 8)])[:, None]
    flags = plausibility_flags(values, [False], ["x"], [str(i) for i in range(58)])
    assert len(flags) == 6 and flags[-1]["candidate"] is None and flags[-1]["text"].startswith("3 more")
    assert flags[0]["value"] == 110.0  # farthest first


def test_indicator_lines_show_every_indicator() -> None:
    lines = indicator_lines(front_indicators(VALUES, MAXIMIZE, NAMES, IDS))
    text = "\n".join(lines)
    for part in ("Knee: candidate", "Ideal: agreement 71", "Nadir: agreement 60", "Hypervolume:",
                 "reference point agreement 58.9", "Normalisation:", "Note: 4 of 6", "Check: "):  # fmt: skip
        assert part in text
