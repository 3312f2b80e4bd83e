"""Mean–CVaR and mean–CDaR frontiers (HiGHS LPs): exact, checked against skfolio (issue #16, obs. 5)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from support.returns_tables import ASSETS, add_table, spec, wide_returns
from tradeoff_studio.core.analyses.candidates import AnalysisError, Objective
from tradeoff_studio.core.analyses.risk_return.analysis import analyze_risk_return
from tradeoff_studio.core.analyses.risk_return.frontier import critical_line, efficient_frontier
from tradeoff_studio.core.analyses.risk_return.measure_frontier import measure_frontier
from tradeoff_studio.core.analyses.risk_return.metrics import METRICS, MetricSettings, metrics
from tradeoff_studio.core.errors import CancelledError
from tradeoff_studio.core.jobs import CancelToken
from tradeoff_studio.core.project import Project

LEVEL = 0.95
DEMO = Path(__file__).resolve().parents[4] / "resources" / "demo"


def _returns(periods: int = 300, assets: int = 8, seed: int = 0) -> np.ndarray:
    """Daily returns with a common factor and fat-ish tails, seeded."""
    rng = np.random.default_rng(seed)
    market = rng.standard_t(4, size=(periods, 1)) * 0.008
    return rng.normal(0.0004, 0.01, (periods, assets)) + market * rng.uniform(0.2, 1.2, assets)


def _frontier(returns: np.ndarray, measure: str, points: int = 10, **bounds: np.ndarray):  # type: ignore[no-untyped-def]
    n = returns.shape[1]
    lower, upper = bounds.get("lower", np.zeros(n)), bounds.get("upper", np.ones(n))
    mean = returns.mean(axis=0) * 252
    line = critical_line(mean, np.cov(returns, rowvar=False) * 252, lower=lower, upper=upper)
    return measure_frontier(returns, mean, measure, level=LEVEL, points=points, lower=lower, upper=upper,
                            max_return=line.max_return)  # fmt: skip


@pytest.mark.parametrize("measure", ["cvar", "cdar", "semideviation"])
def test_the_program_optimum_is_the_reported_metric_of_its_weights(measure: str) -> None:
    returns = _returns()
    found = _frontier(returns, measure)
    assert len(found.returns) == 10 and found.failed == []
    realised = metrics(returns @ found.weights.T, MetricSettings(252, 0.0, LEVEL))[:, METRICS.index(measure)]
    assert np.allclose(realised, found.risks, rtol=0, atol=1e-12)
    assert np.allclose(found.weights.sum(axis=1), 1.0) and (found.weights >= -1e-9).all()
    assert np.all(np.diff(found.risks) >= -1e-12)  # more return costs risk along an efficient frontier
    targets = np.linspace(found.returns[0], found.returns[-1], 10)
    assert np.all(found.returns >= targets - 1e-9)


def test_the_mean_cvar_frontier_beats_the_mean_variance_points_on_cvar() -> None:
    """Observation 5: re-ranking mean–variance portfolios by CVaR misses the true mean–CVaR optimum."""
    returns = _returns(seed=4)
    mean, cov = returns.mean(axis=0) * 252, np.cov(returns, rowvar=False) * 252
    variance = efficient_frontier(mean, cov, points=10)
    settings = MetricSettings(252, 0.0, LEVEL)
    cvar_of_mv = metrics(returns @ variance.weights.T, settings)[:, METRICS.index("cvar")]
    line = critical_line(mean, cov)
    gaps = []
    for ret, cvar in zip(variance.returns, cvar_of_mv, strict=True):
        best = _min_cvar_at(returns, mean, ret, line.max_return)
        assert best <= cvar + 1e-12
        gaps.append(cvar - best)
    assert max(gaps) > 1e-5  # the mean–variance portfolios are not the CVaR optimum


def _min_cvar_at(returns: np.ndarray, mean: np.ndarray, target: float, top: float) -> float:
    """The minimum CVaR at return ≥ target: the last point of a 2-point frontier whose top is ``target``.

    (When the minimum-CVaR portfolio already earns ``target`` the frontier is that one portfolio.)
    """
    n = len(mean)
    bounds = {"lower": np.zeros(n), "upper": np.ones(n)}
    found = measure_frontier(
        returns, mean, "cvar", level=LEVEL, points=2, max_return=min(target, top), **bounds
    )
    return float(found.risks[-1])


@pytest.mark.parametrize("measure", ["cvar", "cdar", "semideviation"])
def test_objectives_match_skfolio_mean_risk_within_1e_6(measure: str) -> None:
    from skfolio import RiskMeasure
    from skfolio.optimization import MeanRisk

    returns = _returns(periods=250, assets=6, seed=2)
    found = _frontier(returns, measure, points=6)
    frame = pd.DataFrame(returns, columns=[f"a{i}" for i in range(returns.shape[1])])
    risk = {"cvar": RiskMeasure.CVAR, "cdar": RiskMeasure.CDAR, "semideviation": RiskMeasure.SEMI_DEVIATION}
    attribute, annual = {"semideviation": ("semi_deviation", np.sqrt(252))}.get(measure, (measure, 1.0))
    tight = {"tol_gap_abs": 1e-10, "tol_gap_rel": 1e-10, "tol_feas": 1e-10}
    for ret, ours in zip(
        found.returns[:-1], found.risks[:-1], strict=True
    ):  # the top is skfolio's max-return
        model = MeanRisk(risk_measure=risk[measure], cvar_beta=LEVEL, cdar_beta=LEVEL, min_return=ret / 252,
                         solver="CLARABEL", solver_params=tight)  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(frame)
        theirs = getattr(model.predict(frame), attribute) * annual  # skfolio's semideviation: per period
        assert ours == pytest.approx(theirs, abs=1e-6)
        assert ours <= theirs + 1e-9  # ours is the exact optimum: never worse than an interior-point solve


def test_bounds_bind_and_bad_measures_or_cancel_are_refused() -> None:
    returns = _returns(assets=5)
    upper = np.full(5, 0.3)
    found = _frontier(returns, "cvar", points=5, upper=upper)
    assert (found.weights <= 0.3 + 1e-9).all()
    n = returns.shape[1]
    with pytest.raises(AnalysisError, match="No linear frontier for 'variance'"):
        measure_frontier(
            returns, returns.mean(0), "variance", lower=np.zeros(n), upper=np.ones(n), max_return=1.0
        )
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        measure_frontier(returns, returns.mean(0) * 252, "cvar", lower=np.zeros(n), upper=np.ones(n),
                         max_return=float(returns.mean(0).max() * 252), cancel=token)  # fmt: skip


def test_a_single_portfolio_frontier_is_returned_once() -> None:
    returns = _returns(assets=3)
    pinned = np.array([0.2, 0.3, 0.5])
    found = _frontier(returns, "cdar", points=5, lower=pinned, upper=pinned)
    assert len(found.returns) == 1 and np.allclose(found.weights[0], pinned)


def test_analysis_optimises_the_measure_asked_for_and_says_so(project: Project) -> None:
    add_table(project, "wide", wide_returns())
    objectives = (Objective("return", "max"), Objective("cvar", "min"))
    table = analyze_risk_return(project, spec(objectives=objectives, points=12))
    front = table.frame[table.frame["source"] == "frontier"]
    assert len(front) == 12 and "(minimum cvar)" in front["portfolio"].iloc[0]
    optimised = table.notes["optimised"]
    assert optimised["measure"] == "cvar" and optimised["failed_points"] == []
    assert optimised["label"].startswith("CVaR 95% (horizon one period (daily)")
    assert "Rockafellar–Uryasev" in optimised["method"] and "HiGHS" in optimised["solver"]
    assert optimised["min_risk"] == pytest.approx(front["cvar"].min(), abs=1e-12)
    variance = analyze_risk_return(project, spec(points=12)).frame
    mv = variance[variance["source"] == "frontier"]
    # at the same return the mean–CVaR point never has more CVaR than the mean–variance point
    mv_cvar = np.interp(front["return"], mv["return"], mv["cvar"])
    assert (front["cvar"].to_numpy() <= mv_cvar + 1e-4).all()
    weights = front[[f"weight_{a}" for a in ASSETS]].to_numpy()
    assert np.allclose(weights.sum(axis=1), 1.0)


def test_a_risk_without_an_exact_frontier_is_named_as_evaluated_only(project: Project) -> None:
    add_table(project, "wide", wide_returns())
    objectives = (Objective("return", "max"), Objective("max_drawdown", "min"))
    notes = analyze_risk_return(project, spec(objectives=objectives)).notes["optimised"]
    assert notes["measure"] == "volatility" and notes["evaluated_not_optimised"] == ["max_drawdown"]
    assert notes["label"] == "volatility (annualised)" and "critical line" in notes["method"]
    cdar = (Objective("return", "max"), Objective("cdar", "min"), Objective("volatility", "min"))
    notes = analyze_risk_return(project, spec(objectives=cdar)).notes["optimised"]
    assert notes["measure"] == "cdar" and notes["evaluated_not_optimised"] == ["volatility"]


def test_the_mean_semideviation_frontier_is_optimised_and_named(project: Project) -> None:
    """The semideviation asked for is minimised (not mean–variance points re-ranked), and said so."""
    add_table(project, "wide", wide_returns())
    objectives = (Objective("return", "max"), Objective("semideviation", "min"))
    table = analyze_risk_return(project, spec(objectives=objectives, points=10))
    front = table.frame[table.frame["source"] == "frontier"]
    optimised = table.notes["optimised"]
    assert optimised["measure"] == "semideviation" and optimised["failed_points"] == []
    assert optimised["label"].startswith("semideviation (annualised") and "QP" in optimised["solver"]
    assert optimised["min_risk"] == pytest.approx(front["semideviation"].min(), abs=1e-12)
    assert "(minimum semideviation)" in front["portfolio"].iloc[0]
    variance = analyze_risk_return(project, spec(points=10)).frame
    mv = variance[variance["source"] == "frontier"]
    mv_semi = np.interp(front["return"], mv["return"], mv["semideviation"])
    assert (front["semideviation"].to_numpy() <= mv_semi + 1e-4).all()
    assert front["semideviation"].iloc[0] < mv["semideviation"].min() - 1e-7  # strictly better at the bottom


def test_semideviation_on_the_demo_returns_where_one_highs_qp_fails_matches_skfolio() -> None:
    """The 1,826 days × 26 assets on which HiGHS's QP with auxiliaries d_t stops with "Solve error"."""
    from skfolio import RiskMeasure
    from skfolio.optimization import MeanRisk

    frame = pd.read_parquet(DEMO / "asset_returns.parquet").drop(columns=["date"])
    returns = frame.to_numpy(dtype=np.float64)
    found = _frontier(returns, "semideviation", points=25)
    assert found.failed == [] and len(found.returns) == 25
    realised = metrics(returns @ found.weights.T, MetricSettings(252))[:, METRICS.index("semideviation")]
    assert np.allclose(realised, found.risks, rtol=0, atol=1e-12)
    tight = {"tol_gap_abs": 1e-10, "tol_gap_rel": 1e-10, "tol_feas": 1e-10}
    for k in (0, 12, 23):
        model = MeanRisk(risk_measure=RiskMeasure.SEMI_DEVIATION, min_return=found.returns[k] / 252,
                         solver="CLARABEL", solver_params=tight)  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(frame)
        theirs = model.predict(frame).semi_deviation * np.sqrt(252)
        assert found.risks[k] == pytest.approx(theirs, abs=1e-6)
