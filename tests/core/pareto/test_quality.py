"""IGD+ and the additive ε indicator against moocore (issue #18's optional quality indicators)."""

from __future__ import annotations

import moocore
import numpy as np
import pytest

from tradeoff_studio.core.pareto import ParetoInputError
from tradeoff_studio.core.pareto.quality import epsilon_additive, igd_plus


@pytest.mark.parametrize("m", [2, 3, 5])
def test_igd_plus_and_epsilon_match_moocore(m: int) -> None:
    rng = np.random.default_rng(m)
    maximize = [j % 2 == 0 for j in range(m)]
    sign = np.where(maximize, -1.0, 1.0)
    reference = np.abs(rng.standard_normal((50, m)))
    reference = reference / np.linalg.norm(reference, axis=1, keepdims=True) * sign
    for points in (rng.random((40, m)) * sign, reference[:10] + 0.01 * sign, reference):
        assert igd_plus(points, reference, maximize) == pytest.approx(
            moocore.igd_plus(points, ref=reference, maximise=maximize), rel=1e-12, abs=1e-15
        )
        assert epsilon_additive(points, reference, maximize) == pytest.approx(
            moocore.epsilon_additive(points, ref=reference, maximise=maximize), rel=1e-12, abs=1e-15
        )


def test_hand_computed_values_and_refusals() -> None:
    points, reference = [[1.0, 2.0], [2.0, 1.0]], [[0.5, 1.5], [1.5, 0.5]]
    assert igd_plus(points, reference) == pytest.approx(0.5**0.5)
    assert epsilon_additive(points, reference) == 0.5
    assert epsilon_additive(reference, reference) == 0.0 and igd_plus(reference, reference) == 0.0
    with pytest.raises(ParetoInputError, match="same objectives"):
        igd_plus(points, [[1.0, 2.0, 3.0]])
    with pytest.raises(ParetoInputError, match="at least one"):
        epsilon_additive(np.zeros((0, 2)), reference)
