"""The jobs dock: one row per job with its title, progress, elapsed time and a Cancel button."""

from __future__ import annotations

import time

from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .icons import icon
from .jobs import Job, JobPool

KEEP_FINISHED = 30  # finished rows kept for reference; older ones go
_COLUMNS = ("Job", "Status", "Progress", "Elapsed", "")
_STATUS, _BAR, _ELAPSED, _CANCEL = 1, 2, 3, 4
_ENDINGS = {"done": "Done", "cancelled": "Cancelled", "failed": "Failed"}


class JobsDock(QDockWidget):
    """Follows a :class:`JobPool`: rows appear on submit, move on each 30 Hz poll, settle on finish."""

    def __init__(self, pool: JobPool, parent: QWidget | None = None) -> None:
        super().__init__("Jobs", parent)
        self.setObjectName("jobsDock")
        self.pool = pool
        self.rows: dict[int, QTreeWidgetItem] = {}
        self.bars: dict[int, QProgressBar] = {}
        self.cancel_buttons: dict[int, QPushButton] = {}
        self.tree = QTreeWidget()
        self.tree.setObjectName("jobsList")
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels(list(_COLUMNS))
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(_STATUS, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 330), (_BAR, 150), (_ELAPSED, 70), (_CANCEL, 100)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.tree.setColumnWidth(column, width)
        self.clear_button = QPushButton("Clear finished")
        self.clear_button.clicked.connect(self.clear_finished)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.clear_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tree)
        layout.addLayout(row)
        self.setWidget(body)
        pool.added.connect(self._add)
        pool.polled.connect(self._refresh)
        pool.finished.connect(self._settle)

    def _add(self, job: Job) -> None:
        item = QTreeWidgetItem(self.tree, [job.title, "Waiting to start", "", "queued", ""])
        item.setToolTip(0, job.title)
        item.setIcon(0, icon("job"))
        bar = QProgressBar()
        bar.setRange(0, 1000)
        bar.setTextVisible(True)
        bar.setFormat("")
        cancel = QPushButton("Cancel")
        cancel.setObjectName(f"cancelJob{job.id}")
        cancel.setToolTip(f"Cancel {job.title}: nothing of it is written")
        cancel.clicked.connect(lambda _checked=False, job_id=job.id: self._cancel(job_id))
        self.tree.setItemWidget(item, _BAR, bar)
        self.tree.setItemWidget(item, _CANCEL, cancel)
        self.rows[job.id], self.bars[job.id], self.cancel_buttons[job.id] = item, bar, cancel
        self.tree.scrollToItem(item)

    def _cancel(self, job_id: int) -> None:
        self.pool.cancel(job_id)
        button = self.cancel_buttons.get(job_id)
        if button is not None:
            button.setEnabled(False)
            button.setText("Cancelling…")

    def _refresh(self) -> None:
        """Read each active job's latest progress (called at ~30 Hz while jobs run)."""
        now = time.monotonic()
        for job in self.pool.active_jobs():
            bar, item = self.bars.get(job.id), self.rows.get(job.id)
            if bar is None or item is None or job.state != "running":
                continue
            fraction, message = job.progress
            bar.setValue(int(fraction * 1000))
            bar.setFormat(f"{fraction:.0%}")
            item.setText(_STATUS, message or "Running")
            item.setToolTip(_STATUS, message)
            item.setText(_ELAPSED, _seconds(job.elapsed(now)))

    def _settle(self, job: Job) -> None:
        bar, item, button = self.bars.get(job.id), self.rows.get(job.id), self.cancel_buttons.get(job.id)
        if bar is None or item is None or button is None:
            return
        if job.state == "done":
            bar.setValue(1000)
        bar.setFormat(_ENDINGS.get(job.state, job.state))
        detail = str(job.outcome[1]).splitlines()[0] if job.state == "failed" and job.outcome else ""
        item.setText(_STATUS, detail or ("" if job.state == "done" else "Nothing was written"))
        item.setToolTip(_STATUS, str(job.outcome[1]) if job.state == "failed" and job.outcome else "")
        item.setText(_ELAPSED, _seconds(job.elapsed()))
        self.tree.removeItemWidget(item, _CANCEL)  # a view re-shows hidden item widgets: remove it
        del self.cancel_buttons[job.id]
        self._drop_old()

    def clear_finished(self) -> None:
        """Remove the rows of finished jobs."""
        for job in self.pool.jobs:
            if not job.active and job.id in self.rows:
                self._remove(job.id)

    def _drop_old(self) -> None:
        finished = [job.id for job in self.pool.jobs if not job.active and job.id in self.rows]
        for job_id in finished[:-KEEP_FINISHED] if len(finished) > KEEP_FINISHED else []:
            self._remove(job_id)

    def _remove(self, job_id: int) -> None:
        item = self.rows.pop(job_id)
        self.bars.pop(job_id, None)
        self.cancel_buttons.pop(job_id, None)
        self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(item))

    def row_texts(self, job_id: int) -> tuple[str, str, str, str]:
        """(title, progress text, status, elapsed) of a job's row, as shown (for tests)."""
        item, bar = self.rows[job_id], self.bars[job_id]
        return item.text(0), bar.text(), item.text(_STATUS), item.text(_ELAPSED)


def _seconds(value: float) -> str:
    """``0.4 s``, ``12 s``, ``3:05``."""
    if value < 10:
        return f"{value:.1f} s"
    if value < 60:
        return f"{value:.0f} s"
    return f"{int(value // 60)}:{int(value % 60):02d}"
