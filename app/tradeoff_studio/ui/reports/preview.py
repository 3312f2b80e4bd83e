"""The live page preview (objectName ``reportPreview``): the report's pages as the PDF will print them.

Edits are debounced (:data:`DEBOUNCE_MS`); then a snapshot of the report is paginated on the
preview's own thread (:class:`.pages.PageRenderer`, the same pagination as the PDF), so typing never
waits for the layout. Only the page shown is painted, at the zoom chosen; turning a page or zooming
paints again without laying the report out again.
"""

from __future__ import annotations

import copy

from PySide6.QtCore import QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import StudioError
from ...core.reports.blocks import Document
from ...core.reports.model import Report
from .pages import LaidOut, PageRenderer, View

DEBOUNCE_MS = 300
ZOOMS = (("Fit width", 0.0), ("50 %", 0.5), ("75 %", 0.75), ("100 %", 1.0), ("150 %", 1.5), ("200 %", 2.0))


class ReportPreview(QWidget):
    """Pages of the report, with page navigation and zoom; ``rendered`` when a new layout is shown."""

    rendered = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportPreview")
        self.document: Document | None = None
        self.page_count = 0
        self.page_size = QSizeF()
        self.toc: list[tuple[int, str, int]] = []
        self.error = ""
        self.renderer = PageRenderer(self)
        self.renderer.laidOut.connect(self._laid_out)
        self.renderer.painted.connect(self._painted)
        self.renderer.failed.connect(self._failed)
        self._pending: Report | None = None
        self._awaiting = 0  # the generation whose layout is on its way (0: none)
        self._painting = False
        self.shown_page = 0  # the index of the page painted last
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._lay_out)
        self._build()

    def _build(self) -> None:
        self.previous = _tool("◀", "previousPageButton", "Previous page (Page Up)")
        self.next = _tool("▶", "nextPageButton", "Next page (Page Down)")
        self.page = QSpinBox()
        self.page.setObjectName("previewPage")
        self.page.setRange(1, 1)
        self.pages_label = QLabel("of 1")
        self.zoom = QComboBox()
        self.zoom.setObjectName("previewZoom")
        for text, factor in ZOOMS:
            self.zoom.addItem(text, factor)
        self.state = QLabel("")
        self.state.setObjectName("previewState")
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        self.previous.clicked.connect(lambda: self.page.setValue(self.page.value() - 1))
        self.next.clicked.connect(lambda: self.page.setValue(self.page.value() + 1))
        self.page.valueChanged.connect(self.repaint_page)
        self.zoom.currentIndexChanged.connect(self.repaint_page)
        bar = QHBoxLayout()
        for widget in (self.previous, QLabel("Page"), self.page, self.pages_label, self.next):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.state)
        bar.addWidget(self.zoom)
        self.image = QLabel()
        self.image.setObjectName("previewImage")
        self.image.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.image)
        self.scroll.setWidgetResizable(True)
        self.scroll.setBackgroundRole(self.scroll.backgroundRole().Dark)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)

    @property
    def busy(self) -> bool:
        """Whether an edit waits for its layout, or a page for its paint."""
        return self._timer.isActive() or bool(self._awaiting) or self._painting

    def show_report(self, report: Report, *, now: bool = False) -> None:
        """Lay ``report`` out again after :data:`DEBOUNCE_MS` of quiet (at once when ``now``)."""
        self._pending = report
        self.state.setText("Updating…")
        if now:
            self._timer.stop()
            self._lay_out()
        else:
            self._timer.start()

    def _lay_out(self) -> None:
        if self._pending is None:
            return
        snapshot = copy.deepcopy(self._pending)  # the renderer reads a copy; typing goes on in the original
        self._painting = True
        self._awaiting = self.renderer.lay_out(snapshot, self._view())

    def _view(self) -> View:
        return View(self.page.value() - 1, self.scale(), self.devicePixelRatioF())

    def _laid_out(self, generation: int, found: LaidOut) -> None:
        if generation != self.renderer.generation:
            return  # a newer edit is on its way
        self.document, self.page_size, self.toc, self.error = found.document, found.page_size, found.toc, ""
        self.page_count = pages = found.page_count
        self._awaiting = 0
        self.page.blockSignals(True)
        self.page.setMaximum(max(pages, 1))
        self.page.blockSignals(False)
        self.pages_label.setText(f"of {pages}")
        self.state.setText("")
        self._buttons()
        self.rendered.emit()

    def _painted(self, generation: int, index: int, image: QImage) -> None:
        if generation != self.renderer.generation:
            return
        self._painting = False
        self.shown_page = index
        self.image.setPixmap(QPixmap.fromImage(image))

    def _failed(self, generation: int, error: object) -> None:
        if generation != self.renderer.generation:
            return
        self._awaiting, self._painting = 0, False
        self.error = str(error) if isinstance(error, StudioError) else f"Unexpected error: {error!r}"
        self.state.setText("The preview failed: " + self.error)

    def scale(self) -> float:
        """Pixels per page pixel: the zoom chosen, or the width of the view for 'Fit width'."""
        factor = float(self.zoom.currentData() or 0.0)
        if factor > 0:
            return factor
        width = self.page_size.width() if self.page_count else 794.0
        return max(0.2, (self.scroll.viewport().width() - 24) / width)

    def repaint_page(self) -> None:
        """Paint the page shown at the current zoom (on the preview's thread; no new layout)."""
        self._buttons()
        if self.page_count == 0:
            return
        self._painting = True
        self.renderer.paint(self._view())

    def show_heading(self, heading: str) -> bool:
        """Turn to the page where ``heading`` starts (the cover for ""); whether it was found."""
        pages = [page for _level, text, page in self.toc if text == heading]
        if heading and not pages:
            return False
        self.page.setValue(pages[0] if pages else 1)
        return True

    def _buttons(self) -> None:
        self.previous.setEnabled(self.page.value() > 1)
        self.next.setEnabled(self.page.value() < self.page_count)

    def resizeEvent(self, event: object) -> None:
        """'Fit width' follows the view's width."""
        super().resizeEvent(event)  # type: ignore[arg-type]
        if float(self.zoom.currentData() or 0.0) == 0.0 and self.page_count:
            self.repaint_page()

    def clear(self) -> None:
        """Show no page (no report is open)."""
        self.shutdown()
        self.document, self.page_count, self.toc = None, 0, []
        self.image.clear()
        self.pages_label.setText("of 1")
        self.state.setText("")

    def shutdown(self) -> None:
        """Stop the pending layout and join the renderer's thread (before the project closes, on close)."""
        self._timer.stop()
        self._pending = None
        self._awaiting, self._painting = 0, False
        self.renderer.stop()


def _tool(text: str, name: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setObjectName(name)
    button.setToolTip(tip)
    return button
