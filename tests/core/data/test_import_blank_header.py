"""Issue #18, observation 4: a leaderboard as shipped (blank first header, a pandas index) imports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tradeoff_studio.core.data.importer import import_files
from tradeoff_studio.core.project import Project

MakeFile = Callable[[str, bytes | str], Path]


def test_a_blank_first_header_over_row_labels_becomes_index(project: Project, make_file: MakeFile) -> None:
    path = make_file("leaderboard.csv", ",judge,agreement\n0,big,70.5\n1,mid,68.0\n2,tiny,60.1\n")
    [record] = import_files(project, [path])
    assert [column["name"] for column in record.columns] == ["index", "judge", "agreement"]
    assert record.reader_options["blank_header"] == [
        {"position": 1, "name": "index", "reason": "its values are unique row labels"}
    ]
    assert project.con.execute('SELECT "index", judge FROM leaderboard ORDER BY 1').fetchall() == [
        (0, "big"), (1, "mid"), (2, "tiny")
    ]  # fmt: skip


def test_other_blank_headers_become_column_n(project: Project, make_file: MakeFile) -> None:
    path = make_file("t.csv", "a,,b,\n1,2,3,x\n4,2,6,x\n")
    [record] = import_files(project, [path])
    assert [column["name"] for column in record.columns] == ["a", "column_2", "b", "column_4"]
    reasons = {item["name"]: item["reason"] for item in record.reader_options["blank_header"]}
    assert reasons == {"column_2": "the header field is empty", "column_4": "the header field is empty"}


def test_repeated_first_column_values_are_not_an_index(project: Project, make_file: MakeFile) -> None:
    path = make_file("t.csv", ",index\n1,a\n1,b\n")
    [record] = import_files(project, [path])
    assert [column["name"] for column in record.columns] == ["column_1", "index"]


def test_a_taken_name_is_never_reused(project: Project, make_file: MakeFile) -> None:
    path = make_file("t.csv", ",column_1,index\n0,a,b\n1,c,d\n")
    [record] = import_files(project, [path])
    assert [column["name"] for column in record.columns] == ["column_1_blank", "column_1", "index"]
