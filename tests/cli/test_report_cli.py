"""``report`` and ``verify-report`` from the real command line, on the demo decisions (Markdown and JSON)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from support.cli import cli
from support.demo_copy import demo_copy
from tradeoff_studio.core import workflows
from tradeoff_studio.core.decisions.card import number
from tradeoff_studio.core.reports.markdown import escape


@pytest.fixture
def demo(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """A fresh copy of the demo project (the tests change it)."""
    return demo_copy(tmp_path_factory, tmp_path / "demo.tsproj")


def _decisions(project: Path) -> list[dict[str, object]]:
    done = cli("decisions", project, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_every_demo_decision_exports_and_verifies(demo: Path, tmp_path: Path) -> None:
    decisions = _decisions(demo)
    ids = [str(d["id"]) for d in decisions]
    out = tmp_path / "report.md"
    done = cli("report", demo, *(word for i in ids for word in ("--decision", i)), "--out", out)
    assert done.returncode == 0, done.stderr
    assert f"Wrote {out.resolve()} (md) on decision(s) {', '.join(ids)}." in done.stdout
    text = out.read_text()
    for decision in decisions:
        evidence = decision["evidence"]
        candidate = evidence["candidate"]  # type: ignore[index]
        for objective in evidence["objectives"]:  # type: ignore[index]
            metric = objective.rsplit(":", 1)[0]
            assert escape(f"{metric} {number(candidate[metric])}") in text
        assert all(escape(rate["text"]) in text for rate in evidence["tradeoffs"])  # type: ignore[index]
        assert all(escape(risk["text"]) in text for risk in evidence["risks"])  # type: ignore[index]
    with workflows.open_project(demo) as project:
        hashes = [e.input_sha256 or e.output_sha256 for e in workflows.audit_trail(project)
                  if e.action in ("import", "model.add", "analysis")]  # fmt: skip
    assert len(hashes) == 13 and all(sha and sha in text for sha in hashes)
    checked = cli("verify-report", demo, out)
    assert checked.returncode == 0 and "matches the project" in checked.stdout, checked.stderr


def test_json_export_verifies_and_names_reimported_data(demo: Path, tmp_path: Path) -> None:
    ope = next(str(d["id"]) for d in _decisions(demo) if d["analysis"] == "ope-shortlist")
    out = tmp_path / "report.txt"
    done = cli("report", demo, "--decision", ope, "--out", out, "--format", "json", "--json")
    assert done.returncode == 0, done.stderr
    written = json.loads(done.stdout)
    assert written["format"] == "json" and written["decisions"] == [ope]
    assert json.loads(out.read_text())["manifest"]["decisions"] == [ope]
    assert cli("verify-report", demo, out).returncode == 0
    changed = tmp_path / "ope_results.csv"
    with duckdb.connect(str(demo), read_only=True) as con:
        con.execute(f"COPY (SELECT * FROM ope_results LIMIT 100) TO '{changed}' (HEADER)")
    assert cli("import", demo, changed, "--table", "ope_results", "--replace").returncode == 0
    checked = cli("verify-report", demo, out, "--json")
    assert checked.returncode == 1
    result = json.loads(checked.stdout)
    assert result["matches"] is False
    assert any(c.startswith("table ope_results: SHA-256 changed") for c in result["changes"])
    assert "table ope_results: row count changed (164→100)" in result["changes"]


def test_verify_names_a_superseded_decision(demo: Path, tmp_path: Path) -> None:
    old = next(str(d["id"]) for d in _decisions(demo) if d["analysis"] == "credit-model-variants")
    out = tmp_path / "report.md"
    assert cli("report", demo, "--decision", old, "--out", out).returncode == 0
    choice = ("--constraint", "quality>=0.845", "--weights", "latency_p95_ms=1,quality=0")
    decided = cli("decide", demo, "credit-model-variants", *choice, "--rationale", "Quality first.",
                  "--supersedes", old, "--json")  # fmt: skip
    assert decided.returncode == 0, decided.stderr
    new = json.loads(decided.stdout)["id"]
    checked = cli("verify-report", demo, out)
    assert checked.returncode == 1
    assert f"decision {old}: superseded by {new} (was current when the report was built)" in checked.stdout


def test_refusals_write_nothing_and_name_the_cause(demo: Path, tmp_path: Path) -> None:
    audit = cli("audit", demo, "--json").stdout
    done = cli("report", demo, "--decision", "nope", "--out", tmp_path / "r.md")
    assert done.returncode == 1 and "no decision 'nope'" in done.stderr and not (tmp_path / "r.md").exists()
    done = cli("report", demo, "--decision", "nope", "--out", tmp_path / "r.docx")
    assert done.returncode == 1 and "Cannot tell the report format" in done.stderr
    assert cli("audit", demo, "--json").stdout == audit
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"\x00\x01 not a pdf")
    done = cli("verify-report", demo, garbage)
    assert (
        done.returncode == 1
        and str(garbage) in done.stderr
        and "no Tradeoff Studio report manifest" in done.stderr
    )
    assert list(tmp_path.glob(".*")) == []
