"""The engine's fast paths (moocore's C kernels, the NumPy 2-D staircase, filtering) against our
own exact reference implementations, brute force and moocore itself, for 2 to 6 objectives and
beyond moocore's limits."""

from __future__ import annotations

import moocore
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.typing import NDArray

from support.pareto_reference import brute_ranks, brute_volume
from tradeoff_studio.core.pareto import _hv, _kernels, _native, hypervolume, nondominated_ranks
from tradeoff_studio.core.pareto._volume import volume
from tradeoff_studio.core.pareto.front import reference_ranks


def sphere(rng: np.random.Generator, n: int, m: int) -> NDArray[np.float64]:
    """``n`` points on the unit sphere's positive orthant: all mutually non-dominated."""
    points = np.abs(rng.standard_normal((n, m)))
    return points / np.linalg.norm(points, axis=1, keepdims=True)


def point_sets(rng: np.random.Generator, m: int) -> dict[str, NDArray[np.float64]]:
    """Random and degenerate sets: duplicates, ties on a grid, a constant objective, a collinear
    front, an integer lattice, a single point, and points on or beyond the reference (1.0)."""
    front = sphere(rng, 120 if m < 6 else 50, m)
    constant = rng.random((80, m))
    constant[:, 1] = 0.5
    line = np.repeat(np.linspace(0.0, 0.9, 30)[:, None], m, axis=1)
    line[:, 0] = 0.9 - line[:, 0]
    beyond = rng.random((40, m)) * 1.4
    beyond[:5, 0] = 1.0  # exactly on the reference in one objective: adds nothing
    return {
        "uniform": rng.random((200, m)),
        "front": front * 0.9,
        "duplicates": np.vstack([front, front[:30], front[:5]]) * 0.9,
        "grid ties": np.round(front * 4) / 5,
        "constant objective": constant,
        "collinear": line,
        "lattice": rng.integers(0, 4, (150, m)) / 4.0,
        "single point": front[:1] * 0.5,
        "beyond the reference": beyond,
        "all beyond": 1.0 + rng.random((10, m)),
    }


@pytest.mark.parametrize("presort_min", [_native.PRESORT_MIN, 1])
@pytest.mark.parametrize("m", [2, 3, 4, 5, 6])
def test_reference_and_engine_match_moocore_to_1e12(
    m: int, presort_min: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_native, "PRESORT_MIN", presort_min)  # rows presorted for moocore, or not
    rng = np.random.default_rng(200 + m)
    ref = np.ones(m)
    for name, points in point_sets(rng, m).items():
        expected = moocore.hypervolume(points, ref=ref)
        cols = np.ascontiguousarray(points.T)
        close = pytest.approx(expected, rel=1e-12, abs=1e-300)
        assert volume(cols, ref) == close, name
        assert hypervolume(points, reference=ref).value == close, name


@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_engine_matches_brute_force_on_tiny_sets(data: st.DataObject) -> None:
    m = data.draw(st.integers(2, 6))
    elements = data.draw(st.sampled_from([st.integers(0, 3).map(float), st.floats(0, 1, width=32)]))
    points = data.draw(hnp.arrays(np.float64, (data.draw(st.integers(0, 7)), m), elements=elements))
    ref = data.draw(hnp.arrays(np.float64, (m,), elements=st.integers(1, 4).map(float)))
    expected = brute_volume(points, ref)
    assert hypervolume(points, reference=ref).value == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert volume(np.ascontiguousarray(points.T), ref) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(("m", "n"), [(3, 30_000), (4, 12_000), (5, 1_500), (6, 300), (7, 80)])
def test_filtering_dominated_points_keeps_the_volume(m: int, n: int) -> None:
    """Large clouds take the prefilter, and from five objectives the cut to the front, first."""
    assert n > _kernels.PREFILTER_MIN or n >= _hv.front_from(m)
    rng = np.random.default_rng(m)
    points = rng.random((n, m))
    points[: n // 10] = points[n // 10 : 2 * (n // 10)]  # duplicates among the dominated and the front
    ref = np.full(m, 1.05)
    ours = hypervolume(points, reference=ref).value
    assert ours == pytest.approx(moocore.hypervolume(points, ref=ref), rel=1e-12)
    if m >= 5:
        assert ours == pytest.approx(volume(np.ascontiguousarray(points.T), ref), rel=1e-12)


def test_derived_reference_front_goes_straight_to_the_kernel() -> None:
    points = np.random.default_rng(3).random((2_000, 5))
    result = hypervolume(points)
    assert result.value == pytest.approx(moocore.hypervolume(points, ref=result.reference), rel=1e-12)


def test_beyond_moocores_limits_our_kernels_run() -> None:
    """32 objectives (moocore's hypervolume stops at 31) and 256 (its ranks stop at 255)."""
    assert moocore._moocore.HV_DIMENSION_MAX >= _native.HV_MAX_OBJECTIVES
    assert moocore._moocore.DIMENSION_MAX >= _native.RANKS_MAX_OBJECTIVES
    rng = np.random.default_rng(32)
    points = rng.integers(0, 3, (6, 32)) / 2.0
    ref = np.full(32, 1.5)
    assert hypervolume(points, reference=ref).value == pytest.approx(brute_volume(points, ref), rel=1e-12)
    wide = rng.integers(0, 2, (12, 256)).astype(float)
    wide[3] = wide[2]
    wide[5] = np.minimum(wide[4], wide[6])
    assert np.array_equal(nondominated_ranks(wide), brute_ranks(wide))


def test_staircase_handles_shared_first_objectives() -> None:
    cols = np.array([[0.0, 0.0, 0.5, 0.5, 0.5, 0.8], [0.9, 0.4, 0.4, 0.2, 0.2, 0.0]])
    ref = np.array([1.0, 1.0])
    expected = pytest.approx(brute_volume(cols.T, ref), rel=1e-15)
    assert _hv.staircase_area(cols, ref) == expected
    assert _hv.staircase_area(cols[:, ::-1].copy(), ref) == expected


@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_reference_ranks_match_brute_force(data: st.DataObject) -> None:
    m = data.draw(st.integers(2, 6))
    elements = data.draw(st.sampled_from([st.integers(-2, 2).map(float), st.floats(-1e3, 1e3, width=32)]))
    points = data.draw(hnp.arrays(np.float64, (data.draw(st.integers(1, 30)), m), elements=elements))
    expected = brute_ranks(points)
    assert np.array_equal(reference_ranks(np.ascontiguousarray(points.T)), expected)
    assert np.array_equal(nondominated_ranks(points), expected)


@pytest.mark.parametrize(("m", "n"), [(2, 20_000), (3, 6_000), (4, 4_500), (5, 2_000), (6, 1_000), (3, 200)])
def test_engine_ranks_match_reference_ranks(m: int, n: int) -> None:
    rng = np.random.default_rng(40 + m)
    sets = {
        "uniform": rng.random((n, m)),
        "lattice": rng.integers(0, 6, (n, m)).astype(float),
        "front with duplicates": np.vstack([sphere(rng, n // 2, m), sphere(rng, n // 2, m)[: n // 8]]),
    }
    for name, points in sets.items():
        maximize = [j % 2 == 0 for j in range(m)]
        sign = np.where(maximize, -1.0, 1.0)
        expected = reference_ranks(np.ascontiguousarray((points * sign).T))
        assert np.array_equal(nondominated_ranks(points, maximize), expected), name
