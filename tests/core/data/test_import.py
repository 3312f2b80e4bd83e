"""Importing each format, folders, overrides, provenance, hostile names, cancellation."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.data_files import write_parquet, write_xlsx
from tradeoff_studio.core.audit import entries
from tradeoff_studio.core.data.importer import import_files, list_datasets
from tradeoff_studio.core.data.options import ReadOptions
from tradeoff_studio.core.errors import CancelledError
from tradeoff_studio.core.jobs import CancelToken
from tradeoff_studio.core.project import Project, open_project
from tradeoff_studio.core.sql import ident

MakeFile = Callable[[str, bytes | str], Path]


def rows(project: Project, table: str) -> list[tuple[object, ...]]:
    return project.con.execute(f"SELECT * FROM {ident(table)} ORDER BY rowid").fetchall()


def test_csv_types_and_provenance(project: Project, make_file: MakeFile) -> None:
    path = make_file(
        "loans.csv", "id,amount,region,opened\n1,10.5,north,2024-01-02\n2,7.25,south,2024-02-03\n"
    )
    (record,) = import_files(project, [path])
    assert record.table_name == "loans"
    assert [column["type"] for column in record.columns] == ["BIGINT", "DOUBLE", "VARCHAR", "DATE"]
    source = record.sources[0]
    assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (source.size_bytes, source.rows, source.format) == (path.stat().st_size, 2, "csv")
    assert record.reader_options["delimiter"] == ","
    assert list_datasets(project)[0].to_dict() == record.to_dict() | {
        "imported_at": list_datasets(project)[0].imported_at
    }
    (entry,) = entries(project.con)
    assert (entry.action, entry.subject, entry.input_sha256) == ("import", "loans", source.sha256)


@pytest.mark.parametrize(
    ("name", "content", "delimiter"),
    [
        ("tabs.tsv", "a\tb\n1\t2\n", "\t"),
        ("semi.csv", "a;b\n1;2\n", ";"),
        ("pipes.csv", "a|b\n1|2\n", "|"),
    ],
)
def test_delimiter_is_sniffed(
    project: Project, make_file: MakeFile, name: str, content: str, delimiter: str
) -> None:
    (record,) = import_files(project, [make_file(name, content)])
    assert record.reader_options["delimiter"] == delimiter
    assert rows(project, record.table_name) == [(1, 2)]


def test_headerless_csv_is_sniffed(project: Project, make_file: MakeFile) -> None:
    (record,) = import_files(project, [make_file("raw.csv", "1,2\n3,4\n")])
    assert [column["name"] for column in record.columns] == ["column0", "column1"]
    assert rows(project, "raw") == [(1, 2), (3, 4)]


def test_header_override(project: Project, make_file: MakeFile) -> None:
    import_files(project, [make_file("names.csv", "ann,bob\ncat,dan\n")], options=ReadOptions(header=False))
    assert rows(project, "names") == [("ann", "bob"), ("cat", "dan")]


def test_latin1_with_encoding_override_and_utf8_bom(project: Project, make_file: MakeFile) -> None:
    import_files(
        project,
        [make_file("l1.csv", "name,n\ncaf\xe9,1\n".encode("latin-1"))],
        options=ReadOptions(encoding="latin-1"),
    )
    import_files(project, [make_file("bom.csv", b"\xef\xbb\xbfname,n\ncaf\xc3\xa9,1\n")])
    assert rows(project, "l1") == rows(project, "bom") == [("café", 1)]
    assert project.columns("bom")[0][0] == "name"


def test_type_override_keeps_leading_zeros(project: Project, make_file: MakeFile) -> None:
    import_files(
        project,
        [make_file("zips.csv", "zip,n\n00501,1\n02134,2\n")],
        options=ReadOptions(types={"zip": "VARCHAR"}),
    )
    assert rows(project, "zips") == [("00501", 1), ("02134", 2)]


def test_mixed_column_accepted_as_text_when_asked(project: Project, make_file: MakeFile) -> None:
    path = make_file("m.csv", "a,b\n1,2\n3,x\n5,6\n")
    import_files(project, [path], options=ReadOptions(types={"b": "VARCHAR"}))
    assert rows(project, "m") == [(1, "2"), (3, "x"), (5, "6")]


def test_parquet_json_ndjson_xlsx(project: Project, make_file: MakeFile, tmp_path: Path) -> None:
    sources = [
        write_parquet(tmp_path / "p.parquet", "SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, 'y'"),
        make_file("j.json", '[{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]'),
        make_file("n.ndjson", '{"a": 1, "b": "x"}\n{"a": 2, "b": "y"}\n'),
        write_xlsx(tmp_path / "x.xlsx", "SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, 'y'"),
    ]
    records = import_files(project, sources)
    assert [record.format for record in records] == ["parquet", "json", "json", "xlsx"]
    for record in records:
        assert [(int(a), b) for a, b in rows(project, record.table_name)] == [(1, "x"), (2, "y")]
    assert records[3].reader_options["sheet"] == "Sheet1"


def test_folder_imports_each_supported_file(project: Project, make_file: MakeFile) -> None:
    make_file("data/one.csv", "a\n1\n")
    make_file("data/two.json", '[{"a": 2}]')
    folder = make_file("data/notes.md", "ignored").parent
    records = import_files(project, [folder])
    assert sorted(record.table_name for record in records) == ["one", "two"]


def test_folder_into_one_table(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    folder.mkdir()
    for part in range(3):
        write_parquet(folder / f"part{part}.parquet", f"SELECT {part} AS part, range AS x FROM range(5)")
    (record,) = import_files(project, [folder], table="all parts")
    assert record.row_count == 15
    assert [source.rows for source in record.sources] == [5, 5, 5]
    assert project.tables() == ["all parts"]


HOSTILE_NAMES = [
    '"; DROP TABLE x; --',
    "select",
    "two words",
    "it's",
    'quo"te',
    "Ünïcødé 名前",
    "a.b",
    " lead",
]


def test_hostile_names_round_trip(project: Project, make_file: MakeFile) -> None:
    header = ",".join('"' + name.replace('"', '""') + '"' for name in HOSTILE_NAMES)
    path = make_file(
        "hostile.csv", header + "\n" + ",".join(str(i) for i in range(len(HOSTILE_NAMES))) + "\n"
    )
    for table in HOSTILE_NAMES:
        import_files(project, [path], table=table)
    assert sorted(project.tables()) == sorted(HOSTILE_NAMES)
    for table in HOSTILE_NAMES:
        assert [name for name, _type in project.columns(table)] == HOSTILE_NAMES
        assert rows(project, table) == [tuple(range(len(HOSTILE_NAMES)))]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.text(st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=30).filter(str.strip)
)
def test_any_table_name_round_trips(name: str, project: Project, make_file: MakeFile) -> None:
    path = make_file("t.csv", "a\n1\n")
    if name.lower() in {table.lower() for table in project.tables()}:
        return
    (record,) = import_files(project, [path], table=name)
    assert record.table_name == name
    assert name in project.tables()


def test_cancel_before_commit_leaves_nothing(
    project: Project, state: Callable[[Project], object], make_file: MakeFile
) -> None:
    path = make_file("big.csv", "a,b\n" + "".join(f"{i},{i}\n" for i in range(200_000)))
    token = CancelToken()
    before = state(project)

    def cancel_on_first_report(_fraction: float, _message: str) -> None:
        token.cancel()

    with pytest.raises(CancelledError):
        import_files(project, [path], progress=cancel_on_first_report, cancel=token)
    assert state(project) == before


def test_import_survives_reopen(tmp_path: Path, make_file: MakeFile) -> None:
    from tradeoff_studio.core.project import create_project

    with create_project(tmp_path / "p.tsproj") as project:
        import_files(project, [make_file("a.csv", "a\n1\n2\n")])
    with open_project(tmp_path / "p.tsproj") as project:
        assert rows(project, "a") == [(1,), (2,)]
        assert list_datasets(project)[0].row_count == 2
