"""Markdown (GitHub-flavoured) from the report's blocks, and the report's JSON export.

Every text from data or people is escaped: ``& < >`` become entities (so a column named
``<img src=x>`` prints as text and loads nothing) and the characters Markdown reads as markup
(``\\ ` * _ [ ] |`` and a leading ``# + - > 1.``) are backslash-escaped. Figures become a caption
and a table of their key points (Markdown cannot draw them). The manifest goes last, in a
comment that ``verify-report`` reads back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from ..decisions.card import number
from .blocks import (
    BarFigure,
    Block,
    BulletList,
    Document,
    FrontFigure,
    Heading,
    KeyValues,
    PageBreak,
    Paragraph,
    Table,
)
from .model import Report
from .verify import manifest, markdown_comment

REPORT_FORMAT = "tradeoff-studio-report"
_INLINE = re.compile(r"([\\`*_\[\]|])")
_LINE_START = re.compile(r"^(\s*)([#+\->]|\d+[.)])", re.MULTILINE)


def escape(text: str) -> str:
    """``text`` as literal Markdown text (module docstring)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def _cell(text: str) -> str:
    return escape(" ".join(str(text).split())) or " "


def _table(headers: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _front(figure: FrontFigure) -> list[str]:
    lines = [f"**Figure: {escape(figure.title)}.** {escape(figure.caption)}", ""]
    rows = []
    for name, index in (("chosen", figure.chosen), ("knee", figure.knee)):
        if index is not None:
            rows.append((name, number(figure.points_x[index]), number(figure.points_y[index])))
    rows += [
        (f"constraint ({line.axis})", escape(line.label), number(line.value)) for line in figure.constraints
    ]
    rows.append(("front points", str(len(figure.front)), f"of {len(figure.points_x):,} drawn"))
    return lines + _table(("point", figure.x_label, figure.y_label), tuple(rows))


def _heading(block: Heading) -> list[str]:
    anchor = f' <a id="{escape(block.anchor)}"></a>' if block.anchor else ""
    return ["#" * min(max(block.level, 1), 6) + " " + escape(block.text) + anchor]


def _paragraph(block: Paragraph) -> list[str]:
    return [f"**{escape(block.text)}**" if block.emphasis else escape(block.text)]


def _bullets(block: BulletList) -> list[str]:
    return [f"- {escape(' '.join(item.split()))}" for item in block.items]


def _key_values(block: KeyValues) -> list[str]:
    title = [f"**{escape(block.title)}**", ""] if block.title else []
    return title + _table(("", ""), block.rows)


def _table_block(block: Table) -> list[str]:
    caption = [f"*{escape(block.caption)}*", ""] if block.caption else []
    return caption + _table(block.headers, block.rows)


def _bars(block: BarFigure) -> list[str]:
    rows = tuple((label, number(value)) for label, value in zip(block.labels, block.values, strict=True))
    caption = f"**Figure: {escape(block.title)}.** {escape(block.caption)}"
    return [caption, "", *_table(("", block.value_label), rows)]


_RENDERERS: dict[type, Callable[[Any], list[str]]] = {
    Heading: _heading,
    Paragraph: _paragraph,
    BulletList: _bullets,
    KeyValues: _key_values,
    Table: _table_block,
    FrontFigure: _front,
    BarFigure: _bars,
    PageBreak: lambda block: [],
}


def _block(block: Block) -> list[str]:
    return _RENDERERS[type(block)](block)


def document_markdown(document: Document) -> str:
    """The Markdown text of ``document``: cover, contents, body, and the manifest comment."""
    lines: list[str] = []
    for block in document.cover:
        lines += [*_block(block), ""]
    contents = [b for b in document.body if isinstance(b, Heading) and b.level == 1]
    lines += ["## Contents", ""]
    lines += [f"{i}. [{escape(h.text)}](#{escape(h.anchor)})" for i, h in enumerate(contents, start=1)]
    lines.append("")
    for block in document.body:
        lines += [*_block(block), ""]
    lines.append(f"*Report fingerprint {escape(document.info.fingerprint)}*")
    lines.append("")
    lines.append(markdown_comment(json.loads(document.info.manifest_json)))
    return "\n".join(lines) + "\n"


def report_markdown(report: Report) -> str:
    """The report in Markdown (through its blocks, so it says what the PDF says)."""
    from .document import report_document

    return document_markdown(report_document(report))


def report_json(report: Report) -> str:
    """The JSON export: the format name, the manifest and the report model."""
    document = {"format": REPORT_FORMAT, "manifest": manifest(report), "report": report.to_dict()}
    return json.dumps(document, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
