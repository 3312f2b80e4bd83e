"""DocumentLayout: the pagination the PDF and the app's preview share."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PySide6.QtCore import QSizeF
from PySide6.QtGui import QColor, QImage, QPainter

from support.report_documents import front_figure, sample_document
from tradeoff_studio.core.reports.blocks import (
    Document,
    DocumentInfo,
    Heading,
    KeyValues,
    PageBreak,
    Paragraph,
)
from tradeoff_studio.render.layout import A4_AT_96_DPI, DocumentLayout
from tradeoff_studio.render.theme import ensure_gui_application

INFO = DocumentInfo(title="t", author="a", subject="s", fingerprint="ts:00000000", manifest_json="{}")


@pytest.fixture(autouse=True)
def _app() -> None:
    ensure_gui_application()


def test_pages_paint_onto_an_image_for_the_preview() -> None:
    layout = DocumentLayout(sample_document(sections=2, table_rows=30))
    size = layout.page_size.toSize()
    for index in range(layout.page_count):
        image = QImage(size, QImage.Format.Format_ARGB32)
        image.fill(QColor("black"))
        painter = QPainter(image)
        layout.paint_page(index, painter)
        painter.end()
        assert image.pixelColor(5, 5) == QColor("white")  # the page background is painted
        assert image.pixelColor(size.width() // 2, size.height() - 40) != QColor("black")
    with pytest.raises(IndexError):
        layout.paint_page(layout.page_count, QPainter())


def test_contents_entries_point_at_the_pages_of_their_headings() -> None:
    layout = DocumentLayout(sample_document(sections=3, table_rows=30))
    offset = layout.cover.page_count + (layout.contents.page_count if layout.contents else 0)
    body = {text: page for _, text, page in layout.body.headings()}
    assert [e[1] for e in layout.toc_entries][:3] == [
        "Executive summary",
        "Section 1: analysis details",
        "Section 1.1 evidence",
    ]
    for _, text, page in layout.toc_entries:
        assert page == offset + body[text] + 1


def test_figures_are_never_split_across_pages() -> None:
    filler = tuple(Paragraph(f"line {i}") for i in range(25))
    body = (Heading("A"), *filler, front_figure(), *filler, front_figure(), Paragraph("end"))
    layout = DocumentLayout(Document(info=INFO, cover=(Heading("Cover"),), body=body))
    flow = layout.body
    assert len(flow.figures) == 2
    for placed in flow.figures:
        first = int(placed.top // flow.page_height)
        last = int((placed.top + placed.height - 1) // flow.page_height)
        assert first == last


def test_a_smaller_page_gives_more_pages() -> None:
    document = sample_document(sections=2, table_rows=30)
    a4 = DocumentLayout(document, A4_AT_96_DPI).page_count
    a5 = DocumentLayout(
        document, QSizeF(A4_AT_96_DPI.width() / 1.41, A4_AT_96_DPI.height() / 1.41)
    ).page_count
    assert a5 > a4


def test_render_imports_no_widgets_pyqtgraph_ui_or_cli() -> None:
    script = (
        "import sys, tradeoff_studio.render.pdf, tradeoff_studio.render.layout\n"
        "import tradeoff_studio.render.figures\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6.QtWidgets', 'pyqtgraph',"
        " 'tradeoff_studio.ui', 'tradeoff_studio.cli'))]\n"
        "print(bad)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def _line_tops(flow) -> list[float]:
    """The document y of every laid-out line of text (table cells included)."""
    layout = flow.doc.documentLayout()
    tops, block = [], flow.doc.begin()
    while block.isValid():
        rect = layout.blockBoundingRect(block)
        lines = block.layout()
        tops += [rect.top() + lines.lineAt(i).y() for i in range(lines.lineCount()) if block.text().strip()]
        block = block.next()
    return tops


def test_no_text_runs_under_a_figure_in_a_long_document() -> None:
    document = sample_document(sections=12, table_rows=90)
    extra = tuple(b for section in range(6) for b in (Heading(f"Figures {section}", level=2), front_figure()))
    layout = DocumentLayout(Document(info=INFO, cover=(), body=document.body + extra + document.body[:3]))
    flow = layout.body
    assert len(flow.figures) == 2 + 6
    tops = _line_tops(flow)
    assert len(tops) > 1000
    for placed in flow.figures:
        inside = [top for top in tops if placed.top - 0.5 < top < placed.top + placed.height - 0.5]
        assert inside == [], (placed.top, inside[:5])


@pytest.mark.parametrize(
    ("body", "pages"),
    [
        ((Paragraph("a"), PageBreak(), Paragraph("b")), 2),
        ((Paragraph("a"), PageBreak(), Heading("H"), Paragraph("b")), 2),
        ((Paragraph("a"), PageBreak(), PageBreak(), Paragraph("b")), 2),
        ((Paragraph("a"), PageBreak()), 1),
        ((Heading("A"), Paragraph("a"), Heading("B"), Heading("C", level=2)), 2),
    ],
)
def test_page_breaks_never_leave_a_blank_page(body: tuple, pages: int) -> None:
    assert DocumentLayout(Document(info=INFO, cover=(), body=body)).body.page_count == pages


def test_cards_are_not_split_across_pages() -> None:
    card = KeyValues(
        rows=tuple((f"label {i}", f"value {i} " * 6) for i in range(9)), title="Decision card", tone="good"
    )
    cover = (Heading("Title"), *(card for _ in range(5)))
    flow = DocumentLayout(Document(info=INFO, cover=cover, body=(Paragraph("body"),))).cover
    frames = flow.doc.rootFrame().childFrames()
    assert len(frames) == 5 and flow.page_count >= 2
    for frame in frames:
        rect = flow.doc.documentLayout().frameBoundingRect(frame)
        assert int(rect.top() // flow.page_height) == int((rect.bottom() - 1) // flow.page_height)
