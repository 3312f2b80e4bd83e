"""The registry of analysis kinds: every kind described, its CLI generated from the descriptor, its demo
spec run and stored, and analyses stored before the typed extras still opening and deciding."""

from __future__ import annotations

import argparse
import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from tradeoff_studio.cli.analysis_common import from_roles
from tradeoff_studio.cli.main import build_parser
from tradeoff_studio.core import analysis_workflows as flows
from tradeoff_studio.core.analyses import kinds, store
from tradeoff_studio.core.analyses.candidates import ResultExtras
from tradeoff_studio.core.analyses.kinds import COMMON_PARAMETERS, ROLES, AnalysisKind
from tradeoff_studio.core.analyses.model_variants import VariantSpec
from tradeoff_studio.core.decisions.preferences import Constraint, Preferences
from tradeoff_studio.core.demo import ensure_demo_project
from tradeoff_studio.core.demo_analyses import DEMO_ANALYSES
from tradeoff_studio.core.engines.options import DATASET_PARAMETERS, FAIRNESS_ONLY
from tradeoff_studio.core.errors import NotFoundError
from tradeoff_studio.core.project import open_project

KINDS = ("fairness", "generic", "ope", "risk-return", "cost-quality", "model-variants")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo project, built once for this module (in its own user-data folder)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("demo-xdg")))
        yield ensure_demo_project()


@pytest.fixture
def demo_copy(demo_file: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "demo.tsproj"
    shutil.copyfile(demo_file, copy)
    return copy


def test_every_kind_has_one_descriptor() -> None:
    assert tuple(k.name for k in kinds.all_kinds()) == KINDS
    for described in kinds.all_kinds():
        assert kinds.kind(described.name) is described and described.title and described.help
        names = [p.name for p in (*COMMON_PARAMETERS, *described.parameters)]
        assert len(set(names)) == len(names), described.name
        flags = [p.flag for p in (*COMMON_PARAMETERS, *described.parameters)]
        assert len(set(flags)) == len(flags), described.name
        for parameter in described.parameters:
            assert set(parameter.roles) <= set(ROLES), (described.name, parameter.name)
            assert not parameter.choices or parameter.default in (None, *parameter.choices)
        assert described.demo is not None, f"{described.name} has no demo spec"
        spec = described.demo()
        assert isinstance(spec, described.spec_type) and kinds.kind_of(spec) is described
        assert described.default_name(spec) == f"{described.name}-{described.table_of(spec)}"
    with pytest.raises(NotFoundError, match=r"no analysis kind 'nope'\. Kinds: fairness, generic"):
        kinds.kind("nope")
    with pytest.raises(NotFoundError, match="No analysis kind takes a str spec"):
        kinds.kind_of("spec")


def _analyze_commands() -> dict[str, argparse.ArgumentParser]:
    def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
        [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        return dict(action.choices)

    return subcommands(subcommands(build_parser())["analyze"])


@pytest.mark.parametrize("name", KINDS)
def test_the_cli_subcommand_is_the_descriptor(name: str) -> None:
    described = kinds.kind(name)
    actions = {
        flag: action for action in _analyze_commands()[name]._actions for flag in action.option_strings
    }
    expected = {"-h", "--help", "--json", "--recovery-key-file"}  # the last: every command opening a project
    logs = tuple(p for p in DATASET_PARAMETERS if p.name not in FAIRNESS_ONLY)  # cost-quality --dataset
    dataset = {"fairness": DATASET_PARAMETERS, "cost-quality": logs}.get(name, ())  # instead of --table (#21)
    for parameter in (*COMMON_PARAMETERS, *described.parameters, *dataset):
        flags = [flag for flag, _ in parameter.choice_flags] or [parameter.flag]
        expected |= set(flags)
        for flag in flags:
            action = actions[flag]
            assert action.dest == parameter.name, flag
            shown = (action.help or "").replace("%%", "%")  # argparse formats help: % is doubled
            text = dict(parameter.choice_flags).get(flag) or parameter.help or ""
            if from_roles(parameter):  # a left-out option takes the table's column role
                text += f" (default: the table's {parameter.roles[0]} column role)"
            assert shown == text, flag
            if not parameter.choice_flags:
                optional = from_roles(parameter) or (dataset and parameter.name == "table")
                assert action.required == (parameter.required and not optional), flag
                repeated = parameter.repeat and parameter.default is not None
                default = list(parameter.default) if repeated else parameter.default
                assert action.default == (default if parameter.type != "bool" else False), flag
                assert tuple(action.choices or ()) == parameter.choices, flag
    assert set(actions) == expected


def test_every_kind_runs_its_demo_spec_and_round_trips(demo_copy: Path) -> None:
    stored = {demo.kind: demo.name for demo in DEMO_ANALYSES}
    with open_project(demo_copy) as project:
        for described in kinds.all_kinds():
            spec = described.demo()  # type: ignore[misc]
            if described.name not in stored:  # not part of the demo project: run it here
                if isinstance(spec, VariantSpec):
                    spec = replace(spec, repeats=10, warmup=2, resamples=10, bulk_size=20_000)
                record = flows.analyze(project, spec)
                assert record.name == described.default_name(spec)
            else:
                record = store.get_analysis(project, stored[described.name])
                assert {k: v for k, v in record.spec["inputs"].items() if k != "where"} == json.loads(
                    json.dumps(spec.to_dict())
                )
            assert record.kind == described.name
            _round_trips(project, record, described)


def _round_trips(project: object, record: store.AnalysisRecord, described: AnalysisKind) -> None:
    table = store.load_analysis(project, record.name)  # type: ignore[arg-type]
    assert table.kind == described.name and table.extras == record.extras
    assert record.spec["extras"] == table.extras.to_dict()
    again = store.store_analysis(project, f"{record.name}-again", table, record.spec["inputs"])  # type: ignore[arg-type]
    copy = store.load_analysis(project, again.name)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(copy.frame, table.frame)
    assert (copy.extras, copy.notes, copy.objectives) == (table.extras, table.notes, table.objectives)
    assert again.sha256 == record.sha256


def test_fairness_extras_are_typed_not_notes(demo_copy: Path) -> None:
    with open_project(demo_copy) as project:
        record = store.get_analysis(project, "credit-fairness")
        assert record.extras == ResultExtras(0.95, ("thresholds",), ("thresholds",))
        assert "derived_knobs" not in record.spec["notes"] and "ci_level" not in record.spec["notes"]
        assert store.get_analysis(project, "multi-asset-frontier").extras.derived_knobs[0] == "portfolio"


def test_analyses_stored_before_the_extras_still_open_and_decide(demo_copy: Path) -> None:
    """A project made by an earlier version kept ``ci_level``/``derived_knobs`` in the notes only."""
    with open_project(demo_copy) as project:
        before = {r.name: r.extras for r in flows.list_analyses(project)}
        for record in flows.list_analyses(project):
            spec = dict(record.spec)
            extras = spec.pop("extras")
            if record.kind == "fairness":  # what analyze_fairness used to add to the notes
                old_notes = {"ci_level": extras["ci_level"], "derived_knobs": ["thresholds"]}
                spec["notes"] = old_notes | spec["notes"]
            project.con.execute(
                "UPDATE _ts.analyses SET spec = ? WHERE name = ?", [json.dumps(spec), record.name]
            )
        for demo in DEMO_ANALYSES:
            old = store.get_analysis(project, demo.name)
            assert "extras" not in old.spec and old.extras == before[demo.name]
            assert store.load_analysis(project, demo.name).extras == before[demo.name]
            preferences = Preferences(constraints=(Constraint.parse(demo.constraint),))
            decided = flows.decide(project, demo.name, preferences=preferences, rationale="on old specs")
            assert decided.analysis == demo.name


def test_an_unknown_spec_is_refused_before_anything_is_stored(demo_copy: Path) -> None:
    with open_project(demo_copy) as project:
        before = [r.name for r in flows.list_analyses(project)]
        with pytest.raises(NotFoundError, match="No analysis kind takes a dict spec"):
            flows.analyze(project, {"table": "ope_results"})
        assert [r.name for r in flows.list_analyses(project)] == before
