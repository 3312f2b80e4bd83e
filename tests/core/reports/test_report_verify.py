"""Report digests and verify: a fresh report matches; changed data or decisions are named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from support.demo_copy import demo_copy
from tradeoff_studio.core import analysis_workflows as flows
from tradeoff_studio.core import workflows
from tradeoff_studio.core.decisions.preferences import Constraint, Preferences
from tradeoff_studio.core.project import Project
from tradeoff_studio.core.reports.build import build_report
from tradeoff_studio.core.reports.markdown import report_json, report_markdown
from tradeoff_studio.core.reports.model import ReportError
from tradeoff_studio.core.reports.verify import (
    XMP_NAMESPACE,
    fingerprint,
    manifest,
    manifest_json,
    read_manifest,
    verify,
    verify_file,
)


@pytest.fixture
def demo(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Any:
    """A fresh copy of the demo project per test (the tests change it)."""
    project = workflows.open_project(demo_copy(tmp_path_factory, tmp_path / "demo.tsproj"))
    yield project
    project.close()


def _decision(project: Project, analysis: str) -> Any:
    return next(d for d in workflows.list_decisions(project) if d.analysis == analysis)


def test_a_fresh_report_matches_in_every_export(demo: Project, tmp_path: Path) -> None:
    report = build_report(demo, [d.id for d in workflows.list_decisions(demo)])
    found = manifest(report)
    assert (
        verify(demo, found).matches and fingerprint(found).startswith("ts:") and len(fingerprint(found)) == 11
    )
    (tmp_path / "r.md").write_text(report_markdown(report))
    (tmp_path / "r.json").write_text(report_json(report))
    for name in ("r.md", "r.json"):
        assert read_manifest(tmp_path / name) == found
        result = verify_file(demo, tmp_path / name)
        assert result.matches and result.changes == [] and result.to_dict()["matches"] is True


def test_reimported_data_is_named_with_both_hashes(demo: Project, tmp_path: Path) -> None:
    decision = _decision(demo, "ope-shortlist")
    found = manifest(build_report(demo, [decision.id]))
    changed = tmp_path / "ope_results.csv"
    with duckdb.connect() as con:  # the same table less its last row, as a new file
        frame = demo.con.execute("SELECT * FROM ope_results").df()
        con.register("frame", frame.iloc[:-1])
        con.execute(f"COPY frame TO '{changed}' (HEADER)")
    workflows.import_data(demo, [changed], table="ope_results", replace=True)
    changes = verify(demo, found).changes
    old = found["state"]["data"]["ope_results"]["sha256"]
    assert any(c.startswith(f"table ope_results: SHA-256 changed ({old[:8]}…→") for c in changes), changes
    assert "table ope_results: row count changed (164→163)" in changes
    assert not verify(demo, manifest(build_report(demo, [decision.id]))).changes


def test_a_superseded_or_withdrawn_decision_is_named(demo: Project) -> None:
    fairness, routing = _decision(demo, "credit-fairness"), _decision(demo, "llm-routing")
    found = manifest(build_report(demo, [fairness.id, routing.id]))
    newer = flows.decide(
        demo, "credit-fairness", rationale="Stricter: the four-fifths rule with margin.",
        preferences=Preferences(constraints=(Constraint.parse("dp_ratio>=0.9"),), weights={"accuracy": 1.0}),
        supersedes=fairness.id,
    )  # fmt: skip
    workflows.withdraw_decision(demo, routing.id, "the price list changed")
    changes = verify(demo, found).changes
    assert changes == [
        f"decision {fairness.id}: superseded by {newer.id} (was current when the report was built)",
        f"decision {routing.id}: withdrawn: the price list changed (was current when the report was built)",
    ]


def test_an_edited_json_export_is_named(demo: Project, tmp_path: Path) -> None:
    decision = _decision(demo, "llm-routing")
    exported = json.loads(report_json(build_report(demo, [decision.id])))
    exported["report"]["summary"]["text"] = "All is well."
    (tmp_path / "r.json").write_text(json.dumps(exported))
    (change,) = verify_file(demo, tmp_path / "r.json").changes
    assert change.startswith("report: its content was edited after export")


def _pdf_with_xmp(path: Path, xmp: str) -> None:
    from PySide6.QtGui import QPageSize, QPainter, QPdfWriter

    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setDocumentXmpMetadata(xmp.encode())
    painter = QPainter(writer)
    painter.drawText(100, 100, "A report page")
    painter.end()


def test_the_manifest_is_read_back_from_a_pdfs_xmp(demo: Project, tmp_path: Path) -> None:
    from xml.sax.saxutils import escape

    found = manifest(build_report(demo, [_decision(demo, "credit-model-variants").id]))
    xmp = (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description rdf:about="" xmlns:ts="{XMP_NAMESPACE}">'
        f"<ts:manifest>{escape(manifest_json(found))}</ts:manifest>"
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )
    _pdf_with_xmp(tmp_path / "r.pdf", xmp)
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")
    assert read_manifest(tmp_path / "r.pdf") == found
    assert verify_file(demo, tmp_path / "r.pdf").matches


def test_a_flate_compressed_metadata_stream_is_inflated(tmp_path: Path) -> None:
    import zlib

    found = {"format": "tradeoff-studio-report-manifest", "version": 1, "decisions": ["d1"],
             "report_sha256": "a" * 64, "state_sha256": "b" * 64,
             "state": {"data": {}, "models": {}, "analyses": {}, "decisions": {}}}  # fmt: skip
    packet = f"<x:xmpmeta><ts:manifest>{manifest_json(found).replace('&', '&amp;')}</ts:manifest></x:xmpmeta>"
    stream = zlib.compress(packet.encode())
    pdf = b"%PDF-1.4\n1 0 obj\n<< /Length 3 >>\nstream\nxyz\nendstream\nendobj\n"
    pdf += (
        b"2 0 obj\n<< /Type /Metadata /Filter /FlateDecode >>\nstream\n" + stream + b"\nendstream\nendobj\n"
    )
    (tmp_path / "c.pdf").write_bytes(pdf)
    assert read_manifest(tmp_path / "c.pdf") == found


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"not a report at all", "carries no Tradeoff Studio report manifest"),
        (b"%PDF-1.4\n%%EOF\n", "carries no Tradeoff Studio report manifest"),
        (b'{"manifest": {"format": "other"}}', "not a Tradeoff Studio report manifest"),
        (b"%PDF-1.4 <ts:manifest>{broken</ts:manifest>", "damaged"),
    ],
)
def test_a_file_without_a_manifest_is_refused_by_name(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "garbage.pdf"
    path.write_bytes(content)
    with pytest.raises(ReportError, match=words) as error:
        read_manifest(path)
    assert str(path) in str(error.value)


def test_a_missing_file_or_folder_is_refused(tmp_path: Path) -> None:
    for path in (tmp_path / "missing.pdf", tmp_path):
        with pytest.raises(ReportError, match="not a report file"):
            read_manifest(path)


def test_a_changed_analysis_a_removed_model_and_another_project_are_named(
    demo: Project, tmp_path: Path
) -> None:
    decision = _decision(demo, "credit-model-variants")
    found = manifest(build_report(demo, [decision.id]))
    workflows.remove_model(demo, "credit_mlp")
    spec = json.loads(
        demo.con.execute("SELECT spec FROM _ts.analyses WHERE name = 'credit-model-variants'").fetchone()[0]
    )
    old, spec["sha256"] = spec["sha256"], "0" * 64  # as if the analysis had been run again on other data
    demo.con.execute(
        "UPDATE _ts.analyses SET spec = ? WHERE name = 'credit-model-variants'", [json.dumps(spec)]
    )
    changes = verify(demo, found).changes
    assert changes == [
        "model credit_mlp: no longer in the project",
        f"analysis credit-model-variants re-run: its candidates changed ({old[:8]}…→00000000…)",
    ]
    with workflows.create_project(tmp_path / "other.tsproj") as other:
        changes = verify(other, found).changes
    assert changes[0].startswith(
        f"project: this report was built from project {found['project_id']}, not this one"
    )
    assert "table credit_applications: no longer in the project" in changes
    assert f"decision {decision.id}: no longer in the project" in changes
