"""The demo project's analyses, one per trade-off, each with a recorded decision and its rationale.

They are what an analyst would run on the bundled demo tables (the README shows the same runs
from the command line), so the app opens on a project that already tells each story end to end.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import analysis_workflows as flows
from .analyses import kinds
from .analyses.store import AnalysisRecord
from .decisions.preferences import Constraint, Preferences
from .jobs import CancelToken, Progress, scaled
from .project import Project


@dataclass(frozen=True)
class DemoAnalysis:
    """One analysis of the demo project and the decision taken on it.

    Its spec is the ``demo`` spec of the kind's descriptor (:mod:`.analyses.kinds`)."""

    name: str
    kind: str
    constraint: str
    only: str  # the one objective that chooses among the candidates meeting the constraint
    rationale: str

    def run(self, project: Project, progress: Progress, cancel: CancelToken) -> AnalysisRecord:
        """Run the kind's demo spec on ``project`` and store it under :attr:`name`."""
        demo = kinds.kind(self.kind).demo
        if demo is None:
            raise ValueError(f"The {self.kind} kind has no demo spec.")
        return flows.analyze(project, demo(), name=self.name, progress=progress, cancel=cancel)


DEMO_ANALYSES = (
    DemoAnalysis("credit-fairness", "fairness", "dp_ratio>=0.8", "accuracy",
                 "Four-fifths rule: a score of default risk at or above the threshold means denied, so the "
                 "favourable outcome is approval; the approval rate of women must be at least 80% of men's. "
                 "The most accurate single threshold (one rule for everyone) that meets it."),
    DemoAnalysis("multi-asset-frontier", "risk-return", "volatility<=0.10", "return",
                 "Risk budget of 10% annual volatility: the highest expected return within it. Check the "
                 "oos_* columns: 2024-2025 returned less than the 2019-2023 fit promised."),
    DemoAnalysis("ope-shortlist", "ope", "sharpe_ratio_at_k>=4@95", "sharpe_ratio_at_k",
                 "SharpeRatio@k of at least 4 with 95% confidence (its bootstrap lower bound), so that a "
                 "small-k shortlist whose top policies happen to be alike cannot win on a tiny std@k."),
    DemoAnalysis("llm-routing", "cost-quality", "quality>=0.75", "cost",
                 "At least 75% of items answered correctly, at the lowest cost per item."),
    DemoAnalysis("credit-model-variants", "model-variants", "quality>=0.84", "latency_p95_ms",
                 "The scoring service is bound by latency: among the models that classify at least 84% of "
                 "applications correctly, the one with the lowest p95 latency per row."),
)  # fmt: skip


def run_demo_analyses(project: Project, progress: Progress, cancel: CancelToken) -> None:
    """Run every demo analysis and record its decision (progress over the whole set)."""
    for index, demo in enumerate(DEMO_ANALYSES):
        step = scaled(progress, index / len(DEMO_ANALYSES), (index + 1) / len(DEMO_ANALYSES))
        record = demo.run(project, step, cancel)
        cancel.raise_if_cancelled()
        weights = {objective.split(":")[0]: 0.0 for objective in record.spec["objectives"]} | {demo.only: 1.0}
        preferences = Preferences(constraints=(Constraint.parse(demo.constraint),), weights=weights)
        flows.decide(project, demo.name, preferences=preferences, rationale=demo.rationale)
