"""``tradeoff-studio roles``: list, set, move and clear column roles; refusals exit 1 and change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.cli import cli
from support.dataview_tables import make_people
from tradeoff_studio.cli.roles_command import parse_assignment
from tradeoff_studio.core.data.roles import RoleError
from tradeoff_studio.core.project import create_project


@pytest.fixture
def people_project(tmp_path: Path) -> Path:
    path = tmp_path / "p.tsproj"
    with create_project(path) as project:
        make_people(project, rows=60)
    return path


def test_set_list_and_json(people_project: Path) -> None:
    result = cli("roles", people_project, "people", "--set", "approved=label:yes", "--set", "sex=sensitive")
    assert result.returncode == 0, result.stderr
    assert "Roles of 'people' updated." in result.stdout
    assert "approved  VARCHAR  label      yes" in result.stdout
    listed = json.loads(cli("roles", people_project, "people", "--json").stdout)
    assert listed == {
        "table": "people",
        "roles": [
            {"column": "approved", "role": "label", "value": "yes", "type": "VARCHAR"},
            {"column": "sex", "role": "sensitive", "value": None, "type": "VARCHAR"},
        ],
        "defaults": {"label": "approved", "favourable": "yes", "sensitive": ["sex"]},
        "changed": False,
    }


def test_move_and_clear_in_one_command(people_project: Path) -> None:
    cli("roles", people_project, "people", "--set", "weight=weight", "--set", "id=id")
    result = cli("roles", people_project, "people", "--set", "income=weight", "--clear", "id", "--json")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["changed"] is True
    assert shown["defaults"] == {"weight": "income"}
    audit = json.loads(cli("audit", people_project, "--json").stdout)
    assert [entry["action"] for entry in audit].count("roles.set") == 2


def test_no_roles_yet(people_project: Path) -> None:
    result = cli("roles", people_project, "people")
    assert result.returncode == 0
    assert "No column of 'people' has a role yet" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--set", "city=weight"],
            "Column 'city' of table 'people' is VARCHAR (text), but a weight column must be",
        ),
        (["--set", "city=colour"], "--set expects COLUMN=ROLE[:VALUE] with a role among label, sensitive"),
        (["--set", "nope=weight"], "Table 'people' has no column 'nope'"),
        (["--clear", "city"], "Column 'city' of table 'people' has no role to clear"),
        (["--set", "sex=sensitive", "--set", "sex=id"], "--set names a column twice"),
    ],
)
def test_refusals_exit_1_and_change_nothing(people_project: Path, args: list[str], message: str) -> None:
    cli("roles", people_project, "people", "--set", "weight=weight")
    before = cli("roles", people_project, "people", "--json").stdout
    result = cli("roles", people_project, "people", "--set", "id=id", *args)
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert cli("roles", people_project, "people", "--json").stdout == before


def test_unknown_table_exits_1(people_project: Path) -> None:
    result = cli("roles", people_project, "folk")
    assert result.returncode == 1
    assert "The project has no table 'folk'. Its tables: people" in result.stderr


def test_parse_assignment_splits_at_the_role() -> None:
    assert parse_assignment("a=b=label:x=1:2") == ("a=b", "label", "x=1:2")
    assert parse_assignment("w=weight") == ("w", "weight", None)
    assert parse_assignment("y=label:") == ("y", "label", "")
    with pytest.raises(RoleError):
        parse_assignment("=weight")
