"""A page renderer on one long-lived worker thread: lays a report out and paints its pages to QImages.

Qt's text layout keeps font engines from the *thread's own* font cache, so a layout made on one
thread must be painted on that thread (painting it on the main thread after its worker ended
crashed). The renderer therefore keeps its layout on its own thread and serves requests in order:
``lay_out(report, page, scale)`` (a new report: paginate with
:class:`~tradeoff_studio.render.layout.DocumentLayout`, the PDF's pagination, then paint one page)
and ``paint(page, scale)`` (another page or zoom of the same layout). Requests that queue up while
it works are coalesced (only the latest layout, and the latest page after it, are done). Results
reach the main thread through queued signals carrying a generation number; the caller drops stale
ones. :meth:`PageRenderer.stop` ends and joins the thread (house rule 5); the editor stops it when
the project closes and when the window closes.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QSizeF, QThread, Signal
from PySide6.QtGui import QImage, QPainter

from ...core.errors import CancelledError
from ...core.jobs import CancelToken
from ...core.reports.blocks import Document
from ...core.reports.model import Report


@dataclass(frozen=True)
class View:
    """Which page to paint, at what scale (page pixels → image pixels) and device pixel ratio."""

    page: int
    scale: float
    ratio: float = 1.0


@dataclass(frozen=True)
class LaidOut:
    """What a layout tells the main thread: the document, its pages, their size and the contents."""

    document: Document
    page_count: int
    page_size: QSizeF
    toc: list[tuple[int, str, int]]  # (level, heading, 1-based page) as in the PDF's contents


@dataclass(frozen=True)
class _Layout:
    generation: int
    report: Report
    view: View
    token: CancelToken


@dataclass(frozen=True)
class _Paint:
    generation: int
    view: View


class PageRenderer(QObject):
    """Lays out and paints on its own thread; ``laidOut`` / ``painted`` / ``failed`` on the main thread."""

    laidOut = Signal(int, object)  # noqa: N815 generation, LaidOut
    painted = Signal(int, int, object)  # generation, page index, QImage
    failed = Signal(int, object)  # generation, the exception

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: queue.Queue[_Layout | _Paint | None] = queue.Queue()
        self._thread: _Thread | None = None
        self._token = CancelToken()
        self.generation = 0

    def lay_out(self, report: Report, view: View) -> int:
        """Paginate ``report`` (a snapshot nobody changes) and paint ``view``; returns its generation."""
        self._token.cancel()
        self._token = CancelToken()
        self.generation += 1
        self._put(_Layout(self.generation, report, view, self._token))
        return self.generation

    def paint(self, view: View) -> None:
        """Paint another page or zoom of the latest layout."""
        self._put(_Paint(self.generation, view))

    def _put(self, item: _Layout | _Paint) -> None:
        if self._thread is None:
            self._thread = _Thread(self._loop)
            self._thread.start()
        self._queue.put(item)

    @property
    def running(self) -> bool:
        """Whether the renderer's thread is started (it starts on the first request)."""
        return self._thread is not None

    def stop(self) -> None:
        """Cancel the pending work, end the thread and join it."""
        self._token.cancel()
        if self._thread is not None:
            self._queue.put(None)
            self._thread.wait()
            self._thread = None

    def _next(self) -> list[_Layout | _Paint] | None:
        """The next requests to serve: the latest layout (if any) and the latest paint after it."""
        items = [self._queue.get()]
        while True:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                break
        served = [item for item in items if item is not None]
        if len(served) < len(items):
            return None  # stop
        last = max((i for i, item in enumerate(served) if isinstance(item, _Layout)), default=None)
        if last is None:
            return served[-1:]
        return [served[last], *served[last + 1 :][-1:]]

    def _loop(self) -> None:
        layout: Any = None
        while (batch := self._next()) is not None:
            for item in batch:
                try:
                    layout = self._serve(item, layout)
                except CancelledError:
                    continue  # a newer report is queued
                except Exception as error:  # shown by the preview; the thread serves on
                    layout = None if isinstance(item, _Layout) else layout
                    self.failed.emit(item.generation, error)

    def _serve(self, item: _Layout | _Paint, layout: Any) -> Any:
        """Lay out (for a new report) and paint; the layout now held."""
        if isinstance(item, _Layout):
            layout = _paginate(item.report, item.token)
            found = LaidOut(
                layout.document, layout.page_count, QSizeF(layout.page_size), list(layout.toc_entries)
            )
            self.laidOut.emit(item.generation, found)
        if layout is not None:
            self.painted.emit(item.generation, *_paint(layout, item.view))
        return layout


class _Thread(QThread):
    """A QThread (not a Python thread): it has an event dispatcher, which Qt's text layout wants for
    its timers (on a bare Python thread every layout printed 'QBasicTimer::start' warnings)."""

    def __init__(self, loop: Callable[[], None]) -> None:
        super().__init__()
        self.setObjectName("reportPreviewRenderer")
        self._loop = loop

    def run(self) -> None:
        """Serve requests until :meth:`PageRenderer.stop`."""
        self._loop()


def _paginate(report: Report, token: CancelToken) -> Any:
    from ...core.reports.document import report_document
    from ...render.layout import DocumentLayout  # the renderer loads on first use

    document = report_document(report)
    token.raise_if_cancelled()
    return DocumentLayout(document)


def _paint(layout: Any, view: View) -> tuple[int, QImage]:
    """Page ``view.page`` (clamped to the document) painted into a new image."""
    index = min(max(view.page, 0), layout.page_count - 1)
    size: QSizeF = layout.page_size
    scale = view.scale * view.ratio
    image = QImage(round(size.width() * scale), round(size.height() * scale), QImage.Format.Format_RGB32)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.scale(scale, scale)
    layout.paint_page(index, painter)
    painter.end()
    image.setDevicePixelRatio(view.ratio)
    return index, image
