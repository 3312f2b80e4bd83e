"""write_document: atomic writes, progress, cancel and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.report_documents import sample_document
from tradeoff_studio.core.errors import CancelledError, StudioError
from tradeoff_studio.core.reports.blocks import Document, DocumentInfo, Paragraph
from tradeoff_studio.render.pdf import write_document

SMALL = sample_document(sections=2, table_rows=30)


def test_progress_rises_to_one_and_the_page_count_is_returned(tmp_path: Path) -> None:
    seen: list[float] = []
    pages = write_document(SMALL, tmp_path / "r.pdf", progress=seen.append)
    assert pages == len(seen) - 1 >= 4  # the layout, then each page
    assert seen == sorted(seen) and seen[-1] == pytest.approx(1.0)
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.pdf"]  # no temporary file left


def test_cancel_leaves_nothing_and_keeps_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "r.pdf"
    target.write_bytes(b"previous report")
    calls = iter(range(100))
    with pytest.raises(CancelledError, match="not written"):
        write_document(SMALL, target, cancel=lambda: next(calls) >= 3)
    assert target.read_bytes() == b"previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.pdf"]


def test_cancel_before_anything_writes_no_file(tmp_path: Path) -> None:
    with pytest.raises(CancelledError):
        write_document(SMALL, tmp_path / "r.pdf", cancel=lambda: True)
    assert list(tmp_path.iterdir()) == []


def test_a_folder_in_the_way_is_a_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "r.pdf").mkdir()
    with pytest.raises(StudioError, match=r"Cannot write the report .*r\.pdf"):
        write_document(SMALL, tmp_path / "r.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.pdf"] and (tmp_path / "r.pdf").is_dir()


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "no such folder" / "r.pdf"
    with pytest.raises(StudioError, match=r"no such folder.*folder does not exist"):
        write_document(SMALL, target)
    assert not target.parent.exists()


def test_a_document_with_no_headings_has_no_contents_page(tmp_path: Path) -> None:
    info = DocumentInfo(title="t", author="a", subject="s", fingerprint="ts:00000000", manifest_json="{}")
    document = Document(info=info, cover=(), body=(Paragraph("only text"),))
    assert write_document(document, tmp_path / "r.pdf") == 2  # an empty cover page, then the body


def test_works_without_a_display_or_a_qt_platform_set(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parents[1]), env.get("PYTHONPATH", "")])
    script = (
        "import sys; from pathlib import Path\n"
        "from support.report_documents import sample_document\n"
        "from tradeoff_studio.render.pdf import write_document\n"
        "print(write_document(sample_document(sections=1, table_rows=10), Path(sys.argv[1])))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "r.pdf")], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) >= 3 and (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")
