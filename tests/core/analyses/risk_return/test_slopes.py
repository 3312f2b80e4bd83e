"""The return/volatility trade-off rate on the card is the frontier's exact slope (issue #16, obs. 7)."""

from __future__ import annotations

import numpy as np
import pytest

from support.returns_tables import ASSETS, add_table, spec, wide_returns
from tradeoff_studio.core import analysis_workflows as flows
from tradeoff_studio.core.analyses.risk_return.estimates import estimate
from tradeoff_studio.core.analyses.risk_return.frontier import critical_line
from tradeoff_studio.core.analyses.risk_return.metrics import Bootstrap, block_indices
from tradeoff_studio.core.analyses.risk_return.slopes import exact_slopes
from tradeoff_studio.core.decisions.preferences import Preferences
from tradeoff_studio.core.project import Project


def _volatility(line, cov, r):  # type: ignore[no-untyped-def]
    w = line.weights_at_returns(np.array([r]))[0]
    return float(np.sqrt(w @ cov @ w))


def test_exact_slopes_equal_a_fine_central_difference_along_the_critical_line() -> None:
    values = wide_returns()[ASSETS].to_numpy()
    found = estimate(values, 252, "sample")
    line = critical_line(found.mean, found.cov)
    targets = np.linspace(line.min_variance_return, line.max_return, 9)[1:-1]
    slopes = exact_slopes(line, found.cov, targets)
    h = 1e-7 * (line.max_return - line.min_variance_return)
    for r, slope in zip(targets, slopes, strict=True):
        numeric = (_volatility(line, found.cov, r + h) - _volatility(line, found.cov, r - h)) / (2 * h)
        assert slope == pytest.approx(numeric, rel=1e-5) and slope > 0
    assert exact_slopes(line, found.cov, np.array([line.min_variance_return]))[0] == pytest.approx(
        0.0, abs=1e-9
    )


def test_the_card_uses_the_exact_slope_and_its_interval_never_goes_negative(project: Project) -> None:
    add_table(project, "wide", wide_returns())
    analysis = flows.analyze_risk_return(project, spec()).name
    table = flows.get_candidates(project, analysis)
    slopes = table.notes["exact_slopes"]
    for candidate in ("frontier-003", "frontier-010", "frontier-018"):
        evidence = flows.evaluate_decision(project, analysis, Preferences(), candidate_id=candidate)
        rate = next(r for r in evidence.tradeoffs if {r.gain, r.cost} == {"return", "volatility"})
        assert rate.per_cost == pytest.approx(slopes[candidate], rel=1e-12)  # volatility per unit of return
        assert rate.per_cost_lo is None or rate.per_cost_lo >= 0.0
        assert "the frontier's exact slope" in rate.text


def test_the_slope_interval_comes_from_frontiers_refitted_on_resamples_at_the_same_risk(
    project: Project,
) -> None:
    """Observation 7: the CI is the resampled frontiers' slopes at the point's volatility, never below 0."""
    add_table(project, "wide", wide_returns())
    analysis = flows.analyze_risk_return(project, spec()).name
    table = flows.get_candidates(project, analysis)
    bands, note = table.notes["exact_slopes_ci"], table.notes["slope_intervals"]
    assert note["resamples"] == 40 and note["failed_resamples"] == 0 and note["seed"] == Bootstrap().seed
    assert all(band is not None and 0.0 <= band[0] <= band[1] for band in bands.values())
    again = flows.get_candidates(project, flows.analyze_risk_return(project, spec()).name)
    assert again.notes["exact_slopes_ci"] == bands  # a fixed seed: the same interval every run
    # an independent reading: each resampled frontier's slope by a central difference of its volatility
    values = wide_returns()[ASSETS].to_numpy()
    front = table.frame[table.frame["source"] == "frontier"].set_index("candidate_id")
    candidate = "frontier-012"
    sigma = float(front.loc[candidate, "volatility"])
    seed, block = Bootstrap().seed, Bootstrap().block_for(len(values))
    draws = block_indices(np.random.default_rng(seed), 40, len(values), block)
    numeric = []
    for index in draws:
        found = estimate(values[index], 252, "sample")
        line = critical_line(found.mean, found.cov)
        r = line.return_at_volatility(found.cov, sigma)
        h = 1e-7 * (line.max_return - line.min_variance_return)
        up, down = min(r + h, line.max_return), max(r - h, line.min_variance_return)
        numeric.append((_volatility(line, found.cov, up) - _volatility(line, found.cov, down)) / (up - down))
    expected = np.percentile(numeric, [2.5, 97.5])
    assert bands[candidate] == pytest.approx(list(expected), rel=1e-4)
    evidence = flows.evaluate_decision(project, analysis, Preferences(), candidate_id=candidate)
    rate = next(r for r in evidence.tradeoffs if {r.gain, r.cost} == {"return", "volatility"})
    assert (rate.per_cost_lo, rate.per_cost_hi) == pytest.approx(tuple(bands[candidate]), rel=1e-12)
    assert "CI from resampled frontiers" in rate.text


def test_named_and_target_portfolios_on_the_frontier_get_its_exact_slope(project: Project) -> None:
    """A volatility target or the maximum-Sharpe portfolio is a frontier point too: the card's rate there
    is the exact slope with the resampled interval, not the neighbours' finite difference."""
    add_table(project, "wide", wide_returns())
    analysis = flows.analyze_risk_return(project, spec(target_volatilities=(0.1,))).name
    table = flows.get_candidates(project, analysis)
    slopes, bands = table.notes["exact_slopes"], table.notes["exact_slopes_ci"]
    target = next(c for c in table.frame["candidate_id"] if str(c).startswith("target-volatility"))
    assert {target, "min-variance", "max-sharpe"} <= set(slopes)
    assert "equal-weight" not in slopes and "inverse-volatility" not in slopes  # inside the frontier
    assert slopes["min-variance"] == pytest.approx(0.0, abs=1e-9)
    row = table.frame.set_index("candidate_id").loc[target]
    found = estimate(wide_returns()[ASSETS].to_numpy(), 252, "sample")
    line = critical_line(found.mean, found.cov)
    h = 1e-7 * (line.max_return - line.min_variance_return)
    r = float(row["return"])
    numeric = (_volatility(line, found.cov, r + h) - _volatility(line, found.cov, r - h)) / (2 * h)
    assert slopes[target] == pytest.approx(numeric, rel=1e-5)
    assert bands[target] is not None and 0.0 <= bands[target][0] <= slopes[target] <= bands[target][1]
    evidence = flows.evaluate_decision(project, analysis, Preferences(), candidate_id=target)
    rate = next(r for r in evidence.tradeoffs if {r.gain, r.cost} == {"return", "volatility"})
    assert rate.per_cost == pytest.approx(slopes[target], rel=1e-12)
    assert "(the frontier's exact slope, CI from resampled frontiers)" in rate.text
