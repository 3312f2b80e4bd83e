"""DuckDB reader queries for each format, and the translation of DuckDB's errors.

Each reader returns a :class:`ReadPlan`: a parameterised ``SELECT`` over one file and the
options it actually used (stored as provenance). Failures become :class:`DataImportError`
messages that name the file and, where DuckDB says it, the line and column.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import duckdb

from ..errors import DataImportError
from ..extensions import load_extension
from ..jobs import CancelToken
from ..sql import ident
from . import csv_dialect, dates, json_sandbox
from .columns import unique_names
from .options import ReadOptions

_TYPE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?(\[\])?$")
_LINE = re.compile(r"CSV Error on Line: (\d+)")
_COLUMN = re.compile(r'Error when converting column "((?:[^"]|"")*)"')
_VALUE = re.compile(r"Could not convert string \"(.*?)\" to '([^']+)'")
_JSON_POSITION = re.compile(r"(at byte \d+ in line \d+)")
_WORKBOOK_LIMIT = 16 << 20
_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@dataclass(frozen=True)
class ReadPlan:
    """A query that reads one file, its bound parameters and the options it resolved."""

    sql: str
    params: list[Any]
    options: dict[str, Any] = field(default_factory=dict)
    file_names: list[str] | None = None  # the names as the file writes them, when the read renamed some


def plan(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    fmt: str,
    options: ReadOptions,
    workdir: Path,
    *,
    cancel: CancelToken | None = None,
) -> ReadPlan:
    """The query that reads ``path`` in format ``fmt`` with ``options``.

    ``workdir`` is a private folder for intermediate files (JSON is converted there first);
    ``cancel`` stops the JSON conversion, the one step that reads a whole file before the import.
    """
    for name, dtype in options.types.items():
        if not _TYPE_PATTERN.match(dtype):
            raise DataImportError(f"{path}: '{dtype}' (for column {name!r}) is not a type name, e.g. DOUBLE.")
    if fmt == "csv":
        return _plan_csv(con, path, options)
    if fmt == "parquet":
        base = ReadPlan("SELECT * FROM read_parquet(?)", [str(path)], file_names=_parquet_names(con, path))
    elif fmt == "json":
        base = _plan_json(path, workdir, cancel)
    else:
        base = _plan_xlsx(con, path, options)
    return _with_types(base, options)


def _parquet_names(con: duckdb.DuckDBPyConnection, path: Path) -> list[str] | None:
    """The top-level column names as the file writes them (DuckDB renames repeats to ``name_1``).

    None when the schema cannot be read here; the read itself then reports the problem.
    """
    try:
        rows = con.execute("SELECT name, num_children FROM parquet_schema(?)", [str(path)]).fetchall()
    except duckdb.Error:
        return None
    names, index = [], 1
    for _ in range(int(rows[0][1] or 0) if rows else 0):
        if index >= len(rows):
            return None
        names.append(str(rows[index][0]))
        pending = int(rows[index][1] or 0)
        index += 1
        while pending:  # skip the column's nested fields, depth first
            if index >= len(rows):
                return None
            pending += int(rows[index][1] or 0) - 1
            index += 1
    return names


def _plan_json(path: Path, workdir: Path, cancel: CancelToken | None) -> ReadPlan:
    """JSON is read by a sandboxed child into Parquet (see json_sandbox), then read from there."""
    converted = workdir / f"{len(list(workdir.iterdir()))}.parquet"
    failure = json_sandbox.convert(path, converted, cancel=cancel)
    if failure is not None:
        raise translate(path, "json", failure)
    return ReadPlan("SELECT * FROM read_parquet(?)", [str(converted)])


def _plan_csv(con: duckdb.DuckDBPyConnection, path: Path, options: ReadOptions) -> ReadPlan:
    dialect = csv_dialect.sniff(path, options)
    names = unique_names(dialect.names)  # DuckDB refuses names that repeat, even by case alone
    types, sniffed_date = _sniffed_csv_types(con, path, dialect, _null_strings(options))
    unknown = sorted(set(options.types) - set(dialect.names) - set(names))
    if unknown:
        raise DataImportError(
            f"{path} has no column(s) {', '.join(map(repr, unknown))} to set a type for. "
            f"Its columns are: {', '.join(map(repr, dialect.names))}."
        )
    columns = {
        name: options.types.get(name, options.types.get(file_name, dtype))
        for name, file_name, dtype in zip(names, dialect.names, types, strict=True)
    }
    sql = (
        "SELECT * FROM read_csv(?, delim=?, quote='\"', escape='\"', header=?, encoding=?, "
        "strict_mode=true, auto_detect=false, columns=?, nullstr=?)"
    )
    resolved = {
        "delimiter": dialect.delimiter,
        "header": dialect.header,
        "encoding": dialect.encoding,
        "types": columns,
    }
    if dialect.blank_names:
        resolved["blank_header"] = [dict(item) for item in dialect.blank_names]
    if options.na:
        resolved["na"] = list(options.na)
    params = [str(path), dialect.delimiter, dialect.header, dialect.encoding, columns, _null_strings(options)]
    dated = [name for name, dtype in columns.items() if dtype.upper() == "DATE"]
    as_text = [*params[:4], dict.fromkeys(columns, "VARCHAR"), params[5]]
    fmt = dates.date_format(con, path, sql, as_text, sniffed=sniffed_date, date_columns=dated,
                            given=options.date_format)  # fmt: skip
    if fmt:
        sql, resolved["date_format"] = sql.replace("nullstr=?)", "nullstr=?, dateformat=?)"), fmt
        params.append(fmt)
    return ReadPlan(sql, params, resolved, list(dialect.names))


def _null_strings(options: ReadOptions) -> list[str]:
    """The texts a CSV reads as missing: the empty field, and every ``--na`` marker."""
    return ["", *(marker for marker in options.na if marker != "")]


def _sniffed_csv_types(
    con: duckdb.DuckDBPyConnection, path: Path, dialect: csv_dialect.CsvDialect, null_strings: list[str]
) -> tuple[list[str], str | None]:
    try:
        row = con.execute(
            "SELECT Columns, DateFormat FROM sniff_csv(?, delim=?, quote='\"', escape='\"', header=?, "
            "encoding=?, nullstr=?)",
            [str(path), dialect.delimiter, dialect.header, dialect.encoding, null_strings],
        ).fetchone()
    except duckdb.Error as error:
        raise translate(path, "csv", error) from None
    types = [str(column["type"]) for column in row[0]] if row else []
    if len(types) != len(dialect.names):
        raise DataImportError(
            f"{path}: found {len(dialect.names)} columns in the header but DuckDB reads {len(types)}. "
            "Pass --delimiter explicitly."
        )
    return types, (str(row[1]) if row and row[1] else None)


def _plan_xlsx(con: duckdb.DuckDBPyConnection, path: Path, options: ReadOptions) -> ReadPlan:
    sheets = xlsx_sheets(path)
    if not sheets:
        raise DataImportError(f"{path} has no worksheets: there is nothing to import.")
    sheet = options.sheet or sheets[0]
    if sheet not in sheets:
        raise DataImportError(
            f"{path} has no sheet {sheet!r}. Its sheets are: {', '.join(map(repr, sheets))}."
        )
    load_extension(con, "excel")
    header = True if options.header is None else options.header
    resolved = {"sheet": sheet, "header": header}
    names = _xlsx_header(con, path, sheet) if header else None
    return ReadPlan(
        "SELECT * FROM read_xlsx(?, sheet=?, header=?)", [str(path), sheet, header], resolved, names
    )


def _xlsx_header(con: duckdb.DuckDBPyConnection, path: Path, sheet: str) -> list[str] | None:
    """The header row as written (DuckDB renames repeats to ``name_1``); None when unreadable here."""
    try:
        row = con.execute(
            "SELECT * FROM read_xlsx(?, sheet=?, header=false, all_varchar=true) LIMIT 1", [str(path), sheet]
        ).fetchone()
    except duckdb.Error:
        return None
    return None if row is None or any(cell is None for cell in row) else [str(cell) for cell in row]


def xlsx_sheets(path: Path) -> list[str]:
    """Worksheet names of an XLSX file in workbook order."""
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("xl/workbook.xml")
            if info.file_size > _WORKBOOK_LIMIT:
                raise DataImportError(
                    f"{path}: its workbook index is implausibly large; the file may be hostile."
                )
            root = ElementTree.fromstring(archive.read(info))
    except (
        zipfile.BadZipFile,
        KeyError,
        ElementTree.ParseError,
        OSError,
        zlib.error,
        EOFError,
        NotImplementedError,
    ):
        raise DataImportError(
            f"{path} is not a valid XLSX workbook (corrupt, truncated or another format). "
            "Open it in a spreadsheet program and save it again as .xlsx."
        ) from None
    return [sheet.get("name", "") for sheet in root.iter(f"{_SHEET_NS}sheet")]


def _with_types(base: ReadPlan, options: ReadOptions) -> ReadPlan:
    if not options.types:
        return base
    casts = ", ".join(
        f"CAST({ident(name)} AS {dtype}) AS {ident(name)}" for name, dtype in options.types.items()
    )
    merged = {**base.options, "types": dict(options.types)}
    return ReadPlan(f"SELECT * REPLACE ({casts}) FROM ({base.sql})", base.params, merged)


_CSV_PROBLEMS = (
    ("Expected Number of Columns", "the row has a different number of fields than the header (ragged row)."),
    ("unterminated quote", "a quoted value is never closed (the file may be truncated)."),
    (
        "Maximum line size",
        "the line is longer than DuckDB's 2 MB limit; a quote or a line break may be missing.",
    ),
    ("Invalid unicode", "the text is not valid UTF-8. Pass the file's encoding (e.g. --encoding latin-1)."),
)


def translate(path: Path, fmt: str, error: duckdb.Error | str) -> DataImportError:
    """A user-facing message for a DuckDB error (or its text) raised while reading ``path``."""
    text = str(error)
    line_match = _LINE.search(text)
    where = f"{path}, line {line_match.group(1)}" if line_match else str(path)
    problem = next((message for marker, message in _CSV_PROBLEMS if marker in text), None)
    if problem is not None:
        return DataImportError(f"{where}: {problem}")
    if "Error when sniffing" in text:
        return DataImportError(
            f"{path}: the CSV dialect could not be detected. Pass --delimiter and --header/--no-header."
        )
    column, value = _COLUMN.search(text), _VALUE.search(text)
    if column and value:
        name = column.group(1).replace('""', '"')
        return DataImportError(
            f"{where}, column {name!r}: {value.group(1)!r} is not a {value.group(2)}, though the column's "
            f"first rows are. Fix the row, or import the column as text with --types '{name}=VARCHAR'."
        )
    return _translate_format_error(path, where, fmt, text)


def _translate_format_error(path: Path, where: str, fmt: str, text: str) -> DataImportError:
    if fmt == "parquet" and ("magic bytes" in text or "too small" in text or "Parquet" in text):
        return DataImportError(f"{path} is not a valid Parquet file (empty, truncated or corrupt).")
    if fmt == "json" and "expected records" in text:
        return DataImportError(
            f"{path} does not hold JSON records: expected an array of objects or one object per line."
        )
    if fmt == "json" and "Malformed JSON" in text:
        position = _JSON_POSITION.search(text)
        where = f", {position.group(1)}" if position else ""
        return DataImportError(f"{path}{where}: malformed JSON. Check the file is complete and valid JSON.")
    first_line = text.strip().splitlines()[0] if text.strip() else type(text).__name__
    return DataImportError(f"{where} could not be read as {fmt.upper()}: {first_line}")
