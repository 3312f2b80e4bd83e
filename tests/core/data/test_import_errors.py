"""Bad files: each gets a typed error naming the file (and line/column) and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from support.data_files import numbered_csv, write_parquet, write_sheetless_xlsx, write_xlsx
from tradeoff_studio.core.data.importer import import_files
from tradeoff_studio.core.data.options import ReadOptions
from tradeoff_studio.core.errors import DataImportError, NameInUseError, StudioError
from tradeoff_studio.core.project import Project

MakeFile = Callable[[str, bytes | str], Path]


def assert_refused(
    project: Project,
    state: Callable[[Project], object],
    paths: list[Path],
    *patterns: str,
    error: type[StudioError] = DataImportError,
    **kwargs: object,
) -> str:
    before = state(project)
    with pytest.raises(error) as caught:
        import_files(project, paths, **kwargs)  # type: ignore[arg-type]
    message = str(caught.value)
    for pattern in patterns:
        assert pattern in message, message
    assert state(project) == before
    return message


CSV_CASES = {
    "ragged": ("a,b,c\n1,2,3\n4,5\n6,7,8\n", ["line 3", "2 fields where the header has 3"]),
    "truncated_quote": ('a,b,c\n1,2,3\n4,5,"unterminated\n', ["line 3", "never closed"]),
    "truncated_last_row": ("a,b,c\n1,2,3\n4,5,6\n7,8", ["line 4", "2 fields where the header has 3"]),
    "mixed_types": ("a,b\n1,2\n3,4\n5,x\n7,8\n", ["line 4", "column 'b'", "'x' is not a number", "--types"]),
    "empty": ("", ["is empty"]),
    "whitespace_only": ("  \n\n \n", ["is empty"]),
    "header_only": ("a,b,c\n", ["has a header (a, b, c) but no data rows"]),
    "invalid_utf8": (b"a,b\n1,caf\xe9\n", ["line 2", "byte 0xe9", "--encoding latin-1"]),
    "nul_bytes": (b"a,b\n1,\x00\x00\x002\n", ["NUL bytes", "binary"]),
}


@pytest.mark.parametrize("case", sorted(CSV_CASES))
def test_bad_csv(
    case: str, project: Project, state: Callable[[Project], object], make_file: MakeFile
) -> None:
    content, patterns = CSV_CASES[case]
    path = make_file(f"{case}.csv", content)
    message = assert_refused(project, state, [path], *patterns)
    assert str(path) in message


def test_binary_garbage_named_csv(
    project: Project, state: Callable[[Project], object], make_file: MakeFile
) -> None:
    garbage = bytes((index * 7919 + 13) % 256 for index in range(20_000))
    assert_refused(project, state, [make_file("garbage.csv", garbage)], "binary")


def test_wrong_delimiter(project: Project, state: Callable[[Project], object], make_file: MakeFile) -> None:
    path = make_file("semi.csv", "a;b;c\n1;2;3\n4;5;6\n")
    assert_refused(project, state, [path], "--delimiter ';'", options=ReadOptions(delimiter=","))


def test_ragged_row_beyond_sniff_sample(
    project: Project, state: Callable[[Project], object], make_file: MakeFile
) -> None:
    path = make_file("big.csv", numbered_csv(120_000, bad_line=110_001, bad_row="7,8"))
    assert_refused(project, state, [path], "line 110001")


def test_mixed_type_beyond_sniff_sample(
    project: Project, state: Callable[[Project], object], make_file: MakeFile
) -> None:
    path = make_file("big.csv", numbered_csv(60_000, bad_line=50_001, bad_row="7,xx,9"))
    assert_refused(
        project, state, [path], "line 50001", "column 'b'", "'xx' is not a BIGINT", "--types 'b=VARCHAR'"
    )


def test_invalid_utf8_beyond_sniff_sample(
    project: Project, state: Callable[[Project], object], make_file: MakeFile
) -> None:
    text = ("a,name\n" + "".join(f"{i},name{i}\n" for i in range(100_000))).encode()
    cut = text.index(b"\n90000,")
    path = make_file("late.csv", text[:cut] + b"\n90000,caf\xe9" + text[text.index(b"\n", cut + 1) :])
    assert_refused(project, state, [path], "line 90002", "not valid UTF-8", "--encoding")


def test_unsupported_encoding(
    project: Project, state: Callable[[Project], object], make_file: MakeFile
) -> None:
    path = make_file("a.csv", "a\n1\n")
    assert_refused(
        project, state, [path], "encoding 'ebcdic' is not supported", options=ReadOptions(encoding="ebcdic")
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [("zero.parquet", b""), ("corrupt.parquet", bytes(range(256)) * 20)],
)
def test_bad_parquet(
    name: str, content: bytes, project: Project, state: Callable[[Project], object], make_file: MakeFile
) -> None:
    assert_refused(project, state, [make_file(name, content)], "is not a valid Parquet file")


def test_truncated_parquet(project: Project, state: Callable[[Project], object], tmp_path: Path) -> None:
    whole = write_parquet(tmp_path / "whole.parquet", "SELECT range AS x FROM range(10000)")
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    assert_refused(project, state, [cut], "cut.parquet", "is not a valid Parquet file")


def test_xlsx_without_sheets(project: Project, state: Callable[[Project], object], tmp_path: Path) -> None:
    path = write_sheetless_xlsx(tmp_path / "nosheets.xlsx")
    assert_refused(project, state, [path], "has no worksheets")


def test_xlsx_that_is_not_a_workbook(
    project: Project, state: Callable[[Project], object], make_file: MakeFile
) -> None:
    assert_refused(project, state, [make_file("fake.xlsx", "a,b\n1,2\n")], "is not a valid XLSX workbook")


def test_xlsx_unknown_sheet(project: Project, state: Callable[[Project], object], tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "book.xlsx", "SELECT 1 AS a")
    assert_refused(
        project, state, [path], "has no sheet 'Missing'", "'Sheet1'", options=ReadOptions(sheet="Missing")
    )


JSON_CASES = {
    "scalars.json": ("[1, 2, 3]", "does not hold JSON records"),
    "wrapped.json": ('{"data": [{"a": 1}, {"a": 2}]}', "holds one object ('data') rather than records"),
    "malformed.ndjson": ('{"a": 1}\n{"a": 2\n', "malformed JSON"),
    "mixed_lines.ndjson": ('{"a": 1}\n[1, 2]\n', "does not hold JSON records"),
}


@pytest.mark.parametrize("name", sorted(JSON_CASES))
def test_bad_json(
    name: str, project: Project, state: Callable[[Project], object], make_file: MakeFile
) -> None:
    content, pattern = JSON_CASES[name]
    assert_refused(project, state, [make_file(name, content)], name, pattern)


def test_unsupported_suffix(
    project: Project, state: Callable[[Project], object], make_file: MakeFile
) -> None:
    assert_refused(project, state, [make_file("notes.docx", "x")], "'.docx' cannot be imported", "Supported")


def test_missing_file(project: Project, state: Callable[[Project], object], tmp_path: Path) -> None:
    assert_refused(project, state, [tmp_path / "nope.csv"], "nope.csv does not exist")


def test_folder_without_data(
    project: Project, state: Callable[[Project], object], make_file: MakeFile
) -> None:
    path = make_file("folder/readme.md", "hello")
    assert_refused(project, state, [path.parent], "holds no file that can be imported")


def test_existing_table_name(
    project: Project, state: Callable[[Project], object], make_file: MakeFile
) -> None:
    import_files(project, [make_file("loans.csv", "a\n1\n")])
    again = make_file("other/LOANS.csv", "a\n2\n")
    assert_refused(project, state, [again], "already has a table 'LOANS'", "--table", error=NameInUseError)


def test_two_files_same_table_name(
    project: Project, state: Callable[[Project], object], make_file: MakeFile
) -> None:
    make_file("folder/x.csv", "a\n1\n")
    make_file("folder/x.json", '[{"a": 1}]')
    folder = make_file("folder/y.csv", "a\n1\n").parent
    assert_refused(project, state, [folder], "would both become table 'x'", error=NameInUseError)


def test_folder_with_mismatched_schemas_into_one_table(
    project: Project, state: Callable[[Project], object], tmp_path: Path
) -> None:
    folder = tmp_path / "parts"
    folder.mkdir()
    write_parquet(folder / "part1.parquet", "SELECT 1 AS id, 2.5 AS amount")
    write_parquet(folder / "part2.parquet", "SELECT 1 AS id, 'x' AS label")
    assert_refused(project, state, [folder], "part2.parquet does not match", table="loans")


def test_failure_in_later_file_rolls_back_earlier_ones(
    project: Project, state: Callable[[Project], object], make_file: MakeFile
) -> None:
    good = make_file("good.csv", "a,b\n1,2\n")
    bad = make_file("bad.csv", "a,b\n1,2\n3\n")
    assert_refused(project, state, [good, bad], "bad.csv, line 3")
    assert project.tables() == []


def test_type_override_for_unknown_column(
    project: Project, state: Callable[[Project], object], make_file: MakeFile
) -> None:
    path = make_file("a.csv", "a,b\n1,2\n")
    assert_refused(
        project,
        state,
        [path],
        "no column(s) 'zip'",
        "'a', 'b'",
        options=ReadOptions(types={"zip": "VARCHAR"}),
    )


def test_type_override_cannot_inject_sql(
    project: Project, state: Callable[[Project], object], make_file: MakeFile
) -> None:
    path = make_file("a.csv", "a,b\n1,2\n")
    hostile = ReadOptions(types={"a": "INT); DROP TABLE x; --"})
    assert_refused(project, state, [path], "is not a type name", options=hostile)


def test_empty_table_name(project: Project, state: Callable[[Project], object], make_file: MakeFile) -> None:
    assert_refused(project, state, [make_file("a.csv", "a\n1\n")], "table name cannot be empty", table="  ")
