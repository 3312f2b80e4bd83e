"""Issue #18, observations 5 and 11: missing markers, numbers written as text, replacing and removing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tradeoff_studio.core.data.importer import import_files
from tradeoff_studio.core.data.options import ReadOptions
from tradeoff_studio.core.data.roles import change_roles
from tradeoff_studio.core.data.tables import remove_table
from tradeoff_studio.core.errors import DataImportError, NameInUseError, NotFoundError
from tradeoff_studio.core.project import Project

MakeFile = Callable[[str, bytes | str], Path]
LEADERBOARD = (
    "judge,agreement,price,calls\n"
    'big,70.50%,$14.47,"1,234"\n'
    "mid,68.00%,n/a,999\n"
    'tiny,60.10%,$0.50,"12,000.5"\n'
    "mini,56.00%,-$1.20,5\n"
)


def column_types(project: Project, table: str) -> dict[str, str]:
    return dict(project.columns(table))


def test_na_markers_become_missing_values(project: Project, make_file: MakeFile) -> None:
    path = make_file("t.csv", "a,b\n1,2.5\nn/a,3.5\n4,-\n")
    with pytest.raises(DataImportError, match="--na TEXT"):  # the advice names the way forward
        import_files(project, [path])
    [record] = import_files(project, [path], options=ReadOptions(na=["n/a", "-"]))
    assert column_types(project, "t") == {"a": "BIGINT", "b": "DOUBLE"}
    assert project.con.execute("SELECT a, b FROM t").fetchall() == [(1, 2.5), (None, 3.5), (4, None)]
    assert record.reader_options["na"] == ["n/a", "-"]


def test_parse_numbers_reads_currency_percent_and_thousands(project: Project, make_file: MakeFile) -> None:
    path = make_file("lb.csv", LEADERBOARD)
    options = ReadOptions(na=["n/a"], parse_numbers=["agreement", "price", "calls"])
    [record] = import_files(project, [path], options=options)
    assert column_types(project, "lb")["price"] == "DOUBLE"
    rows = project.con.execute("SELECT agreement, price, calls FROM lb").fetchall()
    assert rows == [(70.5, 14.47, 1234.0), (68.0, None, 999.0), (60.1, 0.5, 12000.5), (56.0, -1.2, 5.0)]
    assert record.reader_options["units"] == {"agreement": "%", "price": "$", "calls": ""}


def test_parse_numbers_all_leaves_real_text_alone(project: Project, make_file: MakeFile) -> None:
    content = LEADERBOARD.replace("judge,", "judge,zip,").replace("big,", "big,01234,")
    content = content.replace("mid,", "mid,0999,").replace("tiny,", "tiny,12,").replace("mini,", "mini,77,")
    path = make_file("lb.csv", content)
    options = ReadOptions(na=["n/a"], parse_numbers=["all"], types={"zip": "VARCHAR"})
    [record] = import_files(project, [path], options=options)
    types = column_types(project, "lb")
    assert types["judge"] == "VARCHAR" and types["zip"] == "VARCHAR"  # text, and forced text, stay
    assert types["agreement"] == types["price"] == types["calls"] == "DOUBLE"
    assert set(record.reader_options["units"]) == {"agreement", "price", "calls"}


REFUSALS = [
    ("a,b\nx,$1\ny,oops\n", "b", "'oops' does not read as a number"),
    ("a,b\nx,$1\ny,€2\n", "b", r"different units \(\$, €\)"),
    ("a,b\nx,1\ny,2\n", "b", "no text column 'b'"),
    ("a,b\nx,1\ny,2\n", "c", "no text column 'c'.*Its text columns: a"),
]


@pytest.mark.parametrize("case", range(len(REFUSALS)))
def test_parse_numbers_refusals_leave_the_project_unchanged(
    project: Project, make_file: MakeFile, state: Callable[[Project], object], case: int
) -> None:
    content, column, message = REFUSALS[case]
    before = state(project)
    with pytest.raises(DataImportError, match=message):
        import_files(project, [make_file("t.csv", content)], options=ReadOptions(parse_numbers=[column]))
    assert state(project) == before


def test_replace_swaps_a_table_atomically(
    project: Project, make_file: MakeFile, state: Callable[[Project], object]
) -> None:
    import_files(project, [make_file("t.csv", "a\n1\n2\n")])
    with pytest.raises(NameInUseError, match=r"--replace.*tables remove PROJECT t"):
        import_files(project, [make_file("t.csv", "a\n1\n2\n3\n")])
    broken = make_file("t.csv", "a,b\n1,2\n3\n")
    before = state(project)
    with pytest.raises(DataImportError):
        import_files(project, [broken], replace_existing=True)
    assert state(project) == before  # the old table is still there
    [record] = import_files(project, [make_file("t.csv", "a,b\n1,2\n3,4\n5,6\n")], replace_existing=True)
    assert record.row_count == 3 and project.row_count("t") == 3
    actions = [row[0] for row in project.con.execute("SELECT action FROM _ts.audit ORDER BY seq").fetchall()]
    assert actions[-2:] == ["remove-table", "import"]
    assert project.con.execute("SELECT count(*) FROM _ts.datasets").fetchone() == (1,)


def test_tables_remove(project: Project, make_file: MakeFile, state: Callable[[Project], object]) -> None:
    import_files(project, [make_file("Optuna_Trials.csv", "a\n1\n2\n")])
    before = state(project)
    with pytest.raises(NotFoundError, match=r"no table 'nope'\. Its tables: Optuna_Trials"):
        remove_table(project, "nope")
    assert state(project) == before
    change_roles(project, "Optuna_Trials", set_={"a": ("weight", None)}, clear=[])
    assert remove_table(project, "optuna_trials") == {"table": "Optuna_Trials", "rows": 2, "score_columns": 0}
    assert project.con.execute("SELECT count(*) FROM _ts.column_roles").fetchone() == (0,)
    assert project.tables() == []
    assert project.con.execute("SELECT count(*) FROM _ts.datasets").fetchone() == (0,)
    last = project.con.execute("SELECT action, subject FROM _ts.audit ORDER BY seq DESC LIMIT 1").fetchone()
    assert last == ("remove-table", "Optuna_Trials")


def test_a_removed_table_leaves_a_sound_project(tmp_path: Path, make_file: MakeFile) -> None:
    """Analyses keep their candidates; ``check`` does not call the audited removal damage."""
    from tradeoff_studio.core import analysis_workflows as flows
    from tradeoff_studio.core.analyses.candidates import Objective
    from tradeoff_studio.core.analyses.generic import GenericSpec
    from tradeoff_studio.core.integrity import check_project
    from tradeoff_studio.core.project import create_project

    path = tmp_path / "p.tsproj"
    with create_project(path) as project:
        import_files(project, [make_file("runs.csv", "a,b\n1,2\n2,1\n3,3\n")])
        flows.analyze_generic(project, GenericSpec("runs", [Objective("a", "min"), Objective("b", "min")]))
        remove_table(project, "runs")
        assert len(flows.get_candidates(project, "generic-runs").frame) == 3
    assert check_project(path).problems == []
