"""The bundled demo project: every demo table, scored models, and one decided analysis per trade-off."""

from __future__ import annotations

import pandas as pd

from tradeoff_studio.core import analysis_workflows as flows
from tradeoff_studio.core.demo import DEMO_MODELS, demo_project_path, ensure_demo_project
from tradeoff_studio.core.demo_analyses import DEMO_ANALYSES
from tradeoff_studio.core.project import open_project


def test_demo_project_tells_every_story_and_is_built_once() -> None:
    path = ensure_demo_project()
    assert path == demo_project_path() and path.exists()
    built = path.stat().st_mtime_ns
    with open_project(path) as project:
        assert set(project.tables()) >= {
            "credit_applications", "asset_returns", "model_portfolios", "ope_results", "llm_eval_log",
        }  # fmt: skip
        columns = {name for name, _ in project.columns("credit_applications")}
        assert {f"score_{model}" for model in DEMO_MODELS} <= columns
        records = {record.name: record for record in flows.list_analyses(project)}
        assert {name: record.kind for name, record in records.items()} == {
            "credit-fairness": "fairness", "multi-asset-frontier": "risk-return",
            "ope-shortlist": "ope", "llm-routing": "cost-quality", "credit-model-variants": "model-variants",
        }  # fmt: skip
        decisions = {d.analysis: d for d in flows.list_decisions(project)}
        assert set(decisions) == {demo.name for demo in DEMO_ANALYSES}
        for demo in DEMO_ANALYSES:
            frame = flows.get_candidates(project, demo.name).frame.set_index("candidate_id")
            feasible = frame[_meets(frame, demo.constraint)]
            chosen = decisions[demo.name].candidate_id
            assert chosen in feasible.index, demo.name
            sense = dict(text.split(":") for text in records[demo.name].spec["objectives"])[demo.only]
            best = feasible[demo.only].max() if sense == "max" else feasible[demo.only].min()
            assert feasible.loc[chosen, demo.only] == best, f"{demo.name}: the rationale's choice"
    assert ensure_demo_project() == path and path.stat().st_mtime_ns == built


def _meets(frame: pd.DataFrame, constraint: str) -> pd.Series:
    """Rows meeting ``METRIC>=B``/``METRIC<=B``; with ``@CONF``, at the interval's bound."""
    text, confident = constraint.split("@", maxsplit=1)[0], "@" in constraint
    if "<=" in text:
        metric, bound = text.split("<=")
        return frame[f"{metric}_hi" if confident else metric] <= float(bound)
    metric, bound = text.split(">=")
    return frame[f"{metric}_lo" if confident else metric] >= float(bound)
