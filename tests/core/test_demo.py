"""The bundled demo project: every demo table, scored models, and one decided analysis per trade-off."""

from __future__ import annotations

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
        analyses = {record.name: record.kind for record in flows.list_analyses(project)}
        assert analyses == {
            "credit-fairness": "fairness", "multi-asset-frontier": "risk-return",
            "ope-shortlist": "ope", "llm-routing": "cost-quality",
        }  # fmt: skip
        decisions = {d.analysis: d for d in flows.list_decisions(project)}
        assert set(decisions) == {demo.name for demo in DEMO_ANALYSES}
        for demo in DEMO_ANALYSES:
            chosen = flows.get_candidates(project, demo.name).frame.set_index("candidate_id")
            metric, bound = demo.constraint.split("@")[0].replace("<=", ">=").split(">=")
            value = chosen.loc[decisions[demo.name].candidate_id, metric]
            assert (value <= float(bound)) if "<=" in demo.constraint else (value >= float(bound))
    assert ensure_demo_project() == path and path.stat().st_mtime_ns == built
