"""Import files into project tables, atomically, with provenance and an audit entry.

All files of one call are imported in a single transaction: if any file fails, no table,
catalog row or audit entry of the call remains. DuckDB streams each file into its table, so
a file larger than memory imports in bounded memory.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from .. import audit
from ..dbjobs import execute_long
from ..errors import DataImportError, NameInUseError
from ..jobs import CancelToken, Progress, no_progress, scaled
from ..project import Project, is_write_failure
from ..schema import CATALOG_SCHEMA
from ..scratch import scratch_dir
from ..sql import ident
from . import archives, checks, numbers, optuna, readers
from .columns import plan_columns
from .options import ReadOptions, expand_sources, file_format
from .provenance import SourceFile, combined_sha256, hash_in_background, modified_at
from .tables import drop_table

_TEXT_TYPED_FORMATS = {"csv", "xlsx"}


@dataclass(frozen=True)
class DatasetRecord:
    """One imported table and where it came from."""

    table_name: str
    format: str
    row_count: int
    columns: list[dict[str, str]]
    sources: list[SourceFile]
    reader_options: dict[str, Any]
    imported_at: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {**asdict(self), "sources": [source.to_dict() for source in self.sources]}


def import_files(
    project: Project,
    paths: list[Path],
    *,
    table: str | None = None,
    options: ReadOptions | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    replace_existing: bool = False,
) -> list[DatasetRecord]:
    """Import files and folders; with ``table`` all files go into that one table.

    With ``replace_existing`` a table of the same name is dropped (with its catalog rows, audited)
    in the same transaction, so a failed import leaves the old table in place.
    """
    options = options or ReadOptions()
    cancel = cancel or CancelToken()
    files = expand_sources([Path(path).absolute() for path in paths])
    targets = _targets(project, files, table, replace_existing=replace_existing)
    existing = {name.casefold(): name for name in project.tables()}
    pool, digests = hash_in_background(files)
    try:
        with scratch_dir("import") as workdir, project.transaction() as con:
            job = _ImportJob(options, cancel, digests, workdir)
            records = []
            for index, (name, group) in enumerate(targets.items()):
                if name.casefold() in existing:
                    drop_table(con, existing[name.casefold()], reason=f"replaced by an import of {group[0]}")
                step = scaled(progress, index / len(targets), (index + 1) / len(targets))
                records.append(_import_table(con, name, group, job, step))
            cancel.raise_if_cancelled()
            for record in records:
                _store(con, record)
    finally:
        pool.shutdown(cancel_futures=True)
    progress(1.0, "Import finished")
    return records


@dataclass(frozen=True)
class _ImportJob:
    """What every file of one import call shares."""

    options: ReadOptions
    cancel: CancelToken
    digests: dict[Path, Future[str]]
    workdir: Path  # private scratch space, removed when the call ends


def _targets(
    project: Project, files: list[Path], table: str | None, *, replace_existing: bool = False
) -> dict[str, list[Path]]:
    """Table name → files, refusing names already taken (DuckDB names are case-insensitive)."""
    if table is not None:
        targets = {table: files}
    else:
        targets = {}
        for path in files:
            stem = archives.table_stem(path) if archives.is_compressed(path) else path.stem
            clash = next((name for name in targets if name.lower() == stem.lower()), None)
            if clash is not None:
                raise NameInUseError(
                    f"{targets[clash][0]} and {path} would both become table {stem!r}. "
                    "Import them separately with --table NAME."
                )
            targets[stem] = [path]
    existing = {name.lower() for name in project.tables()}
    for name, group in targets.items():
        if not name.strip():
            raise DataImportError(f"{group[0]}: a table name cannot be empty. Pass --table NAME.")
        if name.lower() in existing and not replace_existing:
            raise NameInUseError(
                f"The project already has a table {name!r}. Choose another with --table NAME, replace it "
                f"with --replace, or remove it first (tables remove PROJECT {name})."
            )
    return targets


def _import_table(
    con: duckdb.DuckDBPyConnection, name: str, files: list[Path], job: _ImportJob, progress: Progress
) -> DatasetRecord:
    sources: list[SourceFile] = []
    resolved: dict[str, Any] = {}
    for index, path in enumerate(files):
        step = scaled(progress, index / len(files), (index + 1) / len(files))
        step(0.0, f"Reading {path.name}")
        rows_before = 0 if index == 0 else _row_count(con, name)
        with _unpacked(path, job) as (inner, compression):
            fmt = file_format(inner)
            resolved = _read_into(con, name, inner, fmt, job, first=index == 0, progress=step)
            rows = _row_count(con, name) - rows_before
            _check_file(con, name, inner, job.options, rows_before=rows_before, rows=rows, resolved=resolved)
        resolved |= {"compression": compression} if compression else {}
        stat = path.stat()
        sources.append(
            SourceFile(str(path), fmt, stat.st_size, job.digests[path].result(), modified_at(path), rows)
        )
    if job.options.parse_numbers:
        resolved = resolved | _parse_numbers(con, name, files[0], job.options)
    found = optuna.recognise(con, name, dict(_columns(con, name)), files[0])
    if found is not None:
        resolved = resolved | {"optuna": found}
        if found["duration"] and found["duration"].startswith("seconds"):
            resolved["units"] = {**resolved.get("units", {}), "duration": "s"}
    columns = [{"name": column, "type": dtype} for column, dtype in _columns(con, name)]
    now = datetime.now(UTC).isoformat()
    formats = sorted({source.format for source in sources})
    return DatasetRecord(name, "+".join(formats), _row_count(con, name), columns, sources, resolved, now)


def _parse_numbers(
    con: duckdb.DuckDBPyConnection, name: str, path: Path, options: ReadOptions
) -> dict[str, Any]:
    """``--parse-numbers``: convert the text columns asked, and record each one's unit."""
    text_columns = [column for column, dtype in _columns(con, name) if dtype == "VARCHAR"]
    units = numbers.parse_number_columns(
        con, name, path, options.parse_numbers, text_columns, keep_text=set(options.types)
    )
    return {"parse_numbers": list(options.parse_numbers), "units": units}


@contextmanager
def _unpacked(path: Path, job: _ImportJob) -> Iterator[tuple[Path, str | None]]:
    """``path`` itself, or the file unpacked from it (``.gz``, single-file ``.zip``; see :mod:`.archives`),
    with the compression's name; messages about the unpacked file name the archive instead."""
    if not archives.is_compressed(path):
        yield path, None
        return
    inner = archives.unpack(path, job.workdir, job.cancel)
    try:
        yield inner, path.suffix.lower().lstrip(".")
    except DataImportError as error:
        raise DataImportError(str(error).replace(str(inner), f"{path} (its {inner.name})")) from None
    finally:
        inner.unlink(missing_ok=True)


def _read_into(
    con: duckdb.DuckDBPyConnection,
    name: str,
    path: Path,
    fmt: str,
    job: _ImportJob,
    *,
    first: bool,
    progress: Progress,
) -> dict[str, Any]:
    read = readers.plan(con, path, fmt, job.options, job.workdir, cancel=job.cancel)
    file_names = _file_names(read, [column for column, _dtype in _described(con, path, read)])
    columns = plan_columns(path, file_names, job.options.rename, job.options.columns)
    read = replace(read, sql=columns.wrap(read.sql))
    incoming = _described(con, path, read)
    checks.check_width(path, len(incoming))
    if not first:
        _check_same_schema(con, name, path, incoming)
    verb = f"CREATE TABLE {ident(name)} AS " if first else f"INSERT INTO {ident(name)} "
    try:
        execute_long(
            con,
            verb + read.sql,
            read.params,
            progress=progress,
            cancel=job.cancel,
            message=f"Reading {path.name}",
        )
    except duckdb.Error as error:
        if is_write_failure(error):
            raise  # the project's transaction reports it as a full disk
        raise readers.translate(path, fmt, error) from None
    if columns.renamed:
        progress(0.0, "Renamed " + "; ".join(item.describe() for item in columns.renamed))
    return {"format": fmt, **read.options, **columns.provenance(job.options)}


def _file_names(read: readers.ReadPlan, described: list[str]) -> list[str]:
    """The names as the file writes them when the read knows them and only DuckDB's renaming of
    repeats (``name`` → ``name_1``) tells them apart from ``described``; else ``described``."""
    names = read.file_names
    if names is None or len(names) != len(described):
        return described
    renamed = all(
        name == shown or re.fullmatch(re.escape(name) + r"_\d+", shown, flags=re.IGNORECASE)
        for name, shown in zip(names, described, strict=True)
    )
    return names if renamed else described


def _described(con: duckdb.DuckDBPyConnection, path: Path, read: readers.ReadPlan) -> list[tuple[str, str]]:
    """Column names and types the read will produce (metadata only, nothing is imported)."""
    try:
        rows = con.execute(f"DESCRIBE {read.sql}", read.params).fetchall()
    except duckdb.Error as error:
        raise readers.translate(path, file_format(path), error) from None
    return [(str(row[0]), str(row[1])) for row in rows]


def _check_same_schema(
    con: duckdb.DuckDBPyConnection, name: str, path: Path, incoming: list[tuple[str, str]]
) -> None:
    existing = _columns(con, name)
    if incoming != existing:
        differing = sorted(set(incoming) ^ set(existing)) or ["(the column order)"]
        raise DataImportError(
            f"{path} does not match the other files of table {name!r}: they differ in "
            f"{', '.join(str(item) for item in differing[:6])}. Import it as its own table."
        )


def _check_file(
    con: duckdb.DuckDBPyConnection,
    name: str,
    path: Path,
    options: ReadOptions,
    *,
    rows_before: int,
    rows: int,
    resolved: dict[str, Any],
) -> None:
    """The checks DuckDB's readers do not make, on the rows just read from ``path``."""
    checks.check_not_empty(path, rows)
    columns = _columns(con, name)
    if resolved["format"] == "json":
        checks.check_json_records(path, columns, rows)
    if resolved["format"] in _TEXT_TYPED_FORMATS:
        file_name = {item["name"]: item["column"] for item in resolved.get("renamed", [])}
        text_columns = [
            column
            for column, dtype in columns
            if dtype == "VARCHAR"
            and file_name.get(column, column) not in options.types
            and not (options.parse_numbers and numbers.will_parse(con, name, column, options.parse_numbers))
        ]
        checks.check_mixed_types(
            con,
            table=name,
            text_columns=text_columns,
            rows_before=rows_before,
            path=path,
            header_lines=int(bool(resolved.get("header"))),
        )


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    rows = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = ? ORDER BY column_index",
        [table],
    ).fetchall()
    return [(str(column), str(dtype)) for column, dtype in rows]


def _row_count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {ident(table)}").fetchone()
    return int(row[0]) if row else 0


def _store(con: duckdb.DuckDBPyConnection, record: DatasetRecord) -> None:
    con.execute(
        f"INSERT INTO {CATALOG_SCHEMA}.datasets VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            record.table_name,
            record.format,
            record.row_count,
            json.dumps(record.columns),
            json.dumps([source.to_dict() for source in record.sources]),
            json.dumps(record.reader_options),
            record.imported_at,
        ],
    )
    audit.record(
        con,
        action="import",
        subject=record.table_name,
        details={"rows": record.row_count, "files": [source.path for source in record.sources]},
        input_sha256=combined_sha256([source.sha256 for source in record.sources]),
    )


def list_datasets(project: Project) -> list[DatasetRecord]:
    """Every imported table with its provenance, by name."""
    rows = project.con.execute(
        f"SELECT table_name, format, row_count, columns, sources, reader_options, imported_at::VARCHAR "
        f"FROM {CATALOG_SCHEMA}.datasets ORDER BY table_name"
    ).fetchall()
    return [
        DatasetRecord(
            row[0],
            row[1],
            int(row[2]),
            json.loads(row[3]),
            [SourceFile(**source) for source in json.loads(row[4])],
            json.loads(row[5]),
            str(row[6]),
        )
        for row in rows
    ]
