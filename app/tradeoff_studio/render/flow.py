"""One paginated run of blocks (the cover, the contents or the body) as a QTextDocument.

Text blocks become escaped HTML laid out by Qt with a page height, so lines never straddle a page
and table header rows repeat. A figure becomes one empty line of fixed height (a line is never
split, so Qt moves it whole to the next page when it does not fit); after layout the figure
painter draws over that line. Headings and table captions are kept with what follows them.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSizeF
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QPainter,
    QTextBlock,
    QTextBlockFormat,
    QTextCursor,
    QTextFormat,
    QTextOption,
)

from ..core.reports.blocks import BarFigure, Block, FrontFigure
from .figures import bar_figure_height, front_figure_height, paint_bars, paint_front
from .html import FIGURE_MARK, SafeTextDocument, blocks_html, style_sheet
from .theme import ReportTheme, report_font

_FIGURE_PROPERTY = int(QTextFormat.Property.UserProperty) + 1
_FIGURE_GAP = 10.0
_KEEP_WITH_NEXT = (2, 3, 4, 5)  # headings below level 1 and table captions (h5)


@dataclass(frozen=True)
class PlacedFigure:
    """A figure block and where it sits in the flow's document coordinates."""

    block: FrontFigure | BarFigure
    top: float
    height: float


class Flow:
    """Blocks laid out at ``width`` on pages of ``page_height`` (document coordinates stack pages)."""

    def __init__(
        self, blocks: Sequence[Block], size: QSizeF, theme: ReportTheme, family: str, *, cover: bool = False
    ) -> None:
        self.blocks = tuple(blocks)
        self.width, self.page_height = size.width(), size.height()
        self.theme = theme
        self.doc = SafeTextDocument()
        self.doc.setDocumentMargin(0.0)
        self.doc.setDefaultFont(report_font(points=9.5))
        self.doc.setDefaultStyleSheet(style_sheet(theme, family))
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.doc.setDefaultTextOption(option)
        self.doc.setPageSize(QSizeF(self.width, self.page_height))
        self.doc.setHtml(f"<html><body>{blocks_html(self.blocks, theme, cover=cover)}</body></html>")
        self._size_figures()
        self._keep_with_next()
        self.figures = self._placed_figures()

    @property
    def page_count(self) -> int:
        """Pages this flow fills (at least one)."""
        return max(1, self.doc.pageCount())

    def _blocks(self) -> list[QTextBlock]:
        found, block = [], self.doc.begin()
        while block.isValid():
            found.append(block)
            block = block.next()
        return found

    def _size_figures(self) -> None:
        """Turn each figure placeholder into an empty fixed-height line tagged with its block index."""
        limit = self.page_height - 2 * _FIGURE_GAP
        for text_block in self._blocks():
            text = text_block.text()
            if not text.startswith(FIGURE_MARK):
                continue
            index = int(text[len(FIGURE_MARK) :])
            figure = self.blocks[index]
            assert isinstance(figure, (FrontFigure, BarFigure))
            height = min(self._figure_height(figure), limit)
            cursor = QTextCursor(text_block)
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
            cursor.removeSelectedText()
            fmt = text_block.blockFormat()
            fmt.setLineHeight(height, QTextBlockFormat.LineHeightTypes.FixedHeight.value)
            fmt.setTopMargin(_FIGURE_GAP)
            fmt.setBottomMargin(_FIGURE_GAP)
            fmt.setProperty(_FIGURE_PROPERTY, index)
            cursor.setBlockFormat(fmt)

    def _figure_height(self, figure: FrontFigure | BarFigure) -> float:
        if isinstance(figure, FrontFigure):
            return front_figure_height(figure, self.width)
        return bar_figure_height(figure, self.width)

    def _page_of(self, y: float) -> int:
        return int((y + 0.01) // self.page_height)

    def _keep_with_next(self) -> None:
        """Move a heading or caption left alone at a page's foot to the next page (a few passes)."""
        layout = self.doc.documentLayout()
        for _ in range(4):
            moved = False
            blocks = self._blocks()
            for block, following in itertools.pairwise(blocks):
                fmt = block.blockFormat()
                if fmt.headingLevel() not in _KEEP_WITH_NEXT:
                    continue
                if fmt.pageBreakPolicy() & QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore:
                    continue
                here = self._page_of(layout.blockBoundingRect(block).top())
                there = self._page_of(self._first_line_top(following))
                if there > here:
                    fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                    QTextCursor(block).setBlockFormat(fmt)
                    moved = True
                    break  # the layout below changed: measure again
            if not moved:
                return

    def _first_line_top(self, block: QTextBlock) -> float:
        """The document y of the block's first line (a table's first cell for a table's frame)."""
        rect = self.doc.documentLayout().blockBoundingRect(block)
        layout = block.layout()
        if layout is not None and layout.lineCount() > 0:
            return rect.top() + layout.lineAt(0).y()
        return rect.top()

    def _placed_figures(self) -> list[PlacedFigure]:
        placed = []
        for block in self._blocks():
            fmt = block.blockFormat()
            if fmt.hasProperty(_FIGURE_PROPERTY):
                figure = self.blocks[int(fmt.property(_FIGURE_PROPERTY))]
                assert isinstance(figure, (FrontFigure, BarFigure))
                top = self.doc.documentLayout().blockBoundingRect(block).top()
                height = fmt.lineHeight()
                if self._page_of(top) != self._page_of(top + height - 0.5):  # Qt moved it to the next page
                    top = (self._page_of(top) + 1) * self.page_height
                placed.append(PlacedFigure(figure, top, height))
        return placed

    def headings(self) -> list[tuple[int, str, int]]:
        """(level, text, page index within this flow) of every heading (h1–h4), in order."""
        layout = self.doc.documentLayout()
        found = []
        for block in self._blocks():
            level = block.blockFormat().headingLevel()
            if 1 <= level <= 4:
                found.append((level, block.text(), self._page_of(layout.blockBoundingRect(block).top())))
        return found

    def paint(self, painter: QPainter, page: int, left: float, top: float) -> None:
        """Draw page ``page`` of this flow with its top-left corner at (left, top)."""
        region = QRectF(0.0, page * self.page_height, self.width, self.page_height)
        painter.save()
        painter.translate(left, top - region.top())
        painter.setClipRect(region)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.clip = region.adjusted(0.0, 0.5, 0.0, -0.5)  # a block starting at the edge is the next page's
        self.doc.documentLayout().draw(painter, context)
        for placed in self.figures:
            if region.top() <= placed.top < region.bottom():
                rect = QRectF(0.0, placed.top, self.width, placed.height)
                if isinstance(placed.block, FrontFigure):
                    paint_front(painter, rect, placed.block, self.theme)
                else:
                    paint_bars(painter, rect, placed.block, self.theme)
        painter.restore()
