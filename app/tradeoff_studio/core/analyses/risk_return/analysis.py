"""Risk–return analysis: the exact efficient frontier, given portfolios and targets as candidates.

Expected returns and covariance are estimated on the *fit* window (all dates, or those before
the split). Each candidate portfolio gets ``return`` (w'μ) and ``volatility`` (√(w'Σw)) under
those estimates — the quantities the frontier is optimal for — and the realised ``sharpe``,
``sortino``, ``cvar`` and ``max_drawdown`` of its return series on the fit window, all with
block-bootstrap bands (:mod:`.metrics`). With a split, the same metrics measured on the later
window are the out-of-sample view (``oos_…`` columns): what the frontier promised against what
it delivered. Candidates carry their weights as ``weight_<asset>`` columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ...jobs import CancelToken, Progress, no_progress
from ...project import Project
from ..candidates import AnalysisError, CandidateTable, Objective, spec_dict
from .backtest import WF_METRICS, Backtest, measure_rule, walk_forward
from .checks import check_history
from .conventions import VALUES_NOTE, conventions
from .estimates import Covariance, Estimates, estimate
from .frontier import Frontier, check_bounds, efficient_frontier
from .frontier_notes import frontier_notes
from .groups import drop_breaches, extra_constraints
from .measure_frontier import RISK_MEASURES, AbsoluteLimit, GroupBound, MeasureFrontier, measure_frontier
from .metrics import METRICS, Bootstrap, MetricSettings, bands, metrics, shrunk_volatility_bands
from .named import named_portfolios
from .optimised import risk_measure
from .portfolios import Portfolio, efficiency_gaps, frontier_portfolios, given_portfolios
from .returns import Returns, ReturnsSource, read_returns
from .targets import all_targets

if TYPE_CHECKING:
    import pandas as pd

KNOBS = ("source", "portfolio", "target")
OOS_METRICS = tuple(f"oos_{metric}" for metric in METRICS)
DEFAULT_OBJECTIVES = (Objective("return", "max"), Objective("volatility", "min"))


@dataclass(frozen=True)
class RiskReturnSpec:
    """What a risk–return analysis reads and how it builds the frontier."""

    source: ReturnsSource
    covariance: Covariance = "sample"
    points: int = 100
    lower: float = 0.0
    upper: float = 1.0
    asset_bounds: tuple[tuple[str, float, float], ...] = ()  # (asset, lower, upper)
    split: str | None = None  # a date (YYYY-MM-DD, first test date) or a fit share such as "0.75"
    weights_table: str | None = None
    target_returns: tuple[float, ...] = ()
    target_volatilities: tuple[float, ...] = ()
    groups_table: str | None = None  # --groups: a table with columns asset, group
    group_bounds: tuple[tuple[str, float, float], ...] = ()  # (group, lower, upper)
    current_weights_table: str | None = (
        None  # --current-weights: a table with columns asset, weight (for --max-turnover)
    )
    max_turnover: float | None = None  # sum of |w - current|
    max_gross: float | None = None  # sum of |w|
    min_weight: float | None = None  # --min-weight: each weight 0 or at least this
    backtest: Backtest | None = None  # --rebalance / --window / --cost-bps
    risk_free: float = 0.0  # annual rate, for Sharpe and Sortino
    cvar_level: float = 0.95
    periods_per_year: int | None = None  # None: read from the dates
    objectives: tuple[Objective, ...] = DEFAULT_OBJECTIVES
    bootstrap: Bootstrap = field(default_factory=Bootstrap)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, stored as the analysis spec."""
        return spec_dict(self)


def analyze_risk_return(
    project: Project,
    spec: RiskReturnSpec,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> CandidateTable:
    """Frontier points, targets and given portfolios with risk–return metrics (kind ``"risk-return"``)."""
    token = cancel or CancelToken()
    _check_spec(spec)
    progress(0.0, f"Reading {spec.source.table}")
    data = read_returns(project, spec.source, token, spec.periods_per_year)
    fit, test = _split(data, spec.split)
    warnings = _warnings(data, fit)
    progress(0.1, "Estimating returns and covariance")
    estimates = estimate(fit.values, data.periods_per_year, spec.covariance)
    lower, upper = _bounds(spec, data.assets)
    groups, limits = extra_constraints(project, spec, data.assets, (lower, upper), token)
    progress(0.15, "Tracing the efficient frontier")
    frontier = efficient_frontier(estimates.mean, estimates.cov, points=spec.points, lower=lower, upper=upper)
    traced = _measure_frontier(spec, fit, estimates=estimates, frontier=frontier, bounds=(lower, upper),
                               groups=(groups, limits), cancel=token, progress=progress)  # fmt: skip
    targets, infeasible = all_targets(frontier.line, fit.values, estimates, bounds=(lower, upper),
                                      constraints=(groups, limits), min_weight=spec.min_weight,
                                      asked=(spec.target_returns, spec.target_volatilities))  # fmt: skip
    given = given_portfolios(project, spec.weights_table, data.assets, token) if spec.weights_table else []
    named, unnamed = named_portfolios(frontier.line, estimates.mean, estimates.cov, (lower, upper),
                                      risk_free=spec.risk_free, assets=data.assets)  # fmt: skip
    named = drop_breaches(named, unnamed, groups, limits, min_weight=spec.min_weight)
    settings = MetricSettings(data.periods_per_year, spec.risk_free, spec.cvar_level)
    progress(0.3, "Bootstrapping the metrics")
    points = frontier_portfolios(traced or frontier, risk_measure(spec.objectives))
    frame = _frame(points + named + targets + given, data.assets, fit, test, estimates,
                   settings=settings, bootstrap=spec.bootstrap, cancel=token)  # fmt: skip
    weights = [f"weight_{asset}" for asset in data.assets]
    notes = _notes(spec, data, fit, test, estimates) | _found(frontier, estimates, frame, given) | {
        "infeasible_targets": infeasible, "missing_named_portfolios": unnamed,
        "derived_knobs": ["portfolio", *weights], "warnings": warnings}  # fmt: skip
    notes |= frontier_notes(spec, frontier, traced, points, others=(estimates.mean, named + targets),
                            cov=estimates.cov, constraints=(groups, limits),
                            horizon=notes["conventions"]["cvar"]["horizon"],
                            refit=(fit, (lower, upper), token))  # fmt: skip
    metrics_list = list(METRICS) + (list(OOS_METRICS) if test is not None else [])
    if spec.backtest is not None:
        progress(0.9, "Walking forward")
        everything = points + named + targets + given
        frame, notes["walk_forward"] = _walk_forward(spec, data, everything, frame, bounds=(lower, upper),
                                                     traced=traced, constraints=(groups, limits),
                                                     cancel=token)  # fmt: skip
        metrics_list += list(WF_METRICS)
    progress(0.95, "Computing the Pareto front")
    table = CandidateTable(
        "risk-return", frame, [*KNOBS, *weights], metrics_list, list(spec.objectives), notes
    )
    progress(1.0, "Candidates ready")
    return table.with_front()


def _measure_frontier(
    spec: RiskReturnSpec,
    fit: Returns,
    *,
    estimates: Estimates,
    frontier: Frontier,
    bounds: tuple[np.ndarray, np.ndarray],
    groups: tuple[tuple[GroupBound, ...], tuple[AbsoluteLimit, ...]],
    cancel: CancelToken,
    progress: Progress,
) -> MeasureFrontier | None:
    """The frontier HiGHS traces: mean–CVaR or mean–CDaR when the objectives minimise that measure, and
    every frontier under group bounds or limits (None: the critical line's mean–variance frontier stands)."""
    measure = risk_measure(spec.objectives)
    if measure not in RISK_MEASURES and not any(groups) and not spec.min_weight:
        return None
    progress(0.2, f"Tracing the mean–{measure} frontier (HiGHS)")
    return measure_frontier(fit.values, estimates.mean, measure, level=spec.cvar_level, points=spec.points,
                            lower=bounds[0], upper=bounds[1], cov=estimates.cov, groups=groups[0],
                            limits=groups[1], periods_per_year=fit.periods_per_year,
                            min_weight=spec.min_weight,
                            max_return=None if any(groups) or spec.min_weight else frontier.line.max_return,
                            cancel=cancel)  # fmt: skip


def _walk_forward(
    spec: RiskReturnSpec,
    data: Returns,
    portfolios: list[Portfolio],
    frame: pd.DataFrame,
    *,
    bounds: tuple[np.ndarray, np.ndarray],
    traced: MeasureFrontier | None,
    constraints: tuple[tuple[GroupBound, ...], tuple[AbsoluteLimit, ...]],
    cancel: CancelToken,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The frame with the walk-forward columns, and the note; a frontier HiGHS traced is re-fitted by it."""
    assert spec.backtest is not None
    rule, name = (None, "critical line") if traced is None else measure_rule(
        traced.measure, level=spec.cvar_level, bounds=bounds, constraints=constraints,
        periods_per_year=data.periods_per_year, min_weight=spec.min_weight, cancel=cancel,
    )  # fmt: skip
    columns, note = walk_forward(data, portfolios, spec.backtest, points=spec.points, bounds=bounds,
                                 risk_free=spec.risk_free, cancel=cancel, frontier_rule=rule,
                                 rule_name=name)  # fmt: skip
    return frame.assign(**columns), note


def _found(
    frontier: Frontier, estimates: Estimates, frame: pd.DataFrame, given: list[Portfolio]
) -> dict[str, Any]:
    """The frontier's ends, the named portfolios' figures and the given ones' excess volatility."""
    return {
        "turning_points": len(frontier.line.lambdas),
        "max_return": frontier.line.max_return,
        "min_volatility": frontier.line.min_volatility,
        "named_portfolios": _named_summary(frame),
        "given_portfolios": efficiency_gaps(given, frontier.line, estimates.mean, estimates.cov),
    }


def _warnings(data: Returns, fit: Returns) -> list[str]:
    """Odd columns, long gaps, thin history and what ``--drop-missing`` removed (named once)."""
    warnings = [*data.warnings, *check_history(len(fit.dates), len(data.assets), data.gaps, "fit window")]
    if data.gaps is not None and not any("--drop-missing" in warning for warning in warnings):
        warnings.append(data.gaps.describe() + ".")
    return warnings


def _named_summary(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Return, volatility and Sharpe ratio of each named portfolio (for the printed summary)."""
    rows = frame[frame["source"] == "named"]
    return {
        str(row["candidate_id"]): {key: float(row[key]) for key in ("return", "volatility", "sharpe")}
        for _, row in rows.iterrows()
    }


def _check_spec(spec: RiskReturnSpec) -> None:
    if spec.points < 2:
        raise AnalysisError(f"The frontier needs at least 2 points; got {spec.points}.")
    if not 0.5 <= spec.cvar_level < 1.0:
        raise AnalysisError(f"The CVaR level must lie in [0.5, 1), e.g. 0.95; got {spec.cvar_level}.")
    if not 0.0 < spec.bootstrap.ci_level < 1.0:
        raise AnalysisError(f"The confidence level must lie between 0 and 1; got {spec.bootstrap.ci_level}.")
    if spec.bootstrap.resamples < 10:
        raise AnalysisError(f"Use at least 10 bootstrap resamples; got {spec.bootstrap.resamples}.")
    known = set(METRICS) | set(OOS_METRICS) | set(WF_METRICS)
    for objective in spec.objectives:
        if objective.metric not in known:
            raise AnalysisError(
                f"'{objective.metric}' is not a risk–return metric. The metrics are: {', '.join(METRICS)}, "
                "and with --split their out-of-sample versions oos_<metric>."
            )
    if any(o.metric.startswith("oos_") for o in spec.objectives) and spec.split is None:
        raise AnalysisError(
            "Out-of-sample objectives need a split: add --split DATE (or a share such as 0.75)."
        )


def _split(data: Returns, split: str | None) -> tuple[Returns, Returns | None]:
    """The fit window and the test window (None without a split)."""
    if split is None:
        return data, None
    try:
        share = float(split)
    except ValueError:
        share = None
    if share is not None:
        if not 0.0 < share < 1.0:
            raise AnalysisError(f"A split share must lie between 0 and 1 (e.g. 0.75); got {split}.")
        cut = round(share * len(data.dates))
    else:
        try:
            first_test = np.datetime64(split, "D")
        except ValueError:
            raise AnalysisError(
                f"The split {split!r} is neither a date (YYYY-MM-DD) nor a share such as 0.75."
            ) from None
        cut = int(np.searchsorted(data.dates, first_test))
    if cut < 3 or len(data.dates) - cut < 3:
        raise AnalysisError(
            f"The split {split} leaves {cut} period(s) to fit and {len(data.dates) - cut} to test, between "
            f"{data.dates[0]} and {data.dates[-1]}; each side needs at least 3."
        )
    return data.between(0, cut), data.between(cut, len(data.dates))


def _bounds(spec: RiskReturnSpec, assets: list[str]) -> tuple[np.ndarray, np.ndarray]:
    lower, upper = np.full(len(assets), spec.lower), np.full(len(assets), spec.upper)
    if spec.lower > spec.upper:
        raise AnalysisError(
            f"The weight bounds {spec.lower:g},{spec.upper:g} are crossed: give LO,HI with LO ≤ HI."
        )
    position = {asset: i for i, asset in enumerate(assets)}
    for asset, lo, hi in spec.asset_bounds:
        if asset not in position:
            raise AnalysisError(f"A weight bound names asset '{asset}', which the returns do not have.")
        if lo > hi:
            raise AnalysisError(
                f"Asset '{asset}' has the lower weight bound {lo:g} above its upper bound {hi:g}."
            )
        lower[position[asset]], upper[position[asset]] = lo, hi
    return check_bounds(lower, upper, len(assets))


def _frame(
    portfolios: list[Portfolio],
    assets: list[str],
    fit: Returns,
    test: Returns | None,
    estimates: Estimates,
    *,
    settings: MetricSettings,
    bootstrap: Bootstrap,
    cancel: CancelToken,
) -> pd.DataFrame:
    """One row per portfolio: knobs, weights, metrics with bands (and the out-of-sample view)."""
    import pandas as pd

    weights = np.array([p.weights for p in portfolios]).T  # (n, P)
    columns: dict[str, Any] = {
        "candidate_id": [p.candidate_id for p in portfolios],
        "source": [p.source for p in portfolios],
        "portfolio": [p.label for p in portfolios],
        "target": [p.target for p in portfolios],
    }
    model = {
        "return": estimates.mean @ weights,
        "volatility": np.sqrt(np.maximum(((estimates.cov @ weights) * weights).sum(axis=0), 0.0)),
    }
    measure = {"settings": settings, "bootstrap": bootstrap, "cancel": cancel}
    columns |= _metric_columns(fit.values @ weights, prefix="", overrides=model, **measure)
    if estimates.shrinkage > 0.0:  # the band of the shrunk model's volatility, not the realised one
        columns["volatility_lo"], columns["volatility_hi"] = shrunk_volatility_bands(
            fit.values, weights, estimates.shrinkage, **measure
        )
    if test is not None:
        columns |= _metric_columns(test.values @ weights, prefix="oos_", overrides={}, **measure)
    columns |= {f"weight_{asset}": weights[i] for i, asset in enumerate(assets)}
    return pd.DataFrame(columns)


def _metric_columns(
    series: np.ndarray,
    *,
    settings: MetricSettings,
    bootstrap: Bootstrap,
    cancel: CancelToken,
    prefix: str,
    overrides: dict[str, np.ndarray],
) -> dict[str, np.ndarray]:
    point = metrics(series, settings)
    lo, hi = bands(series, settings, bootstrap, cancel)
    columns = {}
    for m, metric in enumerate(METRICS):
        columns[f"{prefix}{metric}"] = overrides.get(metric, point[:, m])
        columns[f"{prefix}{metric}_lo"], columns[f"{prefix}{metric}_hi"] = lo[:, m], hi[:, m]
    return columns


def _notes(
    spec: RiskReturnSpec, data: Returns, fit: Returns, test: Returns | None, estimates: Estimates
) -> dict[str, Any]:
    """What the candidates mean: return convention, annualisation, windows, estimators, bootstrap."""
    ppy = data.periods_per_year
    window: dict[str, Any] = {"fit": [str(fit.dates[0]), str(fit.dates[-1]), len(fit.dates)]}
    if test is not None:
        window["test"] = [str(test.dates[0]), str(test.dates[-1]), len(test.dates)]
    window["from"], window["to"] = spec.source.start, spec.source.end  # --from / --to as given (or None)
    return {
        "source_table": spec.source.table,
        "returns": VALUES_NOTE[spec.source.values],
        "frequency": data.frequency,
        "periods_per_year": ppy,
        "annualisation": f"arithmetic: return = mean per period x {ppy}; "
        f"volatility = std per period x sqrt({ppy})",
        "assets": len(data.assets),
        "dropped_dates": data.dropped_dates,
        "windows": window,
        "covariance": spec.covariance,
        "shrinkage": estimates.shrinkage,
        "return_and_volatility": "w'mu and sqrt(w'Sigma w) under the fit window's estimates (the frontier's "
        "own); the other metrics are realised on the window's return series",
        "risk_free": spec.risk_free,
        "cvar": f"expected loss in the worst {1 - spec.cvar_level:.0%} of periods, per period, positive",
        "bootstrap": _bootstrap_note(spec.bootstrap, len(fit.dates)),
        "ci_level": spec.bootstrap.ci_level,
        "conventions": _conventions(spec, data, estimates, split=test is not None),
        "bounds": {
            "lower": spec.lower,
            "upper": spec.upper,
            "per_asset": [list(b) for b in spec.asset_bounds],
        },
    }


def _bootstrap_note(bootstrap: Bootstrap, periods: int) -> dict[str, Any]:
    """How the bands were drawn, and what they cover."""
    return {
        "resamples": bootstrap.resamples,
        "seed": bootstrap.seed,
        "method": "percentile, circular block bootstrap of periods",
        "scope": "sampling error of each portfolio's realised metrics with its weights held fixed; the "
        "estimation error of the frontier itself is not included (compare the oos_* columns). With "
        "ledoit-wolf, the volatility band is the shrunk model's (intensity held fixed), like its point",
        "block_length": bootstrap.block_for(periods),
    }


def _conventions(spec: RiskReturnSpec, data: Returns, estimates: Estimates, *, split: bool) -> dict[str, Any]:
    """:func:`.conventions.conventions` of this run."""
    return conventions(
        values=spec.source.values,
        frequency=data.frequency,
        periods_per_year=data.periods_per_year,
        risk_free=spec.risk_free,
        cvar_level=spec.cvar_level,
        covariance=spec.covariance,
        shrinkage=estimates.shrinkage,
        split=split,
        dropped_dates=data.dropped_dates,
    )
