"""Column roles as analysis parameter values: a fairness analysis runs from roles alone."""

from __future__ import annotations

from support.dataview_tables import make_people
from tradeoff_studio.core import analysis_workflows as flows
from tradeoff_studio.core import workflows
from tradeoff_studio.core.analyses.kinds import kind
from tradeoff_studio.core.data.role_defaults import parameter_defaults
from tradeoff_studio.core.project import Project


def test_fairness_runs_from_the_roles_alone(project: Project) -> None:
    make_people(project, 600)
    workflows.set_roles(
        project,
        "people",
        set_={
            "approved": ("label", "yes"),
            "sex": ("sensitive", None),
            "city": ("sensitive", None),
            "score": ("score", None),
            "weight": ("weight", None),
        },
        clear=[],
    )
    values = workflows.analysis_defaults(project, "fairness", "people")
    assert values == {
        "label": "approved",
        "positive": "yes",
        "sensitive": ["sex", "city"],
        "score": ["score"],
        "weight": "weight",
    }
    spec = kind("fairness").build({"table": "people", **values, "sensitive": ["sex"]})
    record = flows.analyze(project, spec)
    assert record.kind == "fairness" and record.rows > 0
    inputs = record.spec["inputs"]
    assert (inputs["label"], inputs["positive"], inputs["weights"]) == ("approved", "yes", "weight")


def test_cost_quality_columns_and_what_no_role_decides() -> None:
    defaults = {
        "item": "q",
        "system": "model",
        "correct": "ok",
        "cost": "usd",
        "latency": "ms",
        "score": ["a", "b"],
    }
    assert parameter_defaults(kind("cost-quality"), defaults) == {
        "item": "q",
        "system": "model",
        "correct": "ok",
        "cost": "usd",
        "latency": "ms",
    }
    # a one-column parameter is not guessed among several columns of its role
    assert "confidence" not in parameter_defaults(kind("cost-quality"), {"confidence": ["c1", "c2"]})
    assert parameter_defaults(kind("cost-quality"), {"confidence": ["c1"]}) == {"confidence": "c1"}
    assert parameter_defaults(kind("generic"), defaults) == {}
