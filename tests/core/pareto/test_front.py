"""Pareto fronts, ranks and near-front bands against O(n^2) brute force, pymoo and moocore."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from unittest.mock import patch

import moocore
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.typing import NDArray
from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

from support.pareto_reference import brute_front, brute_ranks
from tradeoff_studio.core.errors import StudioError
from tradeoff_studio.core.pareto import (
    ParetoInputError,
    _divide,
    _kernels,
    _order,
    maximize_mask,
    near_front_band,
    non_dominated,
    nondominated_ranks,
    to_minimization,
)
from tradeoff_studio.core.pareto._input import objective_columns
from tradeoff_studio.core.pareto.front import front_mask

Table = tuple[NDArray[np.float64], list[bool]]

# Thresholds small enough that tiny inputs take every fast path: bucket or packed-key sorting,
# pivot pruning, the 3-D kernel (alone and on reference/query unions) or the divide-and-conquer
# splits.
FAST_PATHS = {
    "defaults": {},
    "kernels": {
        "_FAST_ARGSORT_MIN": 2,
        "_MAX_BUCKET_SHARE": 0,
        "PREFILTER_MIN": 4,
        "_PREFILTER_SAMPLE": 4,
        "_LEAF": 2,
        "_BRUTE_PAIRS": 1,
        "_BRUTE_REFERENCES": 0,
    },
    "splits": {
        "_FAST_ARGSORT_MIN": 2,
        "_MAX_BUCKET_SHARE": 10**9,
        "PREFILTER_MIN": 4,
        "_PREFILTER_SAMPLE": 4,
        "_LEAF": 2,
        "_BRUTE_PAIRS": 1,
        "_BRUTE_REFERENCES": 0,
        "CDQ_MAX": 3,
    },
}


@contextmanager
def thresholds(name: str) -> Iterator[None]:
    """Patch the engine's size thresholds (see ``FAST_PATHS``)."""
    with ExitStack() as stack:
        for attribute, value in FAST_PATHS[name].items():
            module = next(m for m in (_order, _kernels, _divide) if hasattr(m, attribute))
            stack.enter_context(patch.object(module, attribute, value))
        yield


@st.composite
def tables(draw: st.DrawFn, dims: tuple[int, ...] = (2, 3, 4, 5), max_rows: int = 40) -> Table:
    """Objective tables with ties and duplicates: small integer grids, floats, or rows from a pool."""
    m = draw(st.sampled_from(dims))
    n = draw(st.integers(0, max_rows))
    style = draw(st.sampled_from(["grid", "float", "pool"]))
    if style == "grid":
        points = draw(hnp.arrays(np.float64, (n, m), elements=st.integers(-2, 2).map(float)))
    elif style == "float":
        points = draw(hnp.arrays(np.float64, (n, m), elements=st.floats(-1e3, 1e3, width=32)))
    else:
        pool = draw(hnp.arrays(np.float64, (draw(st.integers(1, 6)), m), elements=st.floats(0, 1, width=16)))
        points = pool[draw(st.lists(st.integers(0, len(pool) - 1), min_size=n, max_size=n))]
        points = points.reshape(n, m)
    return points, draw(st.lists(st.booleans(), min_size=m, max_size=m))


@pytest.mark.parametrize("paths", list(FAST_PATHS))
@settings(max_examples=120, deadline=None)
@given(table=tables())
def test_front_matches_brute_force(paths: str, table: Table) -> None:
    points, maximize = table
    expected = brute_front(to_minimization(points, maximize))
    with thresholds(paths):
        found = non_dominated(points, maximize)
        if points.shape[1] >= 3 and len(points):  # our own filter, the reference for moocore's from 4-D
            assert np.array_equal(front_mask(objective_columns(points, maximize), own=True), expected)
    assert np.array_equal(found, expected)


@pytest.mark.parametrize("paths", ["defaults", "splits"])
@settings(max_examples=80, deadline=None)
@given(table=tables(max_rows=30))
def test_ranks_match_brute_force(paths: str, table: Table) -> None:
    points, maximize = table
    with thresholds(paths):
        ranks = nondominated_ranks(points, maximize)
    assert np.array_equal(ranks, brute_ranks(to_minimization(points, maximize)))


@settings(max_examples=60, deadline=None)
@given(table=tables(dims=(1, 2, 3)), seed=st.integers(0, 2**16))
def test_results_follow_rows_when_shuffled(table: Table, seed: int) -> None:
    points, maximize = table
    order = np.random.default_rng(seed).permutation(len(points))
    assert np.array_equal(non_dominated(points[order], maximize), non_dominated(points, maximize)[order])
    assert np.array_equal(
        nondominated_ranks(points[order], maximize), nondominated_ranks(points, maximize)[order]
    )


@pytest.mark.parametrize("paths", list(FAST_PATHS))
@settings(max_examples=80, deadline=None)
@given(data=st.data(), d=st.integers(1, 4), strict=st.booleans())
def test_reference_query_dominance_matches_brute_force(
    paths: str, data: st.DataObject, d: int, strict: bool
) -> None:
    grid = st.integers(0, 3).map(float)
    reference = data.draw(hnp.arrays(np.float64, (data.draw(st.integers(0, 25)), d), elements=grid))
    query = data.draw(hnp.arrays(np.float64, (data.draw(st.integers(0, 25)), d), elements=grid))
    weakly = (reference[:, None, :] <= query[None, :, :]).all(axis=2)
    if strict:
        weakly &= (reference[:, None, :] < query[None, :, :]).any(axis=2)
    with thresholds(paths):
        found = _divide.dominated_by(reference.T.copy(), query.T.copy(), strict=strict)
    assert np.array_equal(found, weakly.any(axis=0))


@settings(max_examples=30, deadline=None)
@given(table=tables(dims=(22,), max_rows=12))
def test_many_objectives_sort_ties_with_lexsort(table: Table) -> None:
    points, maximize = table
    expected = brute_front(to_minimization(points, maximize))
    assert np.array_equal(non_dominated(points, maximize), expected)
    if len(points):
        assert np.array_equal(front_mask(objective_columns(points, maximize), own=True), expected)


def test_duplicates_of_a_front_point_all_stay_on_the_front() -> None:
    points = np.array([[1.0, 1.0], [1.0, 1.0], [0.0, 2.0], [2.0, 0.0], [2.0, 2.0], [1.0, 2.0]])
    assert non_dominated(points).tolist() == [True, True, True, True, False, False]
    assert nondominated_ranks(points).tolist() == [0, 0, 0, 0, 2, 1]


def test_single_objective_and_empty_inputs() -> None:
    assert non_dominated([[3.0], [1.0], [1.0], [2.0]]).tolist() == [False, True, True, False]
    assert nondominated_ranks([[3.0], [1.0], [1.0], [2.0]]).tolist() == [2, 0, 0, 1]
    assert nondominated_ranks([[3.0], [1.0]], "max").tolist() == [0, 1]
    assert non_dominated(np.zeros((0, 3))).shape == (0,)
    assert nondominated_ranks(np.zeros((0, 2))).dtype == np.int64


def random_sets(seed: int, n: int, m: int) -> dict[str, NDArray[np.float64]]:
    rng = np.random.default_rng(seed)
    sphere = np.abs(rng.standard_normal((n, m)))
    sphere /= np.linalg.norm(sphere, axis=1, keepdims=True)
    return {
        "uniform": rng.random((n, m)),
        "grid": rng.integers(0, 8, (n, m)).astype(float),
        "sphere": sphere,
        "sphere-with-duplicates": np.concatenate((sphere, sphere[: n // 3])),
    }


@pytest.mark.parametrize(("m", "n"), [(2, 30_000), (3, 30_000), (4, 3_000), (5, 2_000)])
def test_front_matches_moocore(m: int, n: int) -> None:
    for name, points in random_sets(m, n, m).items():
        maximize = [j % 2 == 1 for j in range(m)]
        expected = moocore.is_nondominated(points, maximise=maximize, keep_weakly=True)
        assert np.array_equal(non_dominated(points, maximize), expected), name
        if m >= 3:
            assert np.array_equal(front_mask(objective_columns(points, maximize), own=True), expected), name


@pytest.mark.parametrize("m", [2, 3])
def test_ranks_match_pymoo(m: int) -> None:
    for name, points in random_sets(10 + m, 1_500, m).items():
        _, expected = NonDominatedSorting().do(points, return_rank=True)
        assert np.array_equal(nondominated_ranks(points), expected), name


@pytest.mark.parametrize("share", [_order._MAX_BUCKET_SHARE, 10**9])
def test_exact_argsort_matches_stable_argsort(share: int) -> None:
    rng = np.random.default_rng(7)
    base = rng.choice([-3.5, 0.0, 1.0, 2.0**40], size=20_000)
    close = base + rng.integers(0, 4, base.size) * np.spacing(base)
    spread = np.concatenate((rng.standard_normal(20_000), [1e300, -1e300]))
    with patch.object(_order, "_MAX_BUCKET_SHARE", share):
        for values in (close, spread, spread[:-2], np.full(5_000, 2.5), np.array([5e-324, 0.0] * 3_000)):
            order, sorted_values = _order.argsort_exact(values)
            assert np.array_equal(order, np.argsort(values, kind="stable"))
            assert np.array_equal(sorted_values, np.sort(values))


def brute_band(
    values: NDArray[np.float64], lo: NDArray[np.float64], hi: NDArray[np.float64]
) -> NDArray[np.bool_]:
    """Band by definition, minimisation: out iff a front member's ``hi`` dominates the candidate's ``lo``."""
    front = brute_front(values)
    beats = (hi[:, None, :] <= lo[None, :, :]).all(axis=2) & (hi[:, None, :] < lo[None, :, :]).any(axis=2)
    return front | ~(beats & front[:, None]).any(axis=0)


@pytest.mark.parametrize("paths", list(FAST_PATHS))
@settings(max_examples=100, deadline=None)
@given(table=tables(max_rows=30), data=st.data())
def test_band_matches_brute_force(paths: str, table: Table, data: st.DataObject) -> None:
    values, maximize = table
    offsets = st.integers(-1, 2).map(float)
    lo = values + data.draw(hnp.arrays(np.float64, values.shape, elements=offsets)) / 2
    hi = lo + np.abs(data.draw(hnp.arrays(np.float64, values.shape, elements=offsets)))
    flip = maximize_mask(maximize, values.shape[1])
    min_lo, min_hi = np.where(flip, -hi, lo), np.where(flip, -lo, hi)
    with thresholds(paths):
        band = near_front_band(values, lo, hi, maximize)
    assert np.array_equal(band, brute_band(to_minimization(values, maximize), min_lo, min_hi))


def test_band_keeps_the_front_and_drops_clearly_worse_candidates() -> None:
    values = np.array([[0.0, 1.0], [1.0, 0.0], [0.55, 0.55], [2.0, 2.0]])
    half = np.array([[0.1, 0.1], [0.1, 0.1], [0.1, 0.1], [0.1, 0.1]])
    assert near_front_band(values, values - half, values + half).tolist() == [True, True, True, False]
    accuracy_cost = np.array([[0.9, 10.0], [0.8, 1.0], [0.5, 9.0]])
    band = near_front_band(accuracy_cost, accuracy_cost - 0.05, accuracy_cost + 0.05, ["max", "min"])
    assert band.tolist() == [True, True, False]
    single = np.array([[1.0], [2.0], [5.0]])
    assert near_front_band(single, single - 0.5, single + 0.5).tolist() == [True, True, False]


def test_band_rejects_inverted_or_misshaped_intervals() -> None:
    values = np.zeros((3, 2))
    with pytest.raises(ParetoInputError, match=r"'b' \(row 1\).*objective 0"):
        near_front_band(values, [[0, 0], [1, 0], [0, 0]], np.zeros((3, 2)), ids=["a", "b", "c"])
    with pytest.raises(ParetoInputError, match="one bound per value"):
        near_front_band(values, np.zeros((2, 2)), np.zeros((2, 2)))


def test_non_finite_values_name_the_candidate() -> None:
    points = np.array([[0.0, 1.0], [1.0, 0.0], [np.nan, 2.0], [1.0, np.inf]])
    with pytest.raises(ParetoInputError, match=r"row 2.*objective 0 is nan.*1 more row") as caught:
        non_dominated(points)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, StudioError)
    with pytest.raises(ParetoInputError, match=r"candidate 'model-c' \(row 2\)"):
        nondominated_ranks(points, ids=["model-a", "model-b", "model-c", "model-d"])


@pytest.mark.parametrize(
    ("points", "maximize", "ids", "message"),
    [
        ([1.0, 2.0], None, None, r"shape \(2,\)"),
        ([["a", "b"]], None, None, "must be numbers"),
        ([[1.0, 2.0]], ["min"], None, "1 objective directions were given for 2"),
        ([[1.0, 2.0]], ["min", "up"], None, "objective 1 is 'up'"),
        ([[1.0, 2.0]], [1, 0], None, "objective 0 is 1"),
        ([[1.0, 2.0]], None, ["a", "b"], "2 ids were given for 1"),
    ],
)
def test_unusable_input_is_refused(points: object, maximize: object, ids: object, message: str) -> None:
    with pytest.raises(ParetoInputError, match=message):
        non_dominated(points, maximize, ids=ids)  # type: ignore[arg-type]


def test_directions_accept_strings_booleans_and_masks() -> None:
    points = np.array([[1.0, -2.0], [0.0, 0.0]])
    expected = np.array([[-1.0, -2.0], [0.0, 0.0]])
    for maximize in (["max", "min"], [True, False], np.array([True, False]), ("MAX", " min ")):
        assert np.array_equal(to_minimization(points, maximize), expected)
    assert np.array_equal(to_minimization(points, "max"), -points)
    assert np.array_equal(to_minimization(points, True), -points)
    assert not np.signbit(to_minimization(points, "max")[1]).any()
