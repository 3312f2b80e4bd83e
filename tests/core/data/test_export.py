"""Issue 15 (observation 8) and issue 10 (exact types on export): ``export`` of a table.

CSV and XLSX neutralise text that a spreadsheet would run as a formula (unless ``raw``), DECIMAL
stays exact, BLOB is hex text outside Parquet, the file appears whole or not at all, and every
export is audited; a refused export writes nothing and changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tradeoff_studio.core import workflows
from tradeoff_studio.core.audit import entries
from tradeoff_studio.core.export import ExportError, write_query
from tradeoff_studio.core.extensions import load_extension
from tradeoff_studio.core.project import Project

HOSTILE = ['=HYPERLINK("http://evil","x")', "+1+2", "-2", "@SUM(A1)", "\tTAB", "\rCR", "plain", "a=b"]


@pytest.fixture
def loans(project: Project) -> Project:
    """Table ``loans``: hostile text, a hostile header, exact decimals, bytes, negative numbers."""
    project.con.execute(
        'CREATE TABLE loans (id INTEGER, note VARCHAR, "=total" INTEGER, amount DECIMAL(38, 10), '
        "payload BLOB, delta DOUBLE)"
    )
    for index, note in enumerate(HOSTILE):
        project.con.execute(
            "INSERT INTO loans VALUES (?, ?, ?, ?::DECIMAL(38, 10), ?, ?)",
            [index, note, index, f"1234567890123456789012345678.{index:010d}", bytes([0xAA, index]), -0.5],
        )
    return project


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_neutralises_formulas_keeps_decimals_and_hexes_blobs(loans: Project, tmp_path: Path) -> None:
    target = tmp_path / "loans.csv"
    record = workflows.export_table(loans, "loans", target)
    rows = read_csv(target)
    assert list(rows[0]) == ["id", "note", "'=total", "amount", "payload", "delta"]
    notes = [row["note"] for row in rows]
    assert notes == ["'" + text if text[0] in "=+-@\t\r" else text for text in HOSTILE]
    assert rows[1]["amount"] == "1234567890123456789012345678.0000000001"  # exact, not a float
    assert rows[1]["payload"] == "AA01" and rows[0]["delta"] == "-0.5"  # numbers are not text
    assert record.neutralised_cells == 6 + 1 and record.hex_columns == ["payload"]
    assert any("hexadecimal" in note and "'payload'" in note for note in record.notes())
    assert record.sha256 == hashlib.sha256(target.read_bytes()).hexdigest()
    entry = entries(loans.con)[-1]
    assert (entry.action, entry.subject, entry.output_sha256) == ("export", "loans", record.sha256)
    assert entry.details["rows"] == len(HOSTILE) and entry.details["raw"] is False


def test_raw_csv_keeps_text_as_stored(loans: Project, tmp_path: Path) -> None:
    record = workflows.export_table(loans, "loans", tmp_path / "raw.csv", raw=True)
    rows = read_csv(tmp_path / "raw.csv")
    assert [row["note"] for row in rows] == HOSTILE and "=total" in rows[0]
    assert record.neutralised_cells == 0 and record.raw


def test_parquet_keeps_decimal_and_bytes_exactly(loans: Project, tmp_path: Path) -> None:
    target = tmp_path / "loans.parquet"
    workflows.export_table(loans, "loans", target)
    con = duckdb.connect()
    types = dict(
        con.execute(f"DESCRIBE SELECT * FROM read_parquet('{target}')").fetchall()[i][:2] for i in range(6)
    )
    assert types["amount"] == "DECIMAL(38,10)" and types["payload"] == "BLOB"
    amount, payload, note = con.execute(
        f"SELECT amount, payload, note FROM read_parquet('{target}') WHERE id = 3"
    ).fetchone()
    assert amount == Decimal("1234567890123456789012345678.0000000003") and payload == b"\xaa\x03"
    assert note == HOSTILE[3]  # Parquet is not a spreadsheet: text as stored


def test_xlsx_neutralises_and_hexes(loans: Project, tmp_path: Path) -> None:
    target = tmp_path / "loans.xlsx"
    record = workflows.export_table(loans, "loans", target)
    con = duckdb.connect()
    load_extension(con, "excel")
    rows = con.execute(f"SELECT * FROM read_xlsx('{target}', all_varchar=true)").fetchall()
    header = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM read_xlsx('{target}')").fetchall()]
    assert header[2] == "'=total"
    assert rows[0][1].startswith("'=HYPERLINK") and rows[6][1] == "plain" and rows[2][4] == "AA02"
    assert record.format == "xlsx" and record.hex_columns == ["payload"]


REFUSED = {
    "unknown_table": ("nope", "loans.csv", "no table 'nope'. Its tables: loans"),
    "bad_suffix": ("loans", "loans.txt", "ending in .csv, .parquet, .xlsx"),
    "missing_folder": ("loans", "missing/loans.csv", "does not exist"),
    "folder": ("loans", "folder.csv", "is a folder"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_exports_write_nothing(
    case: str, loans: Project, tmp_path: Path, state: Callable[[Project], object]
) -> None:
    table, name, pattern = REFUSED[case]
    (tmp_path / "folder.csv").mkdir()
    before, files = state(loans), sorted(tmp_path.rglob("*"))
    with pytest.raises(ExportError, match=pattern.replace(".", r"\.")):
        workflows.export_table(loans, table, tmp_path / name)
    assert state(loans) == before and sorted(tmp_path.rglob("*")) == files


def test_failure_mid_write_leaves_the_old_file_and_no_scratch(
    loans: Project, tmp_path: Path, state: Callable[[Project], object]
) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old contents\n")
    loans.con.execute(
        "CREATE TEMP VIEW failing AS SELECT CASE WHEN i < 150000 THEN i::VARCHAR "
        "ELSE error('disk on fire') END AS x FROM range(200000) r(i)"
    )
    before = state(loans)
    with pytest.raises(ExportError, match=r"Could not write .*out\.csv as CSV: .*disk on fire"):
        write_query(loans, "failing", target, subject="failing", raw=True)
    assert target.read_text() == "old contents\n"
    assert not [path for path in tmp_path.iterdir() if ".tmp-" in path.name]
    assert state(loans) == before


def test_candidates_export_to_parquet_and_xlsx_uses_the_same_writer(project: Project, tmp_path: Path) -> None:
    from tradeoff_studio.core.analyses.candidates import Objective
    from tradeoff_studio.core.analyses.generic import GenericSpec

    project.con.execute(
        "CREATE TABLE runs AS SELECT * FROM (VALUES ('=cmd()', 0.9, 0.2), ('safe', 0.8, 0.1)) "
        "v(model, acc, cost)"
    )
    spec = GenericSpec("runs", [Objective("acc", "max"), Objective("cost", "min")], "model")
    workflows.analyze_generic(project, spec, name="a")
    export = workflows.export_candidates(project, "a", tmp_path / "a.xlsx")
    assert export.rows == 2 and any("prefixed with '" in note for note in export.notes)
    con = duckdb.connect()
    load_extension(con, "excel")
    cells = [
        row[0]
        for row in con.execute(
            f"SELECT * FROM read_xlsx('{tmp_path / 'a.xlsx'}', all_varchar=true)"
        ).fetchall()
    ]
    assert "'=cmd()" in cells
    workflows.export_candidates(project, "a", tmp_path / "a.parquet")
    ids = (
        duckdb.connect()
        .execute(f"SELECT candidate_id FROM read_parquet('{tmp_path / 'a.parquet'}')")
        .fetchall()
    )
    assert sorted(ids) == [("=cmd()",), ("safe",)]
    assert [e.details["format"] for e in entries(project.con) if e.action == "export"] == ["xlsx", "parquet"]
