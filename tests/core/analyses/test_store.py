"""Stored analyses: round trip, reopening, audit, name clashes, atomicity and exports."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from tradeoff_studio.core import audit
from tradeoff_studio.core.analyses import store
from tradeoff_studio.core.analyses.candidates import AnalysisError, CandidateTable, Objective
from tradeoff_studio.core.errors import NameInUseError, NotFoundError
from tradeoff_studio.core.project import Project, create_project, open_project


def candidates() -> CandidateTable:
    frame = pd.DataFrame(
        {
            "candidate_id": ["a", "b", "c", "d"],
            "model": ["lr", "lr", "gbm", None],
            "threshold": [0.1, 0.2, 0.3, float("nan")],
            "k": [1, 2, 3, 4],
            "acc": [0.8, 0.85, 0.9, 0.7],
            "acc_lo": [0.78, 0.83, 0.88, 0.65],
            "acc_hi": [0.82, 0.87, 0.92, 0.75],
            "cost": [1.0, 2.0, 3.5, 0.5],
        }
    )
    objectives = [Objective("acc", "max"), Objective("cost", "min")]
    notes = {"ci_level": 0.9, "bins": 7, "groups": ["x", "y"]}
    return CandidateTable("generic", frame, ["model", "threshold", "k"], ["acc", "cost"], objectives, notes)


def catalog_counts(project: Project) -> tuple[int, int, int]:
    con = project.con
    tables = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = '_ts'").fetchone()
    analyses = con.execute("SELECT count(*) FROM _ts.analyses").fetchone()
    entries = con.execute("SELECT count(*) FROM _ts.audit").fetchone()
    assert tables and analyses and entries
    return tables[0], analyses[0], entries[0]


def test_round_trip_survives_reopening(tmp_path: Path) -> None:
    table = candidates().with_front()
    with create_project(tmp_path / "p.tsproj") as project:
        record = store.store_analysis(project, "first", table, {"table": "runs"})
        assert (record.kind, record.rows, record.spec["front"]) == ("generic", 4, 4)
    with open_project(tmp_path / "p.tsproj") as project:
        loaded = store.load_analysis(project, "first")
        pd.testing.assert_frame_equal(loaded.frame, table.frame)
        assert (loaded.kind, loaded.knobs, loaded.metrics) == ("generic", table.knobs, table.metrics)
        assert loaded.objectives == table.objectives
        assert loaded.notes == table.notes
        assert project.tables() == []  # candidates live in the catalog schema, not among user tables
        [entry] = [e for e in audit.entries(project.con) if e.action == "analysis"]
        assert entry.subject == "first"
        assert entry.output_sha256 == store.candidates_sha256(table.frame) == record.sha256
        assert entry.details["inputs"] == {"table": "runs"}


def test_front_is_computed_when_missing(project: Project) -> None:
    store.store_analysis(project, "a", candidates(), {})
    loaded = store.load_analysis(project, "a")
    assert {"on_front", "rank", "near_front"} <= set(loaded.frame)
    assert loaded.frame["on_front"].tolist() == [True, True, True, True]


def test_name_in_use_writes_nothing(project: Project) -> None:
    store.store_analysis(project, "a", candidates(), {})
    before = catalog_counts(project)
    with pytest.raises(NameInUseError, match="analysis named 'a' already exists"):
        store.store_analysis(project, "a", candidates(), {})
    assert catalog_counts(project) == before
    assert store.unique_name(project, "a") == "a-2"
    store.store_analysis(project, "a-2", candidates(), {})
    assert store.unique_name(project, "a") == "a-3"
    assert store.unique_name(project, "b") == "b"


def test_failure_inside_the_transaction_leaves_nothing(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = catalog_counts(project)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(OSError, match="disk full"):
        store.store_analysis(project, "a", candidates(), {})
    assert catalog_counts(project) == before


def test_not_found_lists_the_analyses(project: Project) -> None:
    with pytest.raises(NotFoundError, match=r"no analysis 'x'\. Its analyses: \(none yet\)"):
        store.load_analysis(project, "x")
    store.store_analysis(project, "one", candidates(), {})
    store.store_analysis(project, "two", candidates(), {})
    with pytest.raises(NotFoundError, match="Its analyses: one, two"):
        store.get_analysis(project, "x")
    assert [r.name for r in store.list_analyses(project)] == ["one", "two"]
    with pytest.raises(AnalysisError, match="cannot be empty"):
        store.store_analysis(project, " ", candidates(), {})


def test_a_blank_name_is_refused_before_the_analysis_runs(project: Project) -> None:
    from tradeoff_studio.core import analysis_workflows as flows
    from tradeoff_studio.core.analyses.generic import GenericSpec

    reports: list[str] = []
    spec = GenericSpec("missing", [Objective("x", "max")])
    with pytest.raises(AnalysisError, match="cannot be empty"):  # not "no table 'missing'": checked first
        flows.analyze_generic(project, spec, name="  ", progress=lambda _f, message: reports.append(message))
    assert reports == []


def test_encrypted_project_round_trip(tmp_path: Path) -> None:
    with create_project(tmp_path / "secret.tsproj", encrypted=True) as project:
        store.store_analysis(project, "a", candidates(), {})
    with open_project(tmp_path / "secret.tsproj") as project:
        assert store.load_analysis(project, "a").frame["candidate_id"].tolist() == ["a", "b", "c", "d"]


def test_csv_export_neutralises_formulas(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "candidate_id": ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "ok"],
            "=cmd|' /C calc'!A0": ["a"] * 7,
            "value": [-0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    path = tmp_path / "out.csv"
    digest = store.write_candidates(frame, path)
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["candidate_id", "'=cmd|' /C calc'!A0", "value"]
    assert [row[0] for row in rows[1:]] == [
        "'=HYPERLINK(\"http://x\",\"y\")", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "ok",
    ]  # fmt: skip
    assert rows[1][2] == "-0.5"  # numbers stay numbers
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row[:2])
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()


def test_json_export_and_bad_suffix(tmp_path: Path) -> None:
    frame = candidates().frame
    store.write_candidates(frame, tmp_path / "out.json")
    records = json.loads((tmp_path / "out.json").read_text())
    assert records[3]["model"] is None and records[3]["threshold"] is None
    assert records[0]["acc_lo"] == 0.78 and records[0]["k"] == 1
    with pytest.raises(AnalysisError, match=r"use a \.csv or \.json file name"):
        store.write_candidates(frame, tmp_path / "out.xlsx")
    with pytest.raises(AnalysisError, match="Could not write"):
        store.write_candidates(frame, tmp_path / "missing" / "out.csv")


def test_json_export_writes_dates_and_intervals_as_iso_text(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "candidate_id": ["a", "b"],
            "date": pd.to_datetime(["2019-01-02", None]),
            "wait": pd.to_timedelta(["1s", "2min"]),
            "value": [0.5, float("inf")],
        }
    )
    store.write_candidates(frame, tmp_path / "out.json")
    records = json.loads((tmp_path / "out.json").read_text(), parse_constant=lambda name: 1 / 0)
    assert records[0]["date"] == "2019-01-02T00:00:00" and records[1]["date"] is None
    assert records[0]["wait"] == pd.Timedelta("1s").isoformat()
    assert records[1]["value"] == "Infinity"
