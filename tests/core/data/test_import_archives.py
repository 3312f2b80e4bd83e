"""Compressed data files (issue #17, observation 12): ``.gz`` and single-file ``.zip`` import directly."""

from __future__ import annotations

import gzip
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import zstandard

from support.data_files import numbered_csv, write_parquet
from tradeoff_studio.core.data import archives
from tradeoff_studio.core.data.importer import import_files
from tradeoff_studio.core.errors import DataImportError
from tradeoff_studio.core.project import Project


def test_gzip_csv_imports_as_its_table_with_the_archive_as_provenance(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "runs.csv.gz"
    path.write_bytes(gzip.compress(numbered_csv(5).encode()))
    [record] = import_files(project, [path])
    assert record.table_name == "runs" and record.format == "csv" and record.row_count == 5
    assert record.sources[0].path == str(path) and record.sources[0].size_bytes == path.stat().st_size
    assert record.reader_options["compression"] == "gz"
    assert project.con.execute("SELECT sum(c) FROM runs").fetchall() == [(30,)]


def test_single_file_zip_of_parquet_and_of_json(project: Project, tmp_path: Path) -> None:
    inner = write_parquet(tmp_path / "inner.parquet", "SELECT range AS x FROM range(4)")
    path = tmp_path / "scores.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(inner, "scores.parquet")
        archive.writestr("__MACOSX/._scores.parquet", b"metadata")
    [record] = import_files(project, [path])
    assert (record.table_name, record.format, record.row_count) == ("scores", "parquet", 4)
    lines = tmp_path / "lines.zip"
    with zipfile.ZipFile(lines, "w") as archive:
        archive.writestr("data/lines.ndjson", '{"a": 1}\n{"a": 2}\n')
    [json_record] = import_files(project, [lines])
    assert (json_record.table_name, json_record.format, json_record.row_count) == ("lines", "json", 2)


def test_bad_archives_are_refused_naming_the_file(
    project: Project, tmp_path: Path, state: Callable[[Project], object]
) -> None:
    before = state(project)
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as archive:
        archive.writestr("a.csv", "x\n1\n")
        archive.writestr("b.csv", "x\n2\n")
    with pytest.raises(DataImportError, match=r"two.zip holds 2 files \(a.csv, b.csv\); a .zip imports when"):
        import_files(project, [two])
    broken = tmp_path / "broken.csv.gz"
    broken.write_bytes(gzip.compress(numbered_csv(500).encode())[:-40])
    with pytest.raises(DataImportError, match=r"broken.csv.gz is not a valid gzip file"):
        import_files(project, [broken])
    ragged = tmp_path / "ragged.csv.gz"
    ragged.write_bytes(gzip.compress(numbered_csv(3, bad_line=3, bad_row="1,2").encode()))
    with pytest.raises(DataImportError) as caught:
        import_files(project, [ragged])
    assert f"{ragged} (its ragged.csv), line 3" in str(caught.value)
    assert "tradeoff-import" not in str(caught.value)
    unknown = tmp_path / "notes.zip"
    with zipfile.ZipFile(unknown, "w") as archive:
        archive.writestr("notes.docx", b"x")
    with pytest.raises(DataImportError, match=r"files ending in '.docx' cannot be imported"):
        import_files(project, [unknown])
    assert state(project) == before


def test_unpacking_stops_beyond_the_size_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tradeoff_studio.core.jobs import CancelToken

    bomb = tmp_path / "bomb.csv.gz"
    bomb.write_bytes(gzip.compress(b"0" * 5_000_000))  # 5 MB of zeros in a few kB
    monkeypatch.setattr(archives, "MAX_UNPACKED_BYTES", 1_000_000)
    (tmp_path / "work").mkdir()
    with pytest.raises(DataImportError, match="decompression bomb"):
        archives.unpack(bomb, tmp_path / "work", CancelToken())


def test_zstd_csv_imports_and_a_truncated_one_is_refused(
    project: Project, tmp_path: Path, state: Callable[[Project], object]
) -> None:
    """``.zst`` (issue #17, observation 12): one or several frames import; a cut-off file changes nothing."""
    path = tmp_path / "runs.csv.zst"
    text = numbered_csv(400).encode()
    middle = text.index(b"\n", len(text) // 2) + 1  # two frames, as pzstd and streaming writers make
    compressor = zstandard.ZstdCompressor()
    path.write_bytes(compressor.compress(text[:middle]) + compressor.compress(text[middle:]))
    [record] = import_files(project, [path])
    assert (record.table_name, record.format, record.row_count) == ("runs", "csv", 400)
    assert record.reader_options["compression"] == "zst"
    before = state(project)
    broken = tmp_path / "broken.csv.zst"
    broken.write_bytes(compressor.compress(numbered_csv(500).encode())[:-40])
    with pytest.raises(DataImportError, match=r"broken.csv.zst is not a valid zstd file"):
        import_files(project, [broken])
    assert state(project) == before
