"""Text blocks as escaped HTML for QTextDocument, and a document that never loads a resource.

Every string from the blocks goes through :func:`esc`, so a column named ``<img src=x>`` prints as
text; :class:`SafeTextDocument` refuses every resource as a second line of defence. Figures are
not HTML: each becomes a placeholder paragraph (:data:`FIGURE_MARK` + its index) that the layout
turns into a fixed-height line and paints over with the figure painter.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument

from ..core.reports.blocks import (
    BarFigure,
    Block,
    BulletList,
    FrontFigure,
    Heading,
    KeyValues,
    PageBreak,
    Paragraph,
    Table,
)
from .theme import ReportTheme

FIGURE_MARK = "\u2063fig"  # invisible separator: never in user text passed through esc()
_NUMBER = re.compile(r"^[+\-−±]?[\d,]*\.?\d+([eE][+\-−]?\d+)?\s*(%|pp|×|x|s|ms)?$")


class SafeTextDocument(QTextDocument):
    """A QTextDocument that loads nothing: no images, no style sheets, no files, no network."""

    def loadResource(self, kind: int, name: QUrl) -> Any:  # noqa: N802 (Qt override)
        """Refuse every resource (the report's HTML never asks for one)."""
        return None


def esc(text: str) -> str:
    """Escape user text for Qt's HTML (quotes included); newlines become line breaks."""
    return html.escape(str(text), quote=True).replace("\n", "<br/>")


def looks_numeric(cell: str) -> bool:
    """A number, a percentage or a number with an interval ("0.81 [0.79, 0.83]"): aligned right."""
    head = cell.strip().split(" [", 1)[0].split(" (", 1)[0].strip()
    return bool(head) and bool(_NUMBER.match(head))


def column_alignment(table: Table) -> list[str]:
    """The table's alignment per column: as given, else right for numeric columns and left for text."""
    count = len(table.headers)
    if len(table.align) == count:
        return list(table.align)
    aligns = []
    for column in range(count):
        cells = [row[column] for row in table.rows if column < len(row) and row[column].strip()]
        numeric = bool(cells) and all(looks_numeric(cell) for cell in cells)
        aligns.append("right" if numeric else "left")
    return aligns


def style_sheet(theme: ReportTheme, family: str) -> str:
    """The default CSS of report documents (Qt's HTML subset)."""
    return f"""
    body {{ font-family: '{family}'; font-size: 9.5pt; color: {theme.text}; }}
    p {{ margin-top: 0px; margin-bottom: 7px; line-height: 125%; }}
    h1 {{ font-size: 17pt; font-weight: bold; color: {theme.heading}; margin-top: 0px; margin-bottom: 10px; }}
    h2 {{ font-size: 13pt; font-weight: bold; color: {theme.heading}; margin-top: 14px; margin-bottom: 6px; }}
    h3 {{ font-size: 11pt; font-weight: bold; color: {theme.heading}; margin-top: 10px; margin-bottom: 4px; }}
    h4 {{ font-size: 10pt; font-weight: bold; color: {theme.text}; margin-top: 8px; margin-bottom: 3px; }}
    h5 {{ font-size: 8.5pt; font-weight: bold; color: {theme.muted}; margin-top: 8px; margin-bottom: 3px; }}
    ul {{ margin-top: 0px; margin-bottom: 7px; }}
    li {{ margin-bottom: 2px; }}
    th {{ background-color: {theme.table_header}; font-weight: bold; font-size: 8.5pt; }}
    td {{ font-size: 8.5pt; }}
    .stripe {{ background-color: {theme.table_stripe}; }}
    .key {{ color: {theme.muted}; }}
    .card {{ background-color: {theme.card}; }}
    """


def block_html(block: Block, index: int, theme: ReportTheme, *, cover: bool = False) -> str:
    """One block as HTML; ``index`` numbers figure placeholders (the layout maps them back).

    On the cover a level-1 heading is the report's title (large, no page break) and cards are larger.
    """
    if isinstance(block, Heading):
        return _heading_html(block, theme, cover=cover)
    if isinstance(block, KeyValues):
        return key_values_html(block, theme, large=cover)
    if isinstance(block, (FrontFigure, BarFigure)):
        return f"<p>{FIGURE_MARK}{index}</p>"
    return _TEXT_BLOCKS[type(block)](block, theme)


def _heading_html(block: Heading, theme: ReportTheme, *, cover: bool) -> str:
    """A heading: level 1 starts a page (on the cover it is the large title instead)."""
    if cover and block.level <= 1:
        return (
            f"<p style='font-size: 24pt; font-weight: bold; color: {theme.heading}; margin-bottom: 14px'>"
            f"{esc(block.text)}</p>"
        )
    level = min(max(block.level, 1), 4)
    brk = " style='page-break-before: always'" if level == 1 else ""
    return f"<h{level}{brk}>{esc(block.text)}</h{level}>"


def _paragraph_html(block: Paragraph, theme: ReportTheme) -> str:
    text = f"<b>{esc(block.text)}</b>" if block.emphasis else esc(block.text)
    return f"<p style='color: {theme.tone(block.tone)}'>{text}</p>"


def _list_html(block: BulletList, theme: ReportTheme) -> str:
    return "<ul>" + "".join(f"<li>{esc(item)}</li>" for item in block.items) + "</ul>"


def _page_break_html(block: PageBreak, theme: ReportTheme) -> str:
    return "<p style='page-break-after: always'></p>"


def key_values_html(block: KeyValues, theme: ReportTheme, *, large: bool = False) -> str:
    """A labelled card: a title row in the tone's colour, then one row per (label, value)."""
    size = "10.5pt" if large else "9pt"
    parts = ["<table width='100%' cellspacing='0' cellpadding='5' class='card'>"]
    if block.title:
        parts.append(
            f"<tr><td colspan='2' style='color: {theme.tone(block.tone)}; font-size: {size}'>"
            f"<b>{esc(block.title)}</b></td></tr>"
        )
    for label, value in block.rows:
        parts.append(
            f"<tr><td width='32%' class='key' style='font-size: {size}'>{esc(label)}</td>"
            f"<td style='font-size: {size}'>{esc(value)}</td></tr>"
        )
    parts.append("</table><p></p>")
    return "".join(parts)


def table_html(table: Table, theme: ReportTheme) -> str:
    """A data table whose header row (``<thead>``) repeats on every page it spans."""
    aligns = column_alignment(table)
    parts = []
    if table.caption:
        parts.append(f"<h5>{esc(table.caption)}</h5>")
    parts.append(
        f"<table width='100%' cellspacing='0' cellpadding='4' border='1' "
        f"style='border-collapse: collapse; border-color: {theme.rule}; border-style: solid'><thead><tr>"
    )
    parts.extend(
        f"<th align='{align}'>{esc(head)}</th>" for head, align in zip(table.headers, aligns, strict=True)
    )
    parts.append("</tr></thead>")
    for number, row in enumerate(table.rows):
        stripe = " class='stripe'" if number % 2 else ""
        cells = _padded(row, len(table.headers))
        parts.append(f"<tr{stripe}>")
        parts.extend(
            f"<td align='{align}'>{esc(cell)}</td>" for cell, align in zip(cells, aligns, strict=True)
        )
        parts.append("</tr>")
    parts.append("</table><p></p>")
    return "".join(parts)


_TEXT_BLOCKS: dict[type, Callable[[Any, ReportTheme], str]] = {
    Paragraph: _paragraph_html,
    BulletList: _list_html,
    Table: table_html,
    PageBreak: _page_break_html,
}


def _padded(row: Sequence[str], count: int) -> list[str]:
    """A row cut or padded to the header's width (a short row must not shift columns)."""
    cells = [str(cell) for cell in row[:count]]
    return cells + [""] * (count - len(cells))


def blocks_html(blocks: Sequence[Block], theme: ReportTheme, *, cover: bool = False) -> str:
    """A sequence of blocks as one HTML body (figures as numbered placeholders)."""
    parts = [block_html(block, index, theme, cover=cover) for index, block in enumerate(blocks)]
    if parts and isinstance(blocks[0], Heading):  # a flow starts on a fresh page: no break before it
        parts[0] = parts[0].replace(" style='page-break-before: always'", "", 1)
    return "".join(parts)
