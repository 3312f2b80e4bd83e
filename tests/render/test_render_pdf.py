"""The PDF of a hand-built 20+ page document, read back with poppler."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from support.pdf_tools import fonts, images, info, page_texts, render_pages
from support.report_documents import HOSTILE, LONG_HASH, MANIFEST, sample_document
from tradeoff_studio import __version__
from tradeoff_studio.render.pdf import MANIFEST_NAMESPACE, write_document

HEADER = "Credit model: accuracy against fairness"
SUBJECT = "ATRAF trade-off report (ATRAM, iteration 1)"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, list[str]]:
    """The sample document written once: its path, the returned page count and its page texts."""
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    pages = write_document(sample_document(), path)
    return path, pages, page_texts(path)


def test_page_count_and_metadata(report: tuple[Path, int, list[str]]) -> None:
    path, pages, texts = report
    fields = info(path)
    assert pages >= 20
    assert int(fields["Pages"]) == pages == len(texts)
    assert fields["Title"] == HEADER
    assert fields["Author"] == "A. Analyst"
    assert fields["Creator"] == f"Tradeoff Studio {__version__}"
    assert "(A4)" in fields["Page size"]


def test_every_page_has_page_x_of_y_and_the_fingerprint(report: tuple[Path, int, list[str]]) -> None:
    _, pages, texts = report
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {pages}" in text
        assert "ts:3f9a1c2e" in text
    assert all(HEADER in text for text in texts[1:])  # header on every page but the cover


def test_contents_page_numbers_are_the_pages_where_headings_are(report: tuple[Path, int, list[str]]) -> None:
    path, _, texts = report
    contents = page_texts(path, layout=True)[1]
    assert "Contents" in contents
    entries = re.findall(r"^\s*(Section [\d.]+:? [a-z ]+?|Executive summary)\s+(\d+)\s*$", contents, re.M)
    assert len(entries) == 21, contents
    for title, page in entries:
        pattern = re.compile(rf"^{re.escape(title)}$", re.M)
        found = [number for number, text in enumerate(texts[2:], start=3) if pattern.search(text)]
        assert found == [int(page)], (title, page, found)


def test_level_one_headings_start_pages(report: tuple[Path, int, list[str]]) -> None:
    _, _, texts = report
    for number in range(1, 11):
        heading = f"Section {number}: analysis details"
        page = next(text for text in texts[2:] if heading in text)
        lines = [line for line in page.splitlines() if line.strip() and line not in (HEADER, SUBJECT)]
        assert lines[0].startswith(heading), lines[:3]


def test_text_is_escaped_unicode_survives_and_long_words_wrap(report: tuple[Path, int, list[str]]) -> None:
    _, _, texts = report
    everything = "\n".join(texts)
    assert HOSTILE in everything  # printed as text
    for sign in ("≤", "≥", "Δ", "—", "€"):
        assert sign in everything
    squeezed = re.sub(r"\s+", "", everything)
    assert LONG_HASH in squeezed  # wrapped, not clipped: every character is on the page
    assert "Verdict: adopt threshold 0.47" in texts[0]


def test_table_header_repeats_on_every_page_the_table_spans(report: tuple[Path, int, list[str]]) -> None:
    _, _, texts = report
    table_pages = [text for text in texts if re.search(r"cand-\d{3}", text)]
    assert len(table_pages) >= 4
    for text in table_pages:
        assert "dp_ratio [95 % CI]" in text and "threshold" in text


def test_no_raster_images_and_the_shipped_font_is_embedded(report: tuple[Path, int, list[str]]) -> None:
    path, _, _ = report
    assert images(path) == []
    rows = fonts(path)
    assert rows and all(row["emb"] == "yes" for row in rows)
    assert {row["name"].split("+")[-1] for row in rows} <= {"DejaVuSans", "DejaVuSans-Bold"}


def test_every_page_renders(report: tuple[Path, int, list[str]], tmp_path: Path) -> None:
    path, pages, _ = report
    rendered = render_pages(path, tmp_path)
    assert len(rendered) == pages
    assert all(png.stat().st_size > 0 for png in rendered)


def test_the_manifest_is_in_an_uncompressed_xmp_packet(report: tuple[Path, int, list[str]]) -> None:
    path, _, _ = report
    raw = path.read_bytes()
    start = raw.index(b"<x:xmpmeta")
    end = raw.index(b"</x:xmpmeta>") + len(b"</x:xmpmeta>")
    packet = ET.fromstring(raw[start:end].decode("utf-8"))
    manifest = packet.find(f".//{{{MANIFEST_NAMESPACE}}}manifest")
    assert manifest is not None and manifest.text == MANIFEST
    fingerprint = packet.find(f".//{{{MANIFEST_NAMESPACE}}}fingerprint")
    assert fingerprint is not None and fingerprint.text == "ts:3f9a1c2e"
    subject = packet.find(".//{http://purl.org/dc/elements/1.1/}description")
    assert subject is not None and "ATRAF trade-off report" in "".join(subject.itertext())


def test_no_text_is_printed_twice_or_hidden_under_a_clip(report: tuple[Path, int, list[str]]) -> None:
    _, _, texts = report
    everything = "\n".join(texts)
    for row in (0, 39, 40, 119):  # ten tables hold rows 0–39, the first one also 40–119
        assert len(re.findall(rf"^cand-{row:03d}$", everything, re.M)) == (10 if row < 40 else 1)
    for number in range(1, 11):
        assert len(re.findall(rf"^Section {number} marker text", everything, re.M)) == 1
