"""One paginated run of blocks (the cover, the contents or the body) as a QTextDocument.

Text blocks become escaped HTML laid out by Qt with a page height, so lines never straddle a page
and table header rows repeat. A figure becomes one empty line at least as tall as the figure (a
line is never split, so Qt moves it whole to the next page when it does not fit); after layout the
figure painter draws over that line. A heading or table caption left alone at a page's foot gets a
page break before it, and the document is built again (a fresh document each pass: no edits to a
laid-out document, whose lazy re-layout would need an event loop).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSizeF
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QTextBlock, QTextBlockFormat, QTextOption

from ..core.reports.blocks import BarFigure, Block, FrontFigure, Heading, KeyValues, Table
from .figures import bar_figure_height, front_figure_height, paint_bars, paint_front
from .html import FIGURE_GAP, SafeTextDocument, blocks_html, style_sheet
from .theme import ReportTheme, report_font

_MINIMUM_HEIGHT = QTextBlockFormat.LineHeightTypes.MinimumHeight.value  # only figure lines use it
_KEEP_WITH_NEXT = (2, 3, 4, 5)  # headings below level 1 and table captions (h5)
_PASSES = 6


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
        self._family = family
        self._cover = cover
        self._keepers = [  # the blocks that become h2–h5 in the HTML, in order
            i
            for i, b in enumerate(self.blocks)
            if (isinstance(b, Heading) and b.level > 1) or (isinstance(b, Table) and b.caption)
        ]
        breaks: set[int] = set()
        self.doc = self._build(breaks)
        for _ in range(_PASSES):
            stranded = (self._stranded() | self._split_cards()) - breaks
            if not stranded:
                break
            breaks |= {min(stranded)}  # one at a time: each break moves everything after it
            self.doc = self._build(breaks)
        self.figures = self._placed_figures()

    def _build(self, breaks: set[int]) -> SafeTextDocument:
        """A new document for the blocks, page breaks before ``breaks``, laid out completely."""
        doc = SafeTextDocument()
        doc.setDocumentMargin(0.0)
        doc.setDefaultFont(report_font(points=9.5))
        doc.setDefaultStyleSheet(style_sheet(self.theme, self._family))
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        doc.setDefaultTextOption(option)
        doc.setPageSize(QSizeF(self.width, self.page_height))
        body = blocks_html(
            self.blocks, self.theme, cover=self._cover, breaks=breaks, figure_height=self._figure_height
        )
        doc.setHtml(f"<html><body>{body}</body></html>")
        doc.documentLayout().documentSize()  # lay out everything now
        return doc

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

    def _figure_height(self, figure: FrontFigure | BarFigure) -> float:
        """The figure's height at this width, at most a page."""
        if isinstance(figure, FrontFigure):
            height = front_figure_height(figure, self.width)
        else:
            height = bar_figure_height(figure, self.width)
        return min(height, self.page_height - 2 * FIGURE_GAP - 2)

    def _page_of(self, y: float) -> int:
        return int((y + 0.01) // self.page_height)

    def _stranded(self) -> set[int]:
        """Block indices of headings and captions whose next block starts on a later page."""
        stranded = set()
        heads = [b for b in self._blocks() if b.blockFormat().headingLevel() in _KEEP_WITH_NEXT]
        following = {h.blockNumber(): h.next() for h in heads}
        for source, head in zip(self._keepers, heads, strict=False):
            after = following[head.blockNumber()]
            if after.isValid() and self._page_of(self._line_top(after)) > self._page_of(self._line_top(head)):
                stranded.add(source)
        return stranded

    def _split_cards(self) -> set[int]:
        """Block indices of cards (KeyValues) that run across a page edge but would fit on one page."""
        tables = [i for i, b in enumerate(self.blocks) if isinstance(b, (KeyValues, Table))]
        frames = self.doc.rootFrame().childFrames()
        split = set()
        for source, frame in zip(tables, frames, strict=False):
            if not isinstance(self.blocks[source], KeyValues):
                continue
            top = self._line_top(frame.firstCursorPosition().block())
            bottom = self.doc.documentLayout().frameBoundingRect(frame).bottom()
            if self._page_of(top) != self._page_of(bottom - 1.0) and bottom - top < self.page_height * 0.9:
                split.add(source)
        return split

    def _line_top(self, block: QTextBlock) -> float:
        """The document y of the block's first line (its top where it has none)."""
        rect = self.doc.documentLayout().blockBoundingRect(block)
        lines = block.layout()
        if lines is not None and lines.lineCount() > 0:
            return rect.top() + lines.lineAt(0).y()
        return rect.top()

    def _placed_figures(self) -> list[PlacedFigure]:
        """Each figure with the top of its line: the line's text sits at its foot, the figure above it."""
        figures = [b for b in self.blocks if isinstance(b, (FrontFigure, BarFigure))]
        lines = [b for b in self._blocks() if b.blockFormat().lineHeightType() == _MINIMUM_HEIGHT]
        placed = []
        for figure, block in zip(figures, lines, strict=True):
            height = block.blockFormat().lineHeight()
            line = block.layout().lineAt(0)
            top = self._line_top(block) + line.height() - height
            placed.append(PlacedFigure(figure, top, height))
        return placed

    def headings(self) -> list[tuple[int, str, int]]:
        """(level, text, page index within this flow) of every heading (h1–h4), in order."""
        return [
            (block.blockFormat().headingLevel(), block.text(), self._page_of(self._line_top(block)))
            for block in self._blocks()
            if 1 <= block.blockFormat().headingLevel() <= 4
        ]

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
            if region.top() <= placed.top + 1.0 < region.bottom():
                rect = QRectF(0.0, placed.top, self.width, placed.height)
                if isinstance(placed.block, FrontFigure):
                    paint_front(painter, rect, placed.block, self.theme)
                else:
                    paint_bars(painter, rect, placed.block, self.theme)
        painter.restore()
