"""Pagination shared by the PDF writer and the app's live preview.

A document is three flows on pages of one size: the cover (verdict-first decision card), the
table of contents and the body. The contents are laid out twice: once to learn how many pages they
fill, then with the body's real page numbers. Every page but the cover carries a header (the
report's title) and every page a footer ("Page x of y" and the report's fingerprint).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from ..core.reports.blocks import Document, Heading, Table
from .flow import Flow
from .theme import ReportTheme, report_font, report_font_family, report_theme

A4_AT_96_DPI = QSizeF(210 / 25.4 * 96, 297 / 25.4 * 96)  # 793.7 × 1122.5 px
MARGIN_X = 68.0
MARGIN_TOP = 78.0
MARGIN_BOTTOM = 74.0
TOC_LEVELS = 2  # headings listed in the contents


class DocumentLayout:
    """A document paginated at ``page_size`` (px at 96 dpi); paints any page onto any painter."""

    def __init__(self, document: Document, page_size: QSizeF = A4_AT_96_DPI) -> None:
        self.document = document
        self.page_size = QSizeF(page_size)
        self.theme: ReportTheme = report_theme()
        self.family = report_font_family()
        # whole pixels: Qt positions text in 1/64 px, so a fractional page height drifts across pages
        self.body_rect = QRectF(
            MARGIN_X,
            MARGIN_TOP,
            math.floor(page_size.width() - 2 * MARGIN_X),
            math.floor(page_size.height() - MARGIN_TOP - MARGIN_BOTTOM),
        )
        size = self.body_rect.size()
        self.cover = Flow(document.cover, size, self.theme, self.family, cover=True)
        self.body = Flow(document.body, size, self.theme, self.family)
        self.contents: Flow | None = None
        self.toc_entries: list[tuple[int, str, int]] = []
        if self.body.headings():
            self._lay_out_contents(size)
        self._flows = [flow for flow in (self.cover, self.contents, self.body) if flow is not None]

    def _lay_out_contents(self, size: QSizeF) -> None:
        """Two passes: count the contents' pages with placeholder numbers, then print real ones."""
        headings = [h for h in self.body.headings() if h[0] <= TOC_LEVELS]
        pages = 0
        for _ in range(3):
            first_body_page = self.cover.page_count + pages + 1
            self.toc_entries = [(level, text, first_body_page + page) for level, text, page in headings]
            self.contents = Flow(_contents_blocks(self.toc_entries), size, self.theme, self.family)
            if self.contents.page_count == pages:
                return
            pages = self.contents.page_count

    @property
    def page_count(self) -> int:
        """Pages of the whole document: cover, contents and body."""
        return sum(flow.page_count for flow in self._flows)

    def _locate(self, index: int) -> tuple[Flow, int]:
        """The flow holding page ``index`` and the page's index within it."""
        for flow in self._flows:
            if index < flow.page_count:
                return flow, index
            index -= flow.page_count
        raise IndexError(f"page {index} is past the document's {self.page_count} pages")

    def paint_page(self, index: int, painter: QPainter) -> None:
        """Paint page ``index`` (0-based) in page coordinates (0, 0)–``page_size``."""
        flow, local = self._locate(index)
        painter.save()
        painter.fillRect(QRectF(QPointF(0.0, 0.0), self.page_size), QColor(self.theme.plot_background))
        flow.paint(painter, local, self.body_rect.left(), self.body_rect.top())
        if flow is not self.cover:
            self._paint_header(painter)
        elif local == self.cover.page_count - 1:
            self._paint_cover_foot(painter)
        self._paint_footer(painter, index)
        painter.restore()

    def _paint_header(self, painter: QPainter) -> None:
        """The report's title left and its subject right, over a thin rule."""
        font = report_font(pixels=10)
        metrics = QFontMetricsF(font)
        rect = QRectF(MARGIN_X, MARGIN_TOP - 40.0, self.body_rect.width(), metrics.height())
        subject = metrics.elidedText(
            self.document.info.subject, Qt.TextElideMode.ElideRight, rect.width() * 0.38
        )
        title_width = rect.width() - metrics.horizontalAdvance(subject) - 16.0
        title = metrics.elidedText(self.document.info.title, Qt.TextElideMode.ElideRight, title_width)
        painter.setFont(font)
        painter.setPen(QColor(self.theme.muted))
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, subject)
        self._rule(painter, rect.bottom() + 5.0)

    def _paint_cover_foot(self, painter: QPainter) -> None:
        """The subject and the author at the foot of the cover, above the footer."""
        font = report_font(pixels=12)
        line = QFontMetricsF(font).height()
        bottom = self.page_size.height() - MARGIN_BOTTOM - 8.0
        painter.setFont(font)
        painter.setPen(QColor(self.theme.muted))
        info = self.document.info
        for offset, text in ((2, info.subject), (1, f"Prepared by {info.author}" if info.author else "")):
            rect = QRectF(MARGIN_X, bottom - offset * (line + 2.0), self.body_rect.width(), line)
            metrics = QFontMetricsF(font)
            painter.drawText(
                rect,
                Qt.AlignmentFlag.AlignLeft,
                metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width()),
            )

    def _paint_footer(self, painter: QPainter, index: int) -> None:
        """A thin rule, the fingerprint left and "Page x of y" right."""
        font = report_font(pixels=10)
        top = self.page_size.height() - MARGIN_BOTTOM + 26.0
        self._rule(painter, top)
        rect = QRectF(MARGIN_X, top + 6.0, self.body_rect.width(), QFontMetricsF(font).height())
        painter.setFont(font)
        painter.setPen(QColor(self.theme.muted))
        fingerprint = (
            f"Report fingerprint {self.document.info.fingerprint}" if self.document.info.fingerprint else ""
        )
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, fingerprint)
        page = f"Page {index + 1} of {self.page_count}"
        painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, page)

    def _rule(self, painter: QPainter, y: float) -> None:
        painter.setPen(QPen(QColor(self.theme.rule), 0.8))
        painter.drawLine(QPointF(MARGIN_X, y), QPointF(MARGIN_X + self.body_rect.width(), y))


def _contents_blocks(entries: list[tuple[int, str, int]]) -> tuple[Heading | Table, ...]:
    """The contents as blocks: a title and a table of (section, page) rows, sub-sections indented."""
    rows = tuple((("\u2003\u2003" * (level - 1)) + text, str(page)) for level, text, page in entries)
    return (
        Heading("Contents", level=2),
        Table(headers=("Section", "Page"), rows=rows, align=("left", "right")),
    )
