"""The demo project's analyses, one per trade-off, each with a recorded decision and its rationale.

They are what an analyst would run on the bundled demo tables (the README shows the same runs
from the command line), so the app opens on a project that already tells each story end to end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import analysis_workflows as flows
from .analyses.store import AnalysisRecord
from .decisions.preferences import Constraint, Preferences
from .jobs import CancelToken, Progress, scaled
from .project import Project

Run = Callable[[Project, str, Progress, CancelToken], AnalysisRecord]


@dataclass(frozen=True)
class DemoAnalysis:
    """One analysis of the demo project and the decision taken on it."""

    name: str
    run: Run
    constraint: str
    only: str  # the one objective that chooses among the candidates meeting the constraint
    rationale: str


def _fairness(project: Project, name: str, progress: Progress, cancel: CancelToken) -> AnalysisRecord:
    from .analyses.fairness import FairnessSpec

    spec = FairnessSpec(table="credit_applications", label="default", sensitive=["sex"],
                        scores=["score_credit_logreg", "score_credit_gbt", "score_credit_mlp"],
                        favorable="unselected", selected_means="denied")  # fmt: skip
    return flows.analyze_fairness(project, spec, name=name, progress=progress, cancel=cancel)


def _risk_return(project: Project, name: str, progress: Progress, cancel: CancelToken) -> AnalysisRecord:
    from .analyses.risk_return.analysis import RiskReturnSpec
    from .analyses.risk_return.returns import ReturnsSource

    spec = RiskReturnSpec(ReturnsSource("asset_returns", "returns"), split="2024-01-01",
                          weights_table="model_portfolios", target_volatilities=(0.10,))  # fmt: skip
    return flows.analyze_risk_return(project, spec, name=name, progress=progress, cancel=cancel)


def _ope(project: Project, name: str, progress: Progress, cancel: CancelToken) -> AnalysisRecord:
    from .analyses.ope import OpeSpec

    spec = OpeSpec("ope_results", policy="policy", estimator="estimator", estimate="estimated_value",
                   true_value="true_value", behaviour="is_behaviour")  # fmt: skip
    return flows.analyze_ope(project, spec, name=name, progress=progress, cancel=cancel)


def _cost_quality(project: Project, name: str, progress: Progress, cancel: CancelToken) -> AnalysisRecord:
    from .analyses.cost_quality import CostQualitySpec

    spec = CostQualitySpec("llm_eval_log", item="item", system="system", correct="correct", cost="cost_usd",
                           latency="latency_ms", confidence="confidence", human_cost=0.05)  # fmt: skip
    return flows.analyze_cost_quality(project, spec, name=name, progress=progress, cancel=cancel)


DEMO_ANALYSES = (
    DemoAnalysis("credit-fairness", _fairness, "dp_ratio>=0.8", "accuracy",
                 "Four-fifths rule: a score of default risk at or above the threshold means denied, so the "
                 "favourable outcome is approval; the approval rate of women must be at least 80% of men's. "
                 "The most accurate single threshold (one rule for everyone) that meets it."),
    DemoAnalysis("multi-asset-frontier", _risk_return, "volatility<=0.10", "return",
                 "Risk budget of 10% annual volatility: the highest expected return within it. Check the "
                 "oos_* columns: 2024-2025 returned less than the 2019-2023 fit promised."),
    DemoAnalysis("ope-shortlist", _ope, "sharpe_ratio_at_k>=4@95", "sharpe_ratio_at_k",
                 "SharpeRatio@k of at least 4 with 95% confidence (its bootstrap lower bound), so that a "
                 "small-k shortlist whose top policies happen to be alike cannot win on a tiny std@k."),
    DemoAnalysis("llm-routing", _cost_quality, "quality>=0.75", "cost",
                 "At least 75% of items answered correctly, at the lowest cost per item."),
)  # fmt: skip


def run_demo_analyses(project: Project, progress: Progress, cancel: CancelToken) -> None:
    """Run every demo analysis and record its decision (progress over the whole set)."""
    for index, demo in enumerate(DEMO_ANALYSES):
        step = scaled(progress, index / len(DEMO_ANALYSES), (index + 1) / len(DEMO_ANALYSES))
        record = demo.run(project, demo.name, step, cancel)
        cancel.raise_if_cancelled()
        weights = {objective.split(":")[0]: 0.0 for objective in record.spec["objectives"]} | {demo.only: 1.0}
        preferences = Preferences(constraints=(Constraint.parse(demo.constraint),), weights=weights)
        flows.decide(project, demo.name, preferences=preferences, rationale=demo.rationale)
