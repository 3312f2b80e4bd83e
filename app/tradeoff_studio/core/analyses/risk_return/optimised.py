"""Which risk measure the frontier optimises, and the note that says so (issue #16, observation 5).

The first minimised objective that is a risk measure with an exact frontier picks it:
``volatility`` (mean–variance, critical line), ``cvar`` (mean–CVaR, Rockafellar–Uryasev linear
program), ``cdar`` (mean–CDaR, linear program) or ``semideviation`` (mean–semideviation, a few
quadratic programs per point). Without one the frontier is mean–variance. Other minimised risks
(``max_drawdown``, or a second measure) are evaluated on that frontier's portfolios, not
optimised, and the note names them.
"""

from __future__ import annotations

from typing import Any

from ..candidates import Objective
from .measure_frontier import MEASURE_UNITS, RISK_MEASURES, MeasureFrontier
from .semideviation import SOLVER as SEMI_SOLVER

OPTIMISABLE = ("volatility", *RISK_MEASURES)
RISKS = ("volatility", "cvar", "max_drawdown", "cdar", "semideviation")
_NAMES = {"volatility": "variance", "cvar": "CVaR", "cdar": "CDaR", "semideviation": "semideviation"}


_METHODS = {
    "cvar": "the Rockafellar–Uryasev linear program, one solve per point",
    "cdar": "the Chekhlov–Uryasev–Zabarankin linear program, one solve per point",
    "semideviation": "exact minimum semivariance per point (generalised Newton steps, each a quadratic "
    "program in the weights, to a verified KKT point)",
}


def risk_measure(objectives: tuple[Objective, ...] | list[Objective]) -> str:
    """The risk the frontier minimises: the first minimised objective in :data:`OPTIMISABLE`."""
    for objective in objectives:
        if objective.direction == "min" and objective.metric in OPTIMISABLE:
            return objective.metric
    return "volatility"


def risk_label(measure: str, level: float, horizon: str) -> str:
    """``CVaR 95% (horizon one period (daily); …)`` — the measure with its level, horizon and units."""
    if measure == "cvar":
        return f"CVaR {level:.0%} (horizon {horizon}; loss as a fraction of wealth, not annualised)"
    if measure == "cdar":
        return f"CDaR {level:.0%} (drawdowns of cumulative returns over the fit window)"
    if measure == "semideviation":
        return "semideviation (annualised; below the portfolio's own mean, T - 1 denominator)"
    return "volatility (annualised)"


def optimised_note(
    objectives: tuple[Objective, ...] | list[Objective],
    *,
    level: float,
    horizon: str,
    frontier: MeasureFrontier | None,
    min_volatility: float,
) -> dict[str, Any]:
    """What the frontier optimised: measure, label, method, minimum, failed points, risks only evaluated."""
    measure = risk_measure(objectives)
    evaluated = [
        o.metric for o in objectives if o.direction == "min" and o.metric in RISKS and o.metric != measure
    ]
    if frontier is None:
        method, solver, minimum, failed = (
            "critical line algorithm (exact, every point)",
            "numpy",
            min_volatility,
            [],
        )
    elif measure == "volatility":  # group bounds, limits or a minimum weight rule out the critical line
        method = (
            "the mean–variance quadratic program (group bounds, limits or --min-weight rule out the "
            "critical line), per point"
        )
        solver, minimum, failed = (
            "HiGHS active-set QP, warm-started",
            float(frontier.risks[0]),
            frontier.failed,
        )
    else:
        method = _METHODS[measure]
        solver, minimum, failed = frontier.solver, float(frontier.risks[0]), frontier.failed
        if measure == "semideviation":
            solver = SEMI_SOLVER
    return {
        "measure": measure,
        "label": risk_label(measure, level, horizon),
        "units": MEASURE_UNITS.get(measure, "annualised, std with ddof=1"),
        "method": method,
        "solver": solver,
        "min_risk": minimum,
        "failed_points": failed,
        "evaluated_not_optimised": evaluated,
    }


def optimised_line(note: dict[str, Any]) -> str:
    """The printed sentence naming the measure optimised (and any minimised risk only evaluated)."""
    line = f"Optimised: mean–{_NAMES[note['measure']]} frontier by {note['method']} ({note['solver']})."
    if note["failed_points"]:
        line += f" {len(note['failed_points'])} point(s) failed: " + "; ".join(
            f"return {p['target']:.2%}: {p['status']}" for p in note["failed_points"][:3]
        )
    if note.get("min_weight"):
        line += f" Minimum position {note['min_weight']['value']:g} (each weight 0 or at least that): "
        line += f"{note['min_weight']['method']}."
    if note["evaluated_not_optimised"]:
        line += (
            f" {', '.join(note['evaluated_not_optimised'])} evaluated on these portfolios, not optimised "
            f"(exact frontiers exist for {', '.join(OPTIMISABLE)}; list that objective first)."
        )
    return line
