"""Blocks to HTML: every string escaped, nothing loaded, numbers aligned right."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument

from tradeoff_studio.core.reports.blocks import BulletList, Heading, KeyValues, Paragraph, Table
from tradeoff_studio.render.html import SafeTextDocument, block_html, column_alignment, esc, looks_numeric
from tradeoff_studio.render.theme import ensure_gui_application, report_theme

HOSTILE = (
    "<img src=x>",
    "<img src='file:///etc/passwd'>",
    "<a href='http://example.com'>link</a>",
    "<style>body{color:red}</style>",
    "&amp; & <b>bold</b> \"quoted\" 'single'",
)


@pytest.fixture(autouse=True)
def _app() -> None:
    ensure_gui_application()


def _document(html: str) -> QTextDocument:
    document = SafeTextDocument()
    document.setHtml(html)
    return document


def _fragments(document: QTextDocument) -> list:
    found = []
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            found.append(iterator.fragment())
            iterator += 1
        block = block.next()
    return found


@pytest.mark.parametrize("text", HOSTILE)
def test_user_text_prints_as_text_in_every_block(text: str) -> None:
    theme = report_theme()
    blocks = [
        Heading(text),
        Paragraph(text, emphasis=True),
        BulletList((text,)),
        KeyValues(rows=((text, text),), title=text),
        Table(headers=(text, "n"), rows=((text, "1"),), caption=text),
    ]
    for block in blocks:
        document = _document(block_html(block, theme))
        assert text in document.toPlainText()
        fragments = _fragments(document)
        assert not any(f.charFormat().isImageFormat() for f in fragments)
        assert not any(f.charFormat().isAnchor() for f in fragments)


def test_esc_escapes_markup_and_keeps_line_breaks() -> None:
    assert esc('<a> & "b"\nc') == "&lt;a&gt; &amp; &quot;b&quot;<br/>c"


def test_the_document_loads_no_resource() -> None:
    document = SafeTextDocument()
    assert (
        document.loadResource(int(QTextDocument.ResourceType.ImageResource), QUrl("file:///etc/passwd"))
        is None
    )
    document.setHtml("<p>x</p>")  # a raw tag here (never from user text) still loads nothing
    assert document.resource(int(QTextDocument.ResourceType.ImageResource), QUrl("x")) is None


@pytest.mark.parametrize(
    ("cell", "numeric"),
    [
        ("0.81", True),
        ("-1.5e-3", True),
        ("−0.25", True),
        ("12,345.6", True),
        ("42 %", True),
        ("0.81 [0.79, 0.83]", True),
        ("cand-001", False),
        ("yes", False),
        ("", False),
        ("3f9a1c2e", False),
    ],
)
def test_numbers_are_recognised(cell: str, numeric: bool) -> None:
    assert looks_numeric(cell) is numeric


def test_numeric_columns_align_right_unless_told() -> None:
    table = Table(
        headers=("name", "value", "mixed", "gaps"), rows=(("a", "1.0", "x", "—"), ("b", "2.5", "2", "3.1"))
    )
    assert column_alignment(table) == ["left", "right", "left", "right"]
    told = Table(headers=("a", "b"), rows=(("1", "2"),), align=("center", "left"))
    assert column_alignment(told) == ["center", "left"]
    short = Table(headers=("a", "b", "c"), rows=(("only one",),))
    assert "only one" in _document(block_html(short, report_theme())).toPlainText()


@settings(max_examples=150)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=60))
def test_any_text_prints_as_itself(text: str) -> None:
    document = _document(block_html(Table(headers=(text,), rows=((text,),)), report_theme()))
    fragments = _fragments(document)
    assert not any(f.charFormat().isImageFormat() or f.charFormat().isAnchor() for f in fragments)
    expected = " ".join(text.split())  # HTML folds runs of white space, as any table cell does
    cells = [" ".join(line.split()) for line in document.toPlainText().split("\n")]
    assert cells.count(expected) >= 2 or (not expected and not "".join(cells).strip())
