"""Write a report :class:`~tradeoff_studio.core.reports.blocks.Document` as a PDF (QtGui only).

A4 pages from a 96-dpi ``QPdfWriter`` (text and figures stay vector; the shipped DejaVu Sans is
embedded), the Info dictionary's title, author and creator, and an XMP packet carrying the title,
author, subject, keywords, the fingerprint and the report's manifest JSON (XML-escaped inside
``<ts:manifest>``; Qt stores the packet uncompressed, so ``read_manifest`` finds it in the raw
bytes). The file is written beside its target and moved into place only when complete: a cancel
or a failure leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

from .. import __version__
from ..core.errors import CancelledError
from ..core.reports.blocks import Document, DocumentInfo
from .layout import DocumentLayout
from .theme import ReportRenderError, ensure_gui_application

MANIFEST_NAMESPACE = "https://tradeoff.studio/ns/report/1.0/"
CREATOR = f"Tradeoff Studio {__version__}"


def write_document(
    document: Document,
    path: Path,
    *,
    progress: Callable[[float], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> int:
    """Write ``document`` to ``path`` as a PDF; the page count. Raises CancelledError when cancelled."""
    ensure_gui_application()
    path = Path(path)
    if not path.parent.is_dir():
        raise ReportRenderError(
            f"Cannot write the report {path}: its folder does not exist; choose an existing folder."
        )
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        pages = _write(document, temporary, progress, cancel)
        _move(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    return pages


def _write(
    document: Document,
    path: Path,
    progress: Callable[[float], None] | None,
    cancel: Callable[[], bool] | None,
) -> int:
    """Lay the document out and paint every page into a new PDF at ``path``."""
    writer = _writer(document.info, path)
    layout = DocumentLayout(document)
    _report(progress, 0.2)  # the layout takes about a fifth of the time
    _check(cancel)
    painter = QPainter()
    if not painter.begin(writer):
        raise ReportRenderError(
            f"Cannot write the report {path}: the file cannot be created. Check the folder."
        )
    try:
        for index in range(layout.page_count):
            _check(cancel)
            if index:
                writer.newPage()
            layout.paint_page(index, painter)
            _report(progress, 0.2 + 0.8 * (index + 1) / layout.page_count)
    finally:
        painter.end()
    if not path.is_file() or path.stat().st_size == 0:
        raise ReportRenderError(f"Cannot write the report {path}: nothing was written. Check the disk space.")
    return layout.page_count


def _move(temporary: Path, path: Path) -> None:
    """Put the finished file in place (one rename: readers see the old file or the new one)."""
    try:
        os.replace(temporary, path)
    except OSError as error:
        raise ReportRenderError(
            f"Cannot write the report {path}: {error.strerror or error}. Choose another file name."
        ) from error


def _report(progress: Callable[[float], None] | None, fraction: float) -> None:
    if progress is not None:
        progress(fraction)


def _check(cancel: Callable[[], bool] | None) -> None:
    if cancel is not None and cancel():
        raise CancelledError("Cancelled: the report was not written.")


def _writer(info: DocumentInfo, path: Path) -> QPdfWriter:
    """A 96-dpi A4 writer without margins (the layout draws its own), with the document's metadata."""
    writer = QPdfWriter(str(path))
    writer.setResolution(96)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)
        )
    )
    writer.setTitle(info.title)
    writer.setAuthor(info.author)
    writer.setCreator(CREATOR)
    writer.setDocumentXmpMetadata(xmp_packet(info).encode("utf-8"))
    return writer


def xmp_packet(info: DocumentInfo) -> str:
    """The XMP packet: Dublin Core title, author, subject and keywords, the creator tool, the manifest."""
    keywords = escape(", ".join(info.keywords))
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
        f' xmlns:ts="{MANIFEST_NAMESPACE}">\n'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(info.title)}</rdf:li></rdf:Alt>'
        "</dc:title>\n"
        f"<dc:creator><rdf:Seq><rdf:li>{escape(info.author)}</rdf:li></rdf:Seq></dc:creator>\n"
        f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(info.subject)}</rdf:li></rdf:Alt>'
        "</dc:description>\n"
        f"<pdf:Keywords>{keywords}</pdf:Keywords>\n"
        f"<xmp:CreatorTool>{escape(CREATOR)}</xmp:CreatorTool>\n"
        f"<ts:fingerprint>{escape(info.fingerprint)}</ts:fingerprint>\n"
        f"<ts:manifest>{escape(info.manifest_json)}</ts:manifest>\n"
        "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )
