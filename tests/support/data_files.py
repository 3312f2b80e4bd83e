"""Small data files of every supported format, written for the import tests.

A support module rather than conftest helpers: ``from conftest import`` resolves to whichever
conftest was imported last, so it broke when another folder's tests were collected first.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import duckdb

from tradeoff_studio.core.extensions import load_extension
from tradeoff_studio.core.sql import literal


def write_xlsx(path: Path, select_sql: str) -> Path:
    """Write the result of ``select_sql`` as an XLSX workbook with DuckDB's excel extension."""
    con = duckdb.connect()
    load_extension(con, "excel")
    con.execute(f"COPY ({select_sql}) TO {literal(str(path))} (FORMAT xlsx, HEADER true)")
    con.close()
    return path


def write_parquet(path: Path, select_sql: str) -> Path:
    """Write the result of ``select_sql`` as Parquet."""
    con = duckdb.connect()
    con.execute(f"COPY ({select_sql}) TO {literal(str(path))} (FORMAT parquet)")
    con.close()
    return path


def write_sheetless_xlsx(path: Path) -> Path:
    """A well-formed XLSX container whose workbook lists no worksheets."""
    workbook = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", workbook)
    return path


def numbered_csv(rows: int, *, bad_line: int | None = None, bad_row: str = "") -> str:
    """A 3-column numeric CSV; line ``bad_line`` (1 = header) is replaced by ``bad_row``."""
    lines = ["a,b,c", *(f"{i},{i * 2},{i * 3}" for i in range(rows))]
    if bad_line is not None:
        lines[bad_line - 1] = bad_row
    return "\n".join(lines) + "\n"
