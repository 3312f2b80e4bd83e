"""Text blocks as escaped HTML for QTextDocument, and a document that never loads a resource.

Every string from the blocks goes through :func:`esc`, so a column named ``<img src=x>`` prints as
text; :class:`SafeTextDocument` refuses every resource as a second line of defence. Figures are
not HTML: each becomes an empty line of the figure's height (a line is never split across pages),
which the layout paints over with the figure painter.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Collection, Sequence
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

FIGURE_GAP = 10  # px above and below a figure
_BLANKS = {"", "—", "–", "-", "n/a", "NA", "None"}  # say nothing about a column's alignment
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
        cells = [
            row[column] for row in table.rows if column < len(row) and row[column].strip() not in _BLANKS
        ]
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


def block_html(block: Block, theme: ReportTheme, *, cover: bool = False, figure_height: float = 300.0) -> str:
    """One block as HTML; a figure is an empty line ``figure_height`` px tall that the layout paints over.

    On the cover a level-1 heading is the report's title (large, no page break) and cards are larger.
    """
    if isinstance(block, Heading):
        return _heading_html(block, theme, cover=cover)
    if isinstance(block, KeyValues):
        return key_values_html(block, theme, large=cover)
    if isinstance(block, (FrontFigure, BarFigure)):
        return (
            f"<p style='line-height: {round(figure_height)}px; margin-top: {FIGURE_GAP}px; "
            f"margin-bottom: {FIGURE_GAP}px'>&nbsp;</p>"
        )
    return _TEXT_BLOCKS[type(block)](block, theme)


def _heading_html(block: Heading, theme: ReportTheme, *, cover: bool) -> str:
    """A heading: level 1 starts a page (on the cover it is the large title instead)."""
    if cover and block.level <= 1:
        return (
            f"<p style='font-size: 24pt; font-weight: bold; color: {theme.heading}; margin-bottom: 14px'>"
            f"{esc(block.text)}</p>"
        )
    level = min(max(block.level, 1), 4)
    return f"<h{level}>{esc(block.text)}</h{level}>"


def _paragraph_html(block: Paragraph, theme: ReportTheme) -> str:
    text = f"<b>{esc(block.text)}</b>" if block.emphasis else esc(block.text)
    return f"<p style='color: {theme.tone(block.tone)}'>{text}</p>"


def _list_html(block: BulletList, theme: ReportTheme) -> str:
    return "<ul>" + "".join(f"<li>{esc(item)}</li>" for item in block.items) + "</ul>"


def _page_break_html(block: PageBreak, theme: ReportTheme) -> str:
    return "<p style='page-break-after: always'></p>"


def key_values_html(block: KeyValues, theme: ReportTheme, *, large: bool = False) -> str:
    """A labelled card: a title row in the tone's colour, then one row per (label, value).

    ``large`` (the cover's decision cards) sets the title white on the tone's colour and a first
    row labelled "Verdict" in bold: the verdict comes first.
    """
    size = "10pt" if large else "9pt"
    tone = theme.tone(block.tone) if block.tone != "neutral" else theme.heading
    parts = ["<table width='100%' cellspacing='0' cellpadding='5' class='card'>"]
    if block.title:
        background = f" style='background-color: {tone}'" if large else ""
        colour = theme.plot_background if large else tone
        parts.append(
            f"<tr><td colspan='2'{background}><span style='color: {colour}; font-size: {size}; "
            f"font-weight: bold'>{esc(block.title)}</span></td></tr>"
        )
    for number, (label, value) in enumerate(block.rows):
        weight = "bold" if large and number == 0 and label.strip().lower() == "verdict" else "normal"
        parts.append(
            f"<tr><td width='30%' class='key' style='font-size: {size}'>{esc(label)}</td>"
            f"<td><span style='font-size: {size}; font-weight: {weight}'>{esc(value)}</span></td></tr>"
        )
    parts.append("</table><p></p>")
    return "".join(parts)


def table_html(table: Table, theme: ReportTheme) -> str:
    """A data table whose header row (``<thead>``) repeats on every page it spans."""
    aligns = column_alignment(table)
    size, padding = _cell_size(len(table.headers))
    parts = []
    if table.caption:
        parts.append(f"<h5>{esc(table.caption)}</h5>")
    parts.append(
        f"<table width='100%' cellspacing='0' cellpadding='{padding}' border='1' "
        f"style='border-collapse: collapse; border-color: {theme.rule}; border-style: solid'><thead><tr>"
    )
    parts.extend(
        f"<th align='{align}' style='font-size: {size}'>{esc(head)}</th>"
        for head, align in zip(table.headers, aligns, strict=True)
    )
    parts.append("</tr></thead>")
    for number, row in enumerate(table.rows):
        stripe = " class='stripe'" if number % 2 else ""
        cells = _padded(row, len(table.headers))
        parts.append(f"<tr{stripe}>")
        parts.extend(
            f"<td align='{align}' style='font-size: {size}'>{esc(cell)}</td>"
            for cell, align in zip(cells, aligns, strict=True)
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


def _cell_size(columns: int) -> tuple[str, int]:
    """Font size and padding of a table's cells: smaller for wide tables, so columns keep some width."""
    if columns >= 9:
        return "6.5pt", 2
    if columns >= 7:
        return "7.5pt", 3
    return "8.5pt", 4


def _padded(row: Sequence[str], count: int) -> list[str]:
    """A row cut or padded to the header's width (a short row must not shift columns)."""
    cells = [str(cell) for cell in row[:count]]
    return cells + [""] * (count - len(cells))


def blocks_html(
    blocks: Sequence[Block],
    theme: ReportTheme,
    *,
    cover: bool = False,
    breaks: Collection[int] = (),
    figure_height: Callable[[FrontFigure | BarFigure], float] | None = None,
) -> str:
    """A sequence of blocks as one HTML body.

    Level-1 headings (but the first block: a flow starts on a fresh page) and the blocks whose
    index is in ``breaks`` (headings and captioned tables) start a new page.
    """
    parts = []
    for index, block in enumerate(blocks):
        if isinstance(block, PageBreak) and _break_is_redundant(blocks[index + 1 :], cover=cover):
            continue
        height = (
            figure_height(block) if figure_height and isinstance(block, (FrontFigure, BarFigure)) else 300.0
        )
        part = block_html(block, theme, cover=cover, figure_height=height)
        level_one = isinstance(block, Heading) and block.level <= 1 and not cover
        if (index in breaks or level_one) and index > 0 and part.startswith("<h"):
            part = part[:3] + " style='page-break-before: always'" + part[3:]
        elif index in breaks and index > 0 and part.startswith("<table "):
            part = "<table style='page-break-before: always' " + part[len("<table ") :]
        parts.append(part)
    return "".join(parts)


def _break_is_redundant(rest: Sequence[Block], *, cover: bool) -> bool:
    """A page break before nothing, before another break or before a page-starting heading: skipped."""
    if not rest or isinstance(rest[0], PageBreak):
        return True
    return isinstance(rest[0], Heading) and rest[0].level <= 1 and not cover
