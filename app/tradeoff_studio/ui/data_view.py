"""The data view (objectName ``dataView``): a table of any length, sorted and filtered in SQL, with
column statistics (``columnStats``) and the roles editor (``rolesEditor``, undo with Ctrl+Z).

Blocks of rows load on a worker of their own (:class:`~.data_lane.Lane`, newest request first,
blocks scrolled past are skipped); sorts and filters run on a second worker, statistics on a third,
each on its own DuckDB cursor so the window's connection stays free and Cancel interrupts only
that job. A sort shows its first screen by a top-N query at once, then pages a sorted copy written
to a scratch database (``core.data.view_scratch``); a filter pages a list of the rowids it keeps.
While a table is shown DuckDB's ``memory_limit`` is lowered to 128 MB (the buffer cache is what
grows while scrolling), and reset to DuckDB's default for the sorted copy and when the view closes.
Call :meth:`DataView.close_table` before closing the project: it joins the workers.
"""

from __future__ import annotations

from typing import Any

import duckdb
from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent, QUndoGroup, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core.data import column_stats, paging
from ..core.data.paging import BROWSING_MEMORY, Source, ViewSpec
from ..core.data.view_scratch import ViewScratch
from ..core.errors import StudioError
from ..core.project import Project
from .column_stats_panel import ColumnStatsPanel
from .data_lane import Lane
from .data_model import DuckTableModel
from .data_view_roles import RoleEditing
from .data_view_sorting import SortFilter
from .roles_editor import RolesEditor

ROW_PX = 22  # Fixed sections: 10M rows fit the header's int range (limit ≈ 97M rows at 22 px)


class DataView(SortFilter, QWidget):
    """One table of the open project at a time: :meth:`show_table`, then :meth:`close_table`.

    ``view_ready`` fires when a sort or filter is in place, ``view_failed(message)`` when it is refused.
    """

    view_ready = Signal()
    view_failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dataView")
        self.project: Project | None = None
        self.table: str | None = None
        self.spec = ViewSpec()
        self.plain: Source | None = None
        self._lanes: dict[str, Lane] = {}
        self._control: duckdb.DuckDBPyConnection | None = None
        self._scratch: ViewScratch | None = None
        self._view_token = 0
        self._shown_tables: list[str] = []
        self.wanted_blocks: frozenset[int] | None = None
        self.model = DuckTableModel(self)
        self.undo_stack = QUndoStack(self)
        self._build()
        self.model.sort_requested.connect(self._on_sort)
        self.model.modelReset.connect(self._forget_visible)
        self.role_editing = RoleEditing(self.roles, self.model, self.undo_stack, self._say_text)
        self.stats.cancel_requested.connect(self.cancel_stats)
        application = QCoreApplication.instance()
        if application is not None:  # a safety net: the workers' threads would keep the process alive
            application.aboutToQuit.connect(self.close_table)

    def _build(self) -> None:
        self._build_table()
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("dataFilter")
        self.filter_edit.setPlaceholderText(
            "Filter rows by a condition, e.g. income > 500 AND sex = 'F' (Enter)"
        )
        self.filter_edit.returnPressed.connect(lambda: self.apply_filter(self.filter_edit.text()))
        self.unsort_button = QPushButton("Stored order")
        self.unsort_button.setObjectName("dataUnsort")
        self.unsort_button.clicked.connect(self.clear_sort)
        self.status = QLabel("")
        self.status.setObjectName("dataStatus")
        self.status.setWordWrap(True)
        self.stats = ColumnStatsPanel()
        self.roles = RolesEditor()
        side = QSplitter(Qt.Orientation.Vertical)
        side.addWidget(self.roles)
        side.addWidget(self.stats)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.view)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([600, 400])
        side.setSizes([300, 400])
        bar = QHBoxLayout()
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.unsort_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)
        self._build_undo_actions()

    def _build_table(self) -> None:
        self.view = QTableView(self)
        self.view.setObjectName("dataTable")
        self.view.setModel(self.model)
        self.view.setWordWrap(False)
        rows = self.view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # never ResizeToContents: 88 s at 1M rows
        rows.setDefaultSectionSize(ROW_PX)
        self.view.horizontalHeader().setDefaultSectionSize(130)
        self.view.setSortingEnabled(True)
        self.view.verticalScrollBar().valueChanged.connect(self._note_visible)
        self.view.selectionModel().currentColumnChanged.connect(self._on_current_column)

    def _build_undo_actions(self) -> None:
        self.undo_actions: list[QAction] = []
        for text, keys, slot in [
            ("Undo role change", QKeySequence.StandardKey.Undo, self.undo_stack.undo),
            ("Redo role change", QKeySequence.StandardKey.Redo, self.undo_stack.redo),
        ]:
            action = QAction(text, self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            self.undo_actions.append(action)

    # --- showing a table -------------------------------------------------------------------

    def show_table(self, project: Project, table: str) -> None:
        """Show ``table`` of ``project`` at once (rows load as they come into view)."""
        self.close_table()
        if project is not self.project:
            self.undo_stack.clear()
        self.project, self.table, self.spec = project, table, ViewSpec()
        self._control = project.con.cursor()
        paging.set_memory_limit(self._control, BROWSING_MEMORY)
        self._lanes = {name: Lane(project.con, newest_first=name == "blocks", parent=self) for name in _LANES}
        self.plain = paging.plain_source(self._control, table)
        self.filter_edit.clear()
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.wanted_blocks = None
        self.model.set_source(self.plain, self._load_block)
        self._fit_columns()
        self.stats.clear_stats()
        self.role_editing.show(project, table, self.plain.columns)
        self._say(self._summary())

    def _fit_columns(self) -> None:
        """Each column as wide as its header (with a role), within bounds; rows are not measured."""
        assert self.plain is not None
        metrics = self.view.horizontalHeader().fontMetrics()
        for index, (name, _dtype) in enumerate(self.plain.columns):
            width = metrics.horizontalAdvance(f"{name} · confidence") + 28
            self.view.setColumnWidth(index, min(max(width, 90), 260))

    def close_table(self) -> None:
        """Stop and join the workers, drop the scratch database, restore DuckDB's memory limit."""
        for lane in self._lanes.values():
            lane.stop()
        self._lanes = {}
        if self._scratch is not None:
            self._scratch.close()
            self._scratch = None
        if self._control is not None:
            paging.set_memory_limit(self._control, None)
            self._control.close()
            self._control = None
        self._shown_tables = []
        self.role_editing.clear()
        self.model.set_source(None, None)
        self.plain, self.table = None, None

    def showEvent(self, event: QShowEvent) -> None:
        """Ctrl+Z here only where the window has no Edit ▸ Undo of its own (a ``QUndoGroup`` that
        follows ``undo_stack``): two live Ctrl+Z shortcuts would be ambiguous, and neither would fire."""
        window_undoes = self.window().findChild(QUndoGroup) is not None
        for action in self.undo_actions:
            action.setEnabled(not window_undoes)
        super().showEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the view joins its workers (house rule 5)."""
        self.close_table()
        super().closeEvent(event)

    def busy(self) -> bool:
        """Whether a sort, filter or statistics job is queued or running."""
        return any(lane.busy(slot) for slot, lane in self._lanes.items() if slot != "blocks")

    # --- blocks ---------------------------------------------------------------------------

    def _load_block(self, generation: int, block: int) -> None:
        source, model = self.model.source, self.model

        def task(cursor: duckdb.DuckDBPyConnection, _cancel: object, post: Any) -> None:
            wanted = self.wanted_blocks
            if (
                source is None
                or generation != model.generation
                or (wanted is not None and block not in wanted)
            ):
                post(lambda _none: model.block_loaded(generation, block, None), None)
                return
            rows = paging.read_block(cursor, source, block)
            post(lambda loaded: model.block_loaded(generation, block, loaded), rows)

        def failed(_error: BaseException) -> None:
            model.block_loaded(generation, block, None)

        self._lanes["blocks"].submit(task, on_error=failed)

    def _forget_visible(self) -> None:
        """A new source: every block asked for is wanted until the view scrolls again."""
        self.wanted_blocks = None

    def _note_visible(self, _value: int = 0) -> None:
        """Blocks on screen and one either side: requests for others are skipped when their turn comes."""
        first = max(self.view.rowAt(0), 0)
        last = self.view.rowAt(self.view.viewport().height() - 1)
        last = self.model.rowCount() - 1 if last < 0 else last
        block = paging.BLOCK_ROWS
        self.wanted_blocks = frozenset(range(first // block - 1, last // block + 2))

    def _summary(self) -> str:
        if self.plain is None:
            return ""
        shown = self.model.rowCount()
        rows = f"{shown:,} of {self.plain.rows:,} rows" if self.spec.where else f"{shown:,} rows"
        sort = (
            f", sorted by {self.spec.sort!r}{' descending' if self.spec.descending else ''}"
            if self.spec.sort
            else ""
        )
        where = f" where {self.spec.where}" if self.spec.where else ""
        return f"{self.plain.table}: {rows} × {len(self.plain.columns)} columns{where}{sort}"

    def _say_text(self, text: str, error: bool) -> None:
        self._say(text, error=error)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setProperty("error", error)
        self.status.setText(text)

    # --- statistics --------------------------------------------------------------------------

    def _on_current_column(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and self.plain is not None:
            self.show_stats(self.plain.columns[current.column()][0])

    def show_stats(self, column: str) -> None:
        """Compute ``column``'s statistics off the UI thread, cheapest first (cancels the previous)."""
        if self.plain is None:
            return
        dtype = dict(self.plain.columns)[column]
        table, panel = self.plain.table, self.stats
        panel.show_pending(column, dtype)

        def task(cursor: duckdb.DuckDBPyConnection, cancel: Any, post: Any) -> None:
            post(panel.show_basic, column_stats.basic_stats(cursor, table, column, dtype, cancel))
            shape = column_stats.distribution(cursor, table, column, dtype, cancel)
            post(lambda done: panel.show_distribution(column, done), shape)

        def failed(error: BaseException) -> None:
            panel.show_message(
                str(error) if isinstance(error, StudioError) else f"Unexpected error: {error!r}"
            )

        self._lanes["stats"].submit(task, slot="stats", on_error=failed)

    def cancel_stats(self) -> None:
        """Stop the running statistics job."""
        if "stats" in self._lanes:
            self._lanes["stats"].cancel_slot("stats")
            self.stats.show_message("Statistics cancelled.")


_LANES = ("blocks", "view", "stats")
