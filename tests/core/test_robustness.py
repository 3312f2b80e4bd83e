"""Robustness of the core: file-type checks, the JSON pre-scan, crash reports, scratch folders,
the constraint parser's cost, NUL in names, damaged catalogs at open, keyring chains, previews
of infinite timestamps."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend

from support.memory_keyring import MemoryKeyring
from tradeoff_studio.core import keys, summaries
from tradeoff_studio.core.crash import crash_report_text, write_crash_report
from tradeoff_studio.core.data import json_scan
from tradeoff_studio.core.data.importer import import_files
from tradeoff_studio.core.data.options import ReadOptions
from tradeoff_studio.core.decisions.preferences import Constraint, DecisionError
from tradeoff_studio.core.errors import (
    DataImportError,
    InvalidNameError,
    ProjectDamagedError,
    ProjectError,
    StudioError,
)
from tradeoff_studio.core.files import FileCheckError, check_regular_file, read_small_file
from tradeoff_studio.core.jobs import CancelToken
from tradeoff_studio.core.project import Project, create_project, open_project
from tradeoff_studio.core.scratch import scratch_dir, sweep_stale_scratch
from tradeoff_studio.core.sql import ident

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, devices and symlinks are POSIX")


@posix_only
def test_special_files_are_named_for_what_they_are(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    os.symlink(tmp_path / "b", tmp_path / "a")
    os.symlink(tmp_path / "a", tmp_path / "b")
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling")
    expected = {
        fifo: "is a FIFO \\(named pipe\\), not a file",
        Path("/dev/zero"): "is a device, not a file",
        tmp_path: "is a directory, not a file",
        tmp_path / "a": "is a symbolic link loop",
        tmp_path / "dangling": "is a symbolic link to .*nowhere, which does not exist",
        tmp_path / "missing": "missing does not exist",
    }
    for path, pattern in expected.items():
        with pytest.raises(FileCheckError, match=pattern):
            check_regular_file(path)


def test_small_files_are_size_limited_with_the_size_in_the_message(tmp_path: Path) -> None:
    path = tmp_path / "key.txt"
    path.write_bytes(b"x" * 1001)
    with pytest.raises(FileCheckError, match="is 1,001 bytes; a key file is at most 1,000 bytes"):
        read_small_file(path, what="key file", max_bytes=1000)
    path.write_bytes(b"x" * 1000)
    assert read_small_file(path, what="key file", max_bytes=1000) == b"x" * 1000


@posix_only
def test_recovery_key_file_from_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "key"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(keys.ProjectKeyError, match=r"Cannot read the recovery key file: .* is a FIFO"):
        keys.read_recovery_file(fifo)
    with pytest.raises(keys.ProjectKeyError, match="is a device"):
        keys.read_recovery_file(Path("/dev/zero"))
    assert time.monotonic() - started < 2


@posix_only
def test_import_refuses_a_fifo_and_leaves_the_project(project: Project, state, tmp_path: Path) -> None:
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    before = state(project)
    with pytest.raises(DataImportError, match="is a FIFO"):
        import_files(project, [fifo])
    assert state(project) == before


@pytest.mark.parametrize(
    ("text", "deepest"),
    [
        ('{"a": 1}\n{"b": [1, 2]}\n', 2),
        ('[{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}]', 2),  # brackets inside strings do not count
        ('[{"a": "quote \\" and [[[[[[[[[[[[[[[[[[[[[[[[[ backslash \\\\"}]', 2),
        ("", 0),
    ],
)
def test_json_scan_measures_depth_outside_strings(tmp_path: Path, text: str, deepest: int) -> None:
    path = tmp_path / "x.json"
    path.write_text(text)
    assert json_scan.scan(path) == deepest


def test_json_scan_carries_strings_and_numbers_across_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_scan, "CHUNK_BYTES", 7)
    path = tmp_path / "x.json"
    path.write_text('[{"name": "a [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ long \\" string", "v": 12345}]')
    assert json_scan.scan(path) == 2
    path.write_text('[{"v": 123456789e400}]')
    with pytest.raises(DataImportError, match="the number 123456789e400, which is too large"):
        json_scan.scan(path)


def test_json_scan_is_linear_and_cancellable(tmp_path: Path) -> None:
    path = tmp_path / "big.ndjson"
    path.write_text('{"id": 1, "name": "x\\"y", "tags": ["a", "b"], "v": 1.5e3}\n' * 200_000)  # 12 MB
    started = time.monotonic()
    assert json_scan.scan(path) == 2
    assert time.monotonic() - started < 10
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(StudioError, match="Cancelled"):
        json_scan.scan(path, cancel)


def test_json_numbers_within_range_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('[{"a": 1e308, "b": 1e-400, "c": "1e400"}]')
    assert json_scan.scan(path) == 2


def test_constraint_parser_is_linear_and_limits_its_input() -> None:
    started = time.monotonic()
    with pytest.raises(DecisionError, match="at most 1,000 characters; this one has 100,005"):
        Constraint.parse("m" * 100_000 + ">=0.5")
    for text in ("a" * 990 + ">=0.5", " " * 900 + "x<1", "m" + "<" * 500):
        with contextlib.suppress(DecisionError):
            Constraint.parse(text)
    assert time.monotonic() - started < 0.5
    assert Constraint.parse(" dp ratio >= 0.8 @ 95 ") == Constraint("dp ratio", ">=", 0.8, 0.95)
    assert Constraint.parse("cost<3") == Constraint("cost", "<", 3.0)
    for bad in ("<=1", "x>=", "x", "x>=1@"):
        with pytest.raises(DecisionError):
            Constraint.parse(bad)


def test_nul_in_a_name_is_a_typed_error() -> None:
    with pytest.raises(InvalidNameError, match="contains a NUL character"):
        ident("a\x00b")
    assert issubclass(InvalidNameError, StudioError) and issubclass(InvalidNameError, ValueError)


def test_delimiters_must_be_one_usable_character(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("a,b\n1,2\n")
    for delimiter, pattern in (
        (",;", "exactly one character"),
        ("", "exactly one character"),
        ("\n", "cannot be"),
    ):
        with pytest.raises(DataImportError, match=pattern):
            import_files(project, [path], options=ReadOptions(delimiter=delimiter))


def test_crash_reports_hold_the_stack_not_the_data(tmp_path: Path) -> None:
    secret, customer = "-".join(["secret", "column", "value"]), str(4700 + 11)
    try:
        try:
            raise KeyError(secret)
        except KeyError as inner:
            raise RuntimeError(f"customer {customer} owes 99") from inner
    except RuntimeError as error:
        path = write_crash_report(error, "analyze fairness", folder=tmp_path)
        text = path.read_text()
    assert path.parent == tmp_path and path.name.startswith("crash-")
    assert "command: analyze fairness" in text and "python: " in text and "duckdb: " in text
    assert "builtins.KeyError" in text and "builtins.RuntimeError" in text
    assert "test_crash_reports_hold_the_stack_not_the_data" in text
    assert secret not in text and customer not in text
    assert "The above exception was the direct cause of the following exception" in text
    assert crash_report_text(ValueError("x"), "info").count("Traceback") == 1


def test_scratch_folders_go_on_every_exit_and_stale_ones_are_swept(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), scratch_dir("import") as folder:
        (folder / "part.parquet").write_bytes(b"x")
        raise RuntimeError
    assert not folder.exists()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    stale = tmp_path / f"tradeoff-import-{int(dead.stdout)}-abc"
    live = tmp_path / f"tradeoff-import-{os.getpid()}-def"
    other = tmp_path / "tradeoff-notes"
    for item in (stale, live, other):
        item.mkdir()
    assert sweep_stale_scratch(tmp_path) == [stale]
    assert live.exists() and other.exists() and not stale.exists()


def _tamper(path: Path, sql: str, *params: object) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute(sql, list(params))
    finally:
        con.close()


@pytest.mark.parametrize(
    ("sql", "value", "pattern"),
    [
        ("UPDATE _ts.meta SET value = ? WHERE key = 'schema_version'", "x",
         "catalog is damaged: schema_version is 'x', expected a number"),
        ("UPDATE _ts.meta SET value = ? WHERE key = 'schema_version'", "-2",
         "catalog is damaged: schema_version is -2, expected a number from 1"),
        ("UPDATE _ts.datasets SET reader_options = ?", '{"a": 1,}',
         "catalog is damaged: datasets 't': field reader_options is not valid JSON"),
        ("UPDATE _ts.datasets SET columns = ?", '{"a": 1}',
         "field columns holds an object, expected a JSON array"),
    ],
)  # fmt: skip
def test_a_tampered_catalog_is_reported_as_damaged(
    tmp_path: Path, sql: str, value: str, pattern: str
) -> None:
    path = tmp_path / "p.tsproj"
    data = tmp_path / "t.csv"
    data.write_text("a\n1\n")
    with create_project(path) as project:
        import_files(project, [data])
    _tamper(path, sql, value)
    with pytest.raises(ProjectDamagedError, match=pattern):
        open_project(path)


def test_a_truncated_project_is_reported_as_damaged(tmp_path: Path) -> None:
    path = tmp_path / "p.tsproj"
    create_project(path).close()
    path.write_bytes(path.read_bytes()[:5000])
    with pytest.raises(ProjectDamagedError, match="is damaged or not a Tradeoff Studio project"):
        open_project(path)
    folder = tmp_path / "folder.tsproj"
    folder.mkdir()
    with pytest.raises(ProjectError, match="is a directory, not a file"):
        open_project(folder)


class SecretServiceFake(KeyringBackend):
    """Stands for a secure OS keyring."""

    priority = 5  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.memory = MemoryKeyring()

    def get_password(self, service: str, username: str) -> str | None:
        return self.memory.get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self.memory.set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        self.memory.delete_password(service, username)


class PlaintextKeyring(SecretServiceFake):
    """Stands for keyrings.alt's plain-text file backend (the name is what marks it)."""

    priority = 9  # type: ignore[assignment]


def _chain(*members: KeyringBackend) -> ChainerBackend:
    class Chain(ChainerBackend):
        backends = members  # type: ignore[assignment]

    return Chain()


def test_a_chain_with_a_secure_backend_uses_it_and_says_which(tmp_path: Path) -> None:
    import keyring

    secure, plain = SecretServiceFake(), PlaintextKeyring()
    keyring.set_keyring(_chain(plain, secure))
    assert keys.keyring_available()
    assert "SecretServiceFake" in keys.keyring_name()
    key = keys.new_key()
    keys.store_key("p1", key, tmp_path / "p.tsproj")
    assert secure.memory.secrets and not plain.memory.secrets
    assert keys.load_key(tmp_path / "p.tsproj") == key


def test_a_chain_without_a_secure_backend_is_refused() -> None:
    import keyring

    keyring.set_keyring(_chain(PlaintextKeyring()))
    assert not keys.keyring_available()
    with pytest.raises(
        keys.KeyringUnavailableError, match=r"No secure keyring .*\(found: PlaintextKeyring\)"
    ):
        keys.keyring_name()
    keyring.set_keyring(_chain())
    assert not keys.keyring_available()
    keyring.set_keyring(PlaintextKeyring())
    assert not keys.keyring_available()


def test_previews_show_infinite_times_as_text_and_histograms_skip_infinities(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "t.csv"
    path.write_text("ts,d,v\n2024-01-01 00:00:00+00,2024-01-01,1\ninfinity,-infinity,inf\n")
    import_files(
        project, [path], options=ReadOptions(types={"ts": "TIMESTAMPTZ", "d": "DATE", "v": "DOUBLE"})
    )
    shown = summaries.preview(project, "t")
    assert shown.rows[1][:2] == ("infinity", "-infinity")
    histogram = summaries.histogram(project, "t", "v", bins=4)
    assert histogram.missing == 1 and sum(histogram.counts) == 1
    with pytest.raises(StudioError, match="is TIMESTAMP WITH TIME ZONE; a histogram needs numbers"):
        summaries.histogram(project, "t", "ts")
