"""Issue 15, observation 5: colliding column names, ``--rename`` and ``--columns`` on import."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from support.data_files import write_parquet, write_xlsx
from tradeoff_studio.core.audit import entries
from tradeoff_studio.core.data.columns import unique_names
from tradeoff_studio.core.data.importer import import_files, list_datasets
from tradeoff_studio.core.data.options import ReadOptions
from tradeoff_studio.core.errors import DataImportError
from tradeoff_studio.core.project import Project

MakeFile = Callable[[str, bytes | str], Path]
# The recidivism file's header: two columns that differ only in case.
CASE_CLASH = "id,x_Assault,x_assault,label\n1,2,3,a\n2,4,5,b\n"


def table_rows(project: Project, table: str) -> list[tuple[object, ...]]:
    return project.con.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()


def test_unique_names_suffix_later_repeats_case_insensitively() -> None:
    assert unique_names(["a", "A", "b", "a", "a_2"]) == ["a", "A_2", "b", "a_3", "a_2_2"]
    assert unique_names(["x"], taken={"X"}) == ["x_2"]


def test_case_clash_is_made_unique_and_recorded(project: Project, make_file: MakeFile) -> None:
    path = make_file("recid.csv", CASE_CLASH)
    messages: list[str] = []
    (record,) = import_files(project, [path], progress=lambda _f, text: messages.append(text))
    assert [c["name"] for c in record.columns] == ["id", "x_Assault", "x_assault_2", "label"]
    assert table_rows(project, "recid") == [(1, 2, 3, "a"), (2, 4, 5, "b")]
    renamed = [{"column": "x_assault", "name": "x_assault_2", "reason": "duplicate"}]
    assert record.reader_options["renamed"] == renamed
    assert list_datasets(project)[0].reader_options["renamed"] == renamed
    assert any("'x_assault' → 'x_assault_2'" in text for text in messages)


def test_exact_repeats_are_made_unique(project: Project, make_file: MakeFile) -> None:
    path = make_file("rep.csv", "a,a,b,a\n1,2,3,4\n")
    (record,) = import_files(project, [path])
    assert [c["name"] for c in record.columns] == ["a", "a_2", "b", "a_3"]
    assert table_rows(project, "rep") == [(1, 2, 3, 4)]


def test_rename_resolves_the_clash_and_columns_pick_and_order(project: Project, make_file: MakeFile) -> None:
    path = make_file("recid.csv", CASE_CLASH)
    options = ReadOptions(rename={"x_assault": "assault_lower"}, columns=["label", "assault_lower", "id"])
    (record,) = import_files(project, [path], options=options)
    assert [c["name"] for c in record.columns] == ["label", "assault_lower", "id"]
    assert table_rows(project, "recid") == [("a", 3, 1), ("b", 5, 2)]
    assert record.reader_options["renamed"] == [
        {"column": "x_assault", "name": "assault_lower", "reason": "--rename"}
    ]
    assert record.reader_options["columns"] == ["label", "assault_lower", "id"]
    assert entries(project.con)[-1].action == "import"


def test_columns_accept_the_unique_name_and_type_overrides_follow(
    project: Project, make_file: MakeFile
) -> None:
    path = make_file("recid.csv", CASE_CLASH)
    options = ReadOptions(columns=["x_assault_2", "id"], types={"x_assault": "VARCHAR"})
    (record,) = import_files(project, [path], options=options)
    assert record.columns == [{"name": "x_assault_2", "type": "VARCHAR"}, {"name": "id", "type": "BIGINT"}]


def test_rename_and_columns_on_parquet(project: Project, tmp_path: Path) -> None:
    path = write_parquet(tmp_path / "p.parquet", "SELECT 1 AS a, 'x' AS b, 2.5 AS c")
    options = ReadOptions(rename={"c": "score"}, columns=["score", "a"])
    (record,) = import_files(project, [path], options=options)
    assert [c["name"] for c in record.columns] == ["score", "a"]
    assert table_rows(project, "p") == [(2.5, 1)]


REFUSALS = {
    "unknown_rename": (ReadOptions(rename={"nope": "x"}), ["no column 'nope'", "'x_Assault', 'x_assault'"]),
    "unknown_column": (ReadOptions(columns=["id", "nope"]), ["no column 'nope'", "--columns", "'label'"]),
    "rename_onto_existing": (ReadOptions(rename={"id": "LABEL"}), ["already has a column 'label'"]),
    "two_renames_same_name": (ReadOptions(rename={"id": "k", "label": "K"}), ["two columns the name"]),
    "column_twice": (ReadOptions(columns=["id", "id"]), ["lists column 'id' twice"]),
    "empty_new_name": (ReadOptions(rename={"id": " "}), ["cannot name a column"]),
    "no_columns": (ReadOptions(columns=[]), ["lists no column"]),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_wrong_names_are_refused_and_change_nothing(
    case: str, project: Project, state: Callable[[Project], object], make_file: MakeFile
) -> None:
    options, patterns = REFUSALS[case]
    path = make_file("recid.csv", CASE_CLASH)
    import_files(project, [make_file("other.csv", "a\n1\n")])
    before = state(project)
    with pytest.raises(DataImportError) as caught:
        import_files(project, [path], options=options)
    for pattern in patterns:
        assert pattern in str(caught.value), str(caught.value)
    assert state(project) == before


def test_parquet_case_clash_is_reported_like_csv(project: Project, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "clash.parquet"
    table = pa.table([[1], [{"x": 1, "y": [1, 2]}], [2], [3]], names=["a", "nested", "A", "a_1"])
    pq.write_table(table, path)  # DuckDB alone would call the third column 'A_1'
    (record,) = import_files(project, [path])
    assert [c["name"] for c in record.columns] == ["a", "nested", "A_2", "a_1"]
    assert record.reader_options["renamed"] == [{"column": "A", "name": "A_2", "reason": "duplicate"}]
    assert table_rows(project, "clash") == [(1, {"x": 1, "y": [1, 2]}, 2, 3)]


def test_xlsx_case_clash_is_reported_like_csv(project: Project, tmp_path: Path) -> None:
    import zipfile

    written = write_xlsx(tmp_path / "w.xlsx", "SELECT 1 AS id, 2 AS x_Assault, 3 AS x_zzzzzz")
    path = tmp_path / "clash.xlsx"
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():  # DuckDB cannot write the clash itself: rename the header cell
            target.writestr(name, source.read(name).replace(b"x_zzzzzz", b"x_assault"))
    (record,) = import_files(project, [path])
    assert [c["name"] for c in record.columns] == ["id", "x_Assault", "x_assault_2"]
    assert record.reader_options["renamed"] == [
        {"column": "x_assault", "name": "x_assault_2", "reason": "duplicate"}
    ]
    assert table_rows(project, "clash") == [(1.0, 2.0, 3.0)]
