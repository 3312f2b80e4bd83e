"""The data view's sort and filter, pushed down to SQL (a mixin of :class:`.data_view.DataView`).

A header click sorts: the first screen at once by a top-N query, then the whole sorted copy in the
project's scratch area; a filter becomes a count and a rowid list. Both run as jobs on the view's
"view" lane and replace the model's source when done; stale results are dropped.
"""

from __future__ import annotations

from typing import Any

import duckdb
from PySide6.QtCore import Qt

from ..core.data import paging
from ..core.data.paging import BROWSING_MEMORY, Source, ViewSpec
from ..core.data.view_scratch import ViewScratch, build_view, check_filter
from ..core.errors import StudioError


class SortFilter:
    """Sorting and filtering of :class:`.data_view.DataView`."""

    def _on_sort(self, column: int, descending: bool) -> None:
        if self.plain is not None:
            self.sort_by(self.plain.columns[column][0], descending=descending)

    def sort_by(self, column: str, *, descending: bool = False) -> None:
        """Sort by ``column`` in SQL: the first screen at once (top-N), then the whole sorted copy."""
        if self.plain is None:
            return
        self.spec = ViewSpec(column, descending, self.spec.where)
        self._show_sort_indicator(column, descending)
        rows = self.model.rowCount()
        self.model.set_source(
            Source(self.plain.table, self.plain.columns, rows, self.plain.relation), None, loadable=False
        )
        self._start_view_job(top_first=True)

    def _show_sort_indicator(self, column: str | None, descending: bool) -> None:
        """The header's arrow, set without asking for a sort again."""
        assert self.plain is not None
        names = [name for name, _dtype in self.plain.columns]
        header = self.view.horizontalHeader()
        header.blockSignals(True)
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        header.setSortIndicator(names.index(column) if column in names else -1, order)
        header.blockSignals(False)

    def clear_sort(self) -> None:
        """Back to the stored order (keeping the filter)."""
        if self.plain is None or self.spec.sort is None:
            return
        self._show_sort_indicator(None, False)
        self.spec = ViewSpec(None, False, self.spec.where)
        self._start_view_job(top_first=False)

    def apply_filter(self, text: str) -> None:
        """Keep the rows where ``text`` (one SQL condition on the columns) holds; empty: all rows."""
        if self.plain is None:
            return
        self.spec = ViewSpec(self.spec.sort, self.spec.descending, text.strip() or None)
        self._start_view_job(top_first=False)

    def _start_view_job(self, *, top_first: bool) -> None:
        assert self.plain is not None and self.project is not None and self._control is not None
        if self._scratch is None and not self.spec.plain:
            self._scratch = ViewScratch(self._control, encrypted=self.project.encrypted)
        self._view_token += 1
        token, spec, plain, scratch = self._view_token, self.spec, self.plain, self._scratch
        self._say(f"Sorting by {spec.sort!r}…" if spec.sort else "Filtering…" if spec.where else "Reading…")

        def task(cursor: duckdb.DuckDBPyConnection, cancel: Any, post: Any) -> None:
            where = check_filter(cursor, plain.table, spec.where) if spec.where else None
            checked = ViewSpec(spec.sort, spec.descending, where)
            if top_first and checked.sort is not None:
                top = [tuple(row) for row in cursor.execute(paging.top_rows_sql(plain, checked)).fetchall()]
                post(self._top_ready, (token, top))
            if checked.plain or scratch is None:
                post(self._view_ready, (token, plain, top_first))
                return
            paging.set_memory_limit(cursor, None)  # the sort may need more than browsing does
            try:
                post(
                    self._view_ready, (token, build_view(cursor, scratch, plain, checked, cancel), top_first)
                )
            finally:
                paging.set_memory_limit(cursor, BROWSING_MEMORY)

        self._lanes["view"].submit(task, slot="view", on_error=lambda error: self._view_failed(token, error))

    def _top_ready(self, value: tuple[int, list[tuple[str | None, ...]]]) -> None:
        token, rows = value
        if token == self._view_token:
            self.model.block_loaded(self.model.generation, 0, rows)

    def _view_ready(self, value: tuple[int, Source, bool]) -> None:
        token, source, swap = value
        if token != self._view_token:
            self._drop_scratch_tables(_scratch_tables(source))  # superseded meanwhile: never shown
            return
        self._drop_scratch_tables(self._shown_tables)  # what was shown until now
        self._shown_tables = _scratch_tables(source)
        if swap:
            self.model.swap_source(source, self._load_block)
        else:
            self.model.set_source(source, self._load_block)
        self.role_editing.show_in_headers()
        self._say(self._summary())
        self.view_ready.emit()

    def _drop_scratch_tables(self, names: list[str]) -> None:
        """Drop sorted copies or rowid lists no longer shown, on the view's worker (after its job)."""
        if not names or "view" not in self._lanes:
            return

        def task(cursor: duckdb.DuckDBPyConnection, _cancel: Any, _post: Any) -> None:
            for name in names:
                cursor.execute(f"DROP TABLE IF EXISTS {name}")

        self._lanes["view"].submit(task)

    def _view_failed(self, token: int, error: BaseException) -> None:
        if token != self._view_token:
            return
        self.spec = ViewSpec()
        if self.plain is not None:
            self.model.set_source(self.plain, self._load_block)
            self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        message = str(error) if isinstance(error, StudioError) else f"Unexpected error: {error!r}"
        self._say(message, error=True)
        self.view_failed.emit(message)


def _scratch_tables(source: Source) -> list[str]:
    """The scratch tables a source reads (none for the stored table)."""
    stored = paging.table_relation(source.table)
    return [name for name in (source.relation, source.rowids) if name and name != stored]
