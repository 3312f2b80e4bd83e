"""``DuckTableModel``: a table model over a DuckDB source, fetched in 500-row blocks on demand.

``rowCount`` is the whole table (10M rows open at once; no ``fetchMore``). ``data()`` answers from
an LRU cache of 40 blocks (~20 MB of text); a missing block shows placeholders and is asked of the
block loader, whose result arrives with ``block_loaded`` and repaints those rows. Measured here
(``research/dataview_jobs.md`` §3): testing ``role`` as an int halves the cost of a paint's ~2,900
``data()`` calls, so every other role returns at once. Results of an older source (before a sort or
filter changed it) carry an older generation and are dropped.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from ..core.data.paging import BLOCK_ROWS, Source
from ..core.data.roles import type_kind

PLACEHOLDER = "…"
CACHE_BLOCKS = 40
_DISPLAY = 0  # Qt.ItemDataRole.DisplayRole, compared as an int (measured: 2× faster paints)
_ALIGNMENT = 7  # Qt.ItemDataRole.TextAlignmentRole
_TOOLTIP = 3
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
Index = QModelIndex | QPersistentModelIndex
Loader = Callable[[int, int], None]  # (generation, block)


class DuckTableModel(QAbstractTableModel):
    """Rows of a :class:`~tradeoff_studio.core.data.paging.Source`, loaded by a block loader."""

    sort_requested = Signal(int, bool)  # column, descending

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.source: Source | None = None
        self.generation = 0
        self._rows = 0
        self._names: list[str] = []
        self._headers: list[str] = []
        self._tooltips: list[str] = []
        self._right: list[bool] = []
        self._blocks: OrderedDict[int, list[tuple[str | None, ...]]] = OrderedDict()
        self._pending: set[int] = set()
        self._loader: Loader | None = None
        self._loadable = True

    # --- source ---------------------------------------------------------------------------

    def set_source(self, source: Source | None, loader: Loader | None, *, loadable: bool = True) -> int:
        """Show ``source`` (None: nothing); returns the new generation. ``loadable=False`` (a sorted view
        whose copy is still being written) asks for no block: only :meth:`block_loaded` fills it."""
        self.beginResetModel()
        self.generation += 1
        self.source, self._loader, self._loadable = source, loader, loadable
        columns = source.columns if source else []
        self._rows = source.rows if source else 0
        self._names = [name for name, _dtype in columns]
        self._right = [type_kind(dtype) in {"integer", "float", "decimal"} for _name, dtype in columns]
        self._headers = list(self._names)
        self._tooltips = [dtype for _name, dtype in columns]
        self._blocks.clear()
        self._pending.clear()
        self.endResetModel()
        return self.generation

    def swap_source(self, source: Source, loader: Loader) -> int:
        """Same rows from another source (the sorted copy after its top-N screen): no reset, so the
        view keeps its place; every row repaints from the new source."""
        if self.source is None or source.rows != self._rows:
            return self.set_source(source, loader)
        self.generation += 1
        self.source, self._loader, self._loadable = source, loader, True
        self._blocks.clear()
        self._pending.clear()
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(self._rows - 1, len(self._names) - 1))
        return self.generation

    def set_roles(self, roles: dict[str, str]) -> None:
        """Show each column's role in its header (``income · weight``)."""
        if self.source is None:
            return
        self._headers = [f"{name} · {roles[name]}" if name in roles else name for name in self._names]
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(len(self._names) - 1, 0))

    def block_loaded(self, generation: int, block: int, rows: list[tuple[str | None, ...]] | None) -> None:
        """Store a loaded block (None: skipped, ask again when shown) and repaint its rows."""
        if generation != self.generation:
            return
        self._pending.discard(block)
        if rows is None:
            return
        self._blocks[block] = rows
        self._blocks.move_to_end(block)
        while len(self._blocks) > CACHE_BLOCKS:
            self._blocks.popitem(last=False)
        first = block * BLOCK_ROWS
        last = min(first + len(rows), self._rows) - 1
        if last >= first and self._names:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self._names) - 1))

    def cached_blocks(self) -> list[int]:
        """The blocks held now, least recently used first."""
        return list(self._blocks)

    def cell_text(self, row: int, column: int) -> str | None:
        """The text shown at (row, column), the placeholder while its block loads (asks for it)."""
        block = row // BLOCK_ROWS
        cells = self._blocks.get(block)
        if cells is None:
            self._request(block)
            return PLACEHOLDER
        offset = row - block * BLOCK_ROWS
        if offset >= len(cells):
            return PLACEHOLDER
        value = cells[offset][column]
        return "" if value is None else value

    def _request(self, block: int) -> None:
        if block in self._pending or self._loader is None or not self._loadable:
            return
        self._pending.add(block)
        self._loader(self.generation, block)

    # --- QAbstractTableModel ----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """All rows of the source (none under a parent)."""
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """The source's columns."""
        return 0 if parent.isValid() else len(self._names)

    def data(self, index: Index, role: int = 0) -> object:
        """The cell's text; numbers right-aligned; nothing for other roles."""
        if role != _DISPLAY:
            if role == _ALIGNMENT and self._right[index.column()]:
                return _RIGHT
            return None
        return self.cell_text(index.row(), index.column())

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        """Column names (with their role) and types as tooltips; row numbers from 1."""
        if orientation == Qt.Orientation.Horizontal:
            if role == _DISPLAY:
                return self._headers[section] if section < len(self._headers) else None
            if role == _TOOLTIP:
                return self._tooltips[section] if section < len(self._tooltips) else None
            return None
        return f"{section + 1:,}" if role == _DISPLAY else None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A click on a header: the data view sorts in SQL (see ``sort_requested``)."""
        if 0 <= column < len(self._names):
            self.sort_requested.emit(column, order == Qt.SortOrder.DescendingOrder)
