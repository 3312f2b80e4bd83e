"""Export a table (or any query) to CSV, Parquet or XLSX: safe for spreadsheets, exact, never half-written.

* **Formulas are neutralised** (OWASP "CSV injection") in CSV and XLSX: a text cell or header that
  begins with ``= + - @``, a tab or a carriage return gets a leading apostrophe, which
  spreadsheets show as text instead of running it. ``raw=True`` writes the text as stored.
  Numbers are not text, so ``-0.5`` stays a number. Parquet is not opened by spreadsheets and
  keeps every value as stored.
* **Types stay exact**: DECIMAL is written as Parquet DECIMAL and as its exact text in CSV;
  BLOB stays binary in Parquet and becomes hexadecimal text in CSV and XLSX (the result says
  which columns).
* **Atomic**: DuckDB writes a temporary file beside the target, which is renamed over it only
  once complete, together with the audit entry (house rule 13).
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from . import audit
from .errors import StudioError
from .extensions import load_extension
from .project import Project
from .sql import ident, literal

FORMATS = {".csv": "csv", ".parquet": "parquet", ".xlsx": "xlsx"}
XLSX_MAX_ROWS = 1_048_575  # a worksheet's 1,048,576 rows, less the header
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_TEXT_TYPES = ("VARCHAR", "JSON", "ENUM")


class ExportError(StudioError):
    """A table or candidates cannot be written to the file asked for; nothing was written."""


@dataclass(frozen=True)
class ExportRecord:
    """A file written by :func:`export_table` or :func:`write_query`."""

    subject: str
    path: str
    format: str
    rows: int
    sha256: str
    raw: bool = False
    neutralised_cells: int = 0  # text cells (and headers) given a leading apostrophe
    hex_columns: list[str] = field(default_factory=list)  # BLOB columns written as hexadecimal text
    warning: str | None = None  # set when an encrypted project's data leaves it unencrypted

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)

    def notes(self) -> list[str]:
        """What the writer changed, in words (empty when nothing)."""
        lines = []
        if self.neutralised_cells:
            lines.append(
                f"{self.neutralised_cells:,} text cell(s) or header(s) beginning with = + - @, a tab or a CR "
                "were "
                "prefixed with ' so that spreadsheets show them as text (--raw keeps them as stored)."
            )
        if self.hex_columns:
            shown = ", ".join(map(repr, self.hex_columns))
            lines.append(
                f"BLOB column(s) {shown} were written as hexadecimal text ({self.format.upper()} has no "
                "binary cells); export to .parquet to keep the bytes."
            )
        return lines


def export_format(path: Path, allowed: dict[str, str] = FORMATS) -> str:
    """The format for ``path`` by its suffix, or an :class:`ExportError` naming the choices."""
    found = allowed.get(path.suffix.lower())
    if found is None:
        raise ExportError(f"Cannot export to {path}: use a file name ending in {', '.join(allowed)}.")
    return found


def check_target(project: Project, path: Path) -> None:
    """Refuse a target that is a folder, lies in a missing folder, or is the project file itself."""
    if path.is_dir():
        raise ExportError(f"{path} is a folder. Give a file name, e.g. {path / 'export.csv'}.")
    if not path.parent.is_dir():
        raise ExportError(f"Cannot write {path}: the folder {path.parent} does not exist.")
    if path.exists() and path.resolve() == project.path.resolve():
        raise ExportError(f"{path} is the project file itself. Choose another file name.")


def _neutralised(expression: str) -> str:
    starts = ", ".join(literal(start) for start in _FORMULA_STARTS)
    return f"CASE WHEN left({expression}, 1) IN ({starts}) THEN '''' || {expression} ELSE {expression} END"


def _safe_header(name: str) -> str:
    return "'" + name if name.startswith(_FORMULA_STARTS) else name


@dataclass(frozen=True)
class _Projection:
    select: str
    formula_cells: str  # SQL counting the cells that get an apostrophe ("0" when none can)
    hex_columns: list[str]
    renamed_headers: int


def _projection(columns: list[tuple[str, str]], fmt: str, raw: bool) -> _Projection:
    """The SELECT list that makes each column safe and exact for ``fmt``."""
    if fmt == "parquet":
        return _Projection(", ".join(ident(name) for name, _ in columns), "0", [], 0)
    parts, counts, hexed, headers = [], [], [], 0
    for name, dtype in columns:
        column, header = ident(name), name if raw else _safe_header(name)
        headers += header != name
        if dtype == "BLOB":
            parts.append(f"hex({column}) AS {ident(header)}")
            hexed.append(name)
        elif dtype.startswith(_TEXT_TYPES) and not raw:
            text = f"CAST({column} AS VARCHAR)"
            parts.append(f"{_neutralised(text)} AS {ident(header)}")
            starts = ", ".join(literal(start) for start in _FORMULA_STARTS)
            counts.append(f"count(*) FILTER (WHERE left({text}, 1) IN ({starts}))")
        else:
            parts.append(f"{column} AS {ident(header)}")
    return _Projection(", ".join(parts), " + ".join(counts) or "0", hexed, headers)


def write_query(
    project: Project,
    source: str,
    path: Path,
    *,
    subject: str,
    raw: bool = False,
    audit_details: dict[str, Any] | None = None,
    input_sha256: str | None = None,
) -> ExportRecord:
    """Write the rows of ``source`` (a quoted table or view name) to ``path``, atomically and audited."""
    check_target(project, path)
    fmt = export_format(path)
    con = project.con
    columns = [
        (str(row[0]), str(row[1])) for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
    ]
    shape = _projection(columns, fmt, raw)
    rows, cells = _counts(con, source, shape, f"Could not read {subject!r} to write {path}")
    if fmt == "xlsx" and rows > XLSX_MAX_ROWS:
        raise ExportError(
            f"{subject!r} has {rows:,} rows; an XLSX sheet holds at most {XLSX_MAX_ROWS:,}. "
            "Export to .csv or .parquet instead."
        )
    with _temporary_beside(path) as scratch:
        _copy(con, f"SELECT {shape.select} FROM {source}", scratch, fmt, path)
        digest = _sha256(scratch)
        record = ExportRecord(
            subject, str(path.resolve()), fmt, rows, digest, raw, cells + shape.renamed_headers,
            shape.hex_columns, unencrypted_export_warning(project, path),
        )  # fmt: skip
        details = {"path": record.path, "format": fmt, "rows": rows, "raw": raw,
                   "neutralised_cells": record.neutralised_cells, "hex_columns": shape.hex_columns,
                   **(audit_details or {})}  # fmt: skip
        with project.transaction() as transaction:
            audit.record(transaction, action="export", subject=subject, details=details,
                         input_sha256=input_sha256, output_sha256=digest)  # fmt: skip
            _replace(scratch, path)
    return record


def _counts(con: duckdb.DuckDBPyConnection, source: str, shape: _Projection, failure: str) -> tuple[int, int]:
    """Rows of ``source``, and cells of it that will be neutralised."""
    try:
        row = con.execute(f"SELECT count(*), {shape.formula_cells} FROM {source}").fetchone()
    except duckdb.Error as error:
        raise ExportError(f"{failure}: {_first_line(error)}") from None
    return (int(row[0]), int(row[1])) if row else (0, 0)


def export_table(project: Project, table: str, path: Path, *, raw: bool = False) -> ExportRecord:
    """Write user table ``table`` to ``path`` (.csv, .parquet or .xlsx); see the module notes."""
    tables = project.tables()
    if table not in tables:
        listed = ", ".join(tables) or "(none yet; import a file first)"
        raise ExportError(f"The project has no table '{table}'. Its tables: {listed}.")
    return write_query(project, ident(table), path, subject=table, raw=raw)


def unencrypted_export_warning(project: Project, path: Path) -> str | None:
    """The warning every export of an encrypted project's data carries (files we write are plain)."""
    if not project.encrypted:
        return None
    return (
        f"{path} is NOT encrypted, although the project it comes from is. "
        "Store it somewhere protected, and delete it when it is no longer needed."
    )


def _copy(con: duckdb.DuckDBPyConnection, query: str, target: Path, fmt: str, shown: Path) -> None:
    options = {
        "csv": "FORMAT csv, HEADER true",
        "parquet": "FORMAT parquet",
        "xlsx": "FORMAT xlsx, HEADER true",
    }
    if fmt == "xlsx":
        load_extension(con, "excel")
    try:
        con.execute(f"COPY ({query}) TO {literal(str(target))} ({options[fmt]})")
    except duckdb.Error as error:
        raise ExportError(f"Could not write {shown} as {fmt.upper()}: {_first_line(error)}") from None


def _first_line(error: duckdb.Error) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


@contextmanager
def _temporary_beside(path: Path) -> Iterator[Path]:
    """A scratch file name in ``path``'s folder (so the rename is atomic), removed unless renamed."""
    scratch = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}{path.suffix}")
    try:
        yield scratch
    finally:
        scratch.unlink(missing_ok=True)


def _replace(scratch: Path, path: Path) -> None:
    try:
        os.replace(scratch, path)
    except OSError as error:
        raise ExportError(f"Could not write {path}: {error.strerror or error}") from None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def write_bytes_atomically(path: Path, write: Callable[[Path], str]) -> str:
    """Let ``write(scratch)`` write a file beside ``path`` (returning its SHA-256), then rename it over."""
    with _temporary_beside(path) as scratch:
        digest = write(scratch)
        _replace(scratch, path)
    return digest
