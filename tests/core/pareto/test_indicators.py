"""Hypervolume and knee point against brute force and moocore."""

from __future__ import annotations

import itertools

import moocore
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.typing import NDArray

from support.pareto_reference import brute_volume
from tradeoff_studio.core.pareto import (
    Hypervolume,
    ParetoInputError,
    hypervolume,
    knee_point,
    maximize_mask,
    non_dominated,
    to_minimization,
)


def grid_volume(points: NDArray[np.float64], ref: NDArray[np.float64]) -> float:
    """Volume for integer points and reference: count the unit cells some point dominates."""
    cells = itertools.product(*(range(-3, int(r)) for r in ref))
    return float(sum(bool((points <= np.array(cell)).all(axis=1).any()) for cell in cells))


Case = tuple[NDArray[np.float64], list[bool], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]


def brute_case(data: st.DataObject, elements: st.SearchStrategy[float], max_rows: int) -> Case:
    """Points, directions, a reference in the objectives' units, then points and reference minimised."""
    m = data.draw(st.sampled_from([2, 3, 4, 5]))
    points = data.draw(hnp.arrays(np.float64, (data.draw(st.integers(0, max_rows)), m), elements=elements))
    maximize = data.draw(st.lists(st.booleans(), min_size=m, max_size=m))
    reference = data.draw(hnp.arrays(np.float64, (m,), elements=elements))
    sign = np.where(maximize_mask(maximize, m), -1.0, 1.0)
    return points, maximize, reference, to_minimization(points, maximize), reference * sign


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_hypervolume_matches_brute_volume(data: st.DataObject) -> None:
    points, maximize, reference, min_points, min_reference = brute_case(
        data, st.floats(-10, 10, width=32), max_rows=7
    )
    expected = brute_volume(min_points, min_reference)
    result = hypervolume(points, maximize, reference=reference)
    assert result.value == pytest.approx(expected, rel=1e-9, abs=1e-6)
    assert result.reference == tuple(reference.tolist())


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_hypervolume_matches_cell_counting_with_ties(data: st.DataObject) -> None:
    points, maximize, reference, min_points, min_reference = brute_case(
        data, st.integers(-2, 3).map(float), max_rows=25
    )
    expected = grid_volume(min_points, min_reference)
    assert hypervolume(points, maximize, reference=reference).value == expected


@pytest.mark.parametrize("m", [2, 3])
def test_hypervolume_matches_moocore(m: int) -> None:
    rng = np.random.default_rng(m)
    sphere = np.abs(rng.standard_normal((4_000, m)))
    sphere /= np.linalg.norm(sphere, axis=1, keepdims=True)
    maximize = [True] + [False] * (m - 1)
    for points in (rng.random((3_000, m)), sphere, rng.integers(0, 6, (500, m)).astype(float)):
        derived = hypervolume(points, maximize)
        expected = moocore.hypervolume(points, ref=derived.reference, maximise=maximize)
        assert derived.value == pytest.approx(expected, rel=1e-12)
        given_ref = np.where(maximize, 0.25, 0.75)
        expected = moocore.hypervolume(points, ref=given_ref, maximise=maximize)
        assert hypervolume(points, maximize, reference=given_ref).value == pytest.approx(expected, rel=1e-12)


def degenerate_fronts(rng: np.random.Generator, m: int) -> list[NDArray[np.float64]]:
    """Fronts that stress the kernels: duplicates, shared coordinates, a constant objective, a line."""
    sphere = np.abs(rng.standard_normal((60, m)))
    sphere /= np.linalg.norm(sphere, axis=1, keepdims=True)
    constant = rng.random((80, m))
    constant[:, 1] = 0.5
    line = np.repeat(np.linspace(0.0, 1.0, 40)[:, None], m, axis=1)
    line[:, 0] = 1.0 - line[:, 0]
    return [
        np.vstack([sphere, sphere[:20]]),  # duplicated front points
        np.round(sphere * 4) / 4,  # many ties on a coarse grid
        constant,  # one objective constant
        line,  # a 1-D front embedded in m objectives
        rng.integers(0, 3, (200, m)).astype(float),  # integer lattice, heavy ties
        sphere[:1],  # a single point
    ]


@pytest.mark.parametrize("m", [2, 3, 4, 5, 6])
def test_hypervolume_matches_moocore_in_2_to_6_objectives(m: int) -> None:
    rng = np.random.default_rng(100 + m)
    sphere = np.abs(rng.standard_normal((120 if m < 6 else 60, m)))
    sphere /= np.linalg.norm(sphere, axis=1, keepdims=True)
    maximize = [j % 2 == 1 for j in range(m)]
    sign = np.where(maximize, -1.0, 1.0)
    for points in [rng.random((300, m)), sphere, *degenerate_fronts(rng, m)]:
        oriented = points * sign
        derived = hypervolume(oriented, maximize)
        expected = moocore.hypervolume(oriented, ref=derived.reference, maximise=maximize)
        assert derived.value == pytest.approx(expected, rel=1e-12, abs=1e-300)
        given_ref = np.full(m, 0.9) * sign  # some points fall outside it
        expected = moocore.hypervolume(oriented, ref=given_ref, maximise=maximize)
        result = hypervolume(oriented, maximize, reference=given_ref).value
        assert result == pytest.approx(expected, rel=1e-12, abs=1e-300)


def test_derived_reference_is_nadir_plus_a_tenth_of_the_range() -> None:
    assert hypervolume([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]]) == Hypervolume(
        pytest.approx(0.21), (pytest.approx(1.1), pytest.approx(1.1))
    )
    assert hypervolume([[2.0, 3.0, 1.0], [2.0, 3.0, 1.0]]) == Hypervolume(1.0, (3.0, 4.0, 2.0))
    assert hypervolume([[0.0, 1.0], [1.0, 0.0]], ["max", "min"]) == Hypervolume(1.0, (0.0, 1.0))


def test_points_not_strictly_better_than_the_reference_add_nothing() -> None:
    assert hypervolume([[1.0, 0.0], [0.5, 0.5]], reference=[1.0, 1.0]).value == 0.25
    assert hypervolume([[2.0, 2.0]], reference=[1.0, 1.0]).value == 0.0
    assert hypervolume(np.zeros((0, 3)), reference=[1.0, 1.0, 1.0]).value == 0.0


@pytest.mark.parametrize(
    ("points", "reference", "message"),
    [
        (np.zeros((3, 2)), [1.0], "2 finite numbers"),
        (np.zeros((3, 2)), [1.0, np.nan], "2 finite numbers"),
        (np.zeros((3, 2)), ["x", 1.0], "must be 2 numbers"),
        (np.zeros((0, 2)), None, "no candidates"),
    ],
)
def test_hypervolume_refuses_unusable_input(points: object, reference: object, message: str) -> None:
    with pytest.raises(ParetoInputError, match=message):
        hypervolume(points, reference=reference)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_knee_is_the_first_front_point_farthest_below_the_line_between_the_ends(data: st.DataObject) -> None:
    elements = data.draw(st.sampled_from([st.integers(0, 4).map(float), st.floats(-5, 5, width=32)]))
    points = data.draw(hnp.arrays(np.float64, (data.draw(st.integers(1, 30)), 2), elements=elements))
    maximize = data.draw(st.lists(st.booleans(), min_size=2, max_size=2))
    front = np.flatnonzero(non_dominated(points, maximize))
    values = to_minimization(points, maximize)[front]
    span = np.ptp(values, axis=0)
    scaled = (values - values.min(axis=0)) / np.where(span > 0, span, 1.0)
    below = 1.0 - scaled.sum(axis=1)
    assert knee_point(points, maximize) == front[np.flatnonzero(below == below.max())[0]]


def test_knee_examples() -> None:
    convex = [[0.0, 1.0], [0.2, 0.3], [1.0, 0.0], [0.5, 0.5], [0.9, 0.9]]
    assert knee_point(convex) == 1
    tie = [[0.0, 1.0], [0.25, 0.5], [0.5, 0.25], [1.0, 0.0], [0.25, 0.5]]
    assert knee_point(tie) == 1
    accuracy_cost = [[0.95, 100.0], [0.93, 10.0], [0.70, 1.0], [0.60, 5.0]]
    assert knee_point(accuracy_cost, ["max", "min"]) == 1
    corners = [[0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 0.0], [0.2, 0.2, 0.2], [0.9, 0.9, 0.9]]
    assert knee_point(corners) == 3
    assert knee_point([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]]) == 1  # extremes span no plane
    assert knee_point([[1.0, 4.0, 3.0], [2.0, 2.0, 2.0], [4.0, 0.0, 2.0], [3.0, 2.0, 4.0]]) == 1  # w < 0
    assert knee_point([[4.0, 4.0]]) == 0
    assert knee_point([[3.0], [1.0], [1.0]]) == 1
    with pytest.raises(ParetoInputError, match="no candidates"):
        knee_point(np.zeros((0, 2)))
