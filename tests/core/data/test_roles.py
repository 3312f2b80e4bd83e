"""Column roles: stored in the catalog, validated against the column's type, audited, migrated."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from support.dataview_tables import make_people
from tradeoff_studio.core import schema, workflows
from tradeoff_studio.core.audit import entries
from tradeoff_studio.core.data.roles import ROLES, ColumnRole, RoleError, type_kind
from tradeoff_studio.core.errors import NotFoundError
from tradeoff_studio.core.project import Project, create_project, open_project

State = Callable[[Project], dict[str, object]]
Refusal = tuple[type[Exception], str]


def _roles_state(project: Project, state: State) -> tuple[object, object]:
    stored = project.con.execute("SELECT * EXCLUDE (set_at) FROM _ts.column_roles ORDER BY ALL").fetchall()
    return stored, state(project)


def test_set_get_and_defaults(project: Project) -> None:
    make_people(project)
    workflows.set_roles(
        project,
        "people",
        set_={"approved": ("label", "yes"), "sex": ("sensitive", None), "weight": ("weight", None)},
        clear=[],
    )
    workflows.set_roles(
        project, "people", set_={"city": ("sensitive", None), "score": ("score", None)}, clear=[]
    )
    assert workflows.get_roles(project, "people") == [
        ColumnRole("approved", "label", "yes"),
        ColumnRole("sex", "sensitive"),
        ColumnRole("weight", "weight"),
        ColumnRole("city", "sensitive"),
        ColumnRole("score", "score"),
    ]
    assert workflows.roles_defaults(project, "people") == {
        "label": "approved",
        "favourable": "yes",
        "sensitive": ["sex", "city"],
        "weight": "weight",
        "score": ["score"],
    }


def test_one_column_role_moves_and_is_audited(project: Project) -> None:
    make_people(project)
    workflows.set_roles(project, "people", set_={"weight": ("weight", None)}, clear=[])
    change = workflows.set_roles(project, "people", set_={"income": ("weight", None)}, clear=[])
    assert change.before == [ColumnRole("weight", "weight")]
    assert change.after == [ColumnRole("income", "weight")]
    last = entries(project.con)[-1]
    assert (last.action, last.subject) == ("roles.set", "people")
    assert last.details["after"] == [{"column": "income", "role": "weight", "value": None}]


def test_clear_and_unchanged_writes_nothing(project: Project) -> None:
    make_people(project)
    workflows.set_roles(project, "people", set_={"id": ("id", None)}, clear=[])
    audits = len(entries(project.con))
    same = workflows.set_roles(project, "people", set_={"id": ("id", None)}, clear=[])
    assert not same.changed and len(entries(project.con)) == audits
    workflows.set_roles(project, "people", set_={}, clear=["id"])
    assert workflows.get_roles(project, "people") == []


def test_label_value_is_canonical(project: Project) -> None:
    make_people(project)
    project.con.execute("ALTER TABLE people ADD COLUMN good INTEGER DEFAULT 1")
    change = workflows.set_roles(project, "people", set_={"good": ("label", "1.0")}, clear=[])
    assert change.after == [ColumnRole("good", "label", "1")]


TEXT = "Column 'city' of table 'people' is VARCHAR (text), but a weight"
REFUSALS: list[tuple[dict[str, tuple[str, str | None]], list[str], Refusal]] = [
    ({"city": ("weight", None)}, [], (RoleError, TEXT)),
    ({"born": ("score", None)}, [], (RoleError, "is DATE (a date or time), but a score column must be")),
    (
        {"weight": ("sensitive", None)},
        [],
        (RoleError, "a sensitive column must be a boolean, an integer or text"),
    ),
    ({"income": ("date", None)}, [], (RoleError, "a date column must be a date or time")),
    (
        {"nope": ("weight", None)},
        [],
        (NotFoundError, "Table 'people' has no column 'nope'. Its columns: id,"),
    ),
    ({"id": ("colour", None)}, [], (RoleError, "'colour' is not a column role. Roles: label, sensitive")),
    (
        {"approved": ("label", "maybe")},
        [],
        (RoleError, "never holds 'maybe'. Its values include: 'no', 'yes'"),
    ),
    ({"income": ("label", "x")}, [], (RoleError, "'x' is not a INTEGER value")),
    ({"sex": ("sensitive", "F")}, [], (RoleError, "Only a label takes a value")),
    ({"id": ("id", None)}, ["city"], (RoleError, "Column 'city' of table 'people' has no role to clear")),
]


@pytest.mark.parametrize(("set_", "clear", "refusal"), REFUSALS)
def test_refusals_name_the_column_and_change_nothing(
    project: Project,
    state: State,
    set_: dict[str, tuple[str, str | None]],
    clear: list[str],
    refusal: Refusal,
) -> None:
    error, message = refusal
    make_people(project)
    workflows.set_roles(project, "people", set_={"sex": ("sensitive", None)}, clear=[])
    before = _roles_state(project, state)
    with pytest.raises(error, match=re.escape(message)):
        workflows.set_roles(project, "people", set_=set_, clear=clear)
    assert _roles_state(project, state) == before


def test_unknown_table_is_named(project: Project) -> None:
    make_people(project)
    with pytest.raises(NotFoundError, match=re.escape("The project has no table 'folk'. Its tables: people")):
        workflows.get_roles(project, "folk")


def test_replace_roles_refuses_two_holders_of_a_single_role(project: Project) -> None:
    make_people(project)
    with pytest.raises(RoleError, match="can have one weight column, but both 'income' and 'weight'"):
        workflows.replace_roles(
            project, "people", [ColumnRole("income", "weight"), ColumnRole("weight", "weight")]
        )
    assert workflows.get_roles(project, "people") == []


def test_every_role_has_a_fitting_column_in_a_mixed_table(project: Project) -> None:
    make_people(project)
    kinds = {type_kind(dtype) for _name, dtype in project.columns("people")}
    assert all(spec.kinds & kinds for spec in ROLES.values())
    assert type_kind("DECIMAL(18,3)") == "decimal" and type_kind("TIMESTAMP WITH TIME ZONE") == "temporal"
    assert type_kind("INTEGER[]") == "other"


def test_roles_survive_reopen(tmp_path: Path) -> None:
    path = tmp_path / "p.tsproj"
    with create_project(path) as project:
        make_people(project)
        workflows.set_roles(project, "people", set_={"approved": ("label", "yes")}, clear=[])
    with open_project(path) as project:
        assert workflows.get_roles(project, "people") == [ColumnRole("approved", "label", "yes")]


def test_project_made_before_roles_is_migrated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.tsproj"
    before_roles = schema.MIGRATIONS[: schema.MIGRATIONS.index(schema._column_roles)]
    monkeypatch.setattr(schema, "MIGRATIONS", before_roles)
    with create_project(path) as old:
        make_people(old, rows=30)
        assert not old.con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = '_ts' AND table_name = 'column_roles'"
        ).fetchone()[0]
        old_version = old.schema_version
    monkeypatch.undo()
    with open_project(path) as project:
        assert old_version < project.schema_version == schema.current_version()
        assert workflows.get_roles(project, "people") == []
        workflows.set_roles(project, "people", set_={"weight": ("weight", None)}, clear=[])
    with open_project(path) as project:
        assert workflows.roles_defaults(project, "people") == {"weight": "weight"}


def test_roles_are_the_ones_analysis_parameters_name() -> None:
    """The registry's parameters name fitting roles; ``favourable`` is the label's value, not a role."""
    from tradeoff_studio.core.analyses.kinds import ROLES as PARAMETER_ROLES

    assert {*ROLES, "favourable"} == set(PARAMETER_ROLES)
