"""The project overview: tables with their columns and provenance, models, score columns."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from ..core.workflows import ProjectInfo

NUMERIC_TYPES = (
    "DOUBLE",
    "FLOAT",
    "BIGINT",
    "INTEGER",
    "SMALLINT",
    "TINYINT",
    "HUGEINT",
    "DECIMAL",
    "UBIGINT",
)
ROLE = Qt.ItemDataRole.UserRole


class ProjectTree(QTreeWidget):
    """A read-only tree of what the open project holds.

    Items carry ``("table", name)`` or ``("column", table, column)`` in :data:`ROLE`.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(["Name", "Details"])
        self.setColumnWidth(0, 280)
        self.setAlternatingRowColors(True)

    def show_info(self, info: ProjectInfo | None) -> None:
        """Replace the tree with ``info`` (None clears it)."""
        self.clear()
        if info is None:
            return
        tables = self._section("Tables", f"{len(info.tables)}")
        for table in info.tables:
            self._add_table(tables, table)
        models = self._section("Models", f"{len(info.models)}")
        for model in info.models:
            producer = model["manifest"]["producer_name"] or "unknown producer"
            item = QTreeWidgetItem(models, [model["name"], f"{producer}, sha256 {model['sha256'][:12]}…"])
            for spec in model["manifest"]["inputs"]:
                QTreeWidgetItem(item, [spec["name"], f"input {spec['onnx_type']} {spec['shape']}"])
        scores = self._section("Score columns", f"{len(info.score_columns)}")
        for score in info.score_columns:
            details = (
                f"{score['model']} on {score['provider']}, {score['rows']:,} rows in {score['seconds']:.2f} s"
            )
            item = QTreeWidgetItem(scores, [f"{score['table']}.{score['column']}", details])
            item.setData(0, ROLE, ("column", score["table"], score["column"]))
        analyses = self._section("Analyses", f"{len(info.analyses)}")
        for analysis in info.analyses:
            details = (
                f"{analysis['kind']}, {analysis['rows']:,} candidates, {analysis['front']:,} on the front"
            )
            item = QTreeWidgetItem(analyses, [analysis["name"], details])
            item.setData(0, ROLE, ("analysis", analysis["name"]))
            for decision in info.decisions:
                if decision["analysis"] == analysis["name"]:
                    chosen = f"decision by {decision['author']} on {str(decision['decided_at'])[:16]}"
                    QTreeWidgetItem(item, [decision["candidate_id"], chosen])
        for index in range(self.topLevelItemCount()):
            self.topLevelItem(index).setExpanded(True)

    def select_first_table(self) -> None:
        """Make the first table the current item (its preview then shows), if there is one."""
        tables = self.topLevelItem(0)
        if tables is not None and tables.childCount():
            self.setCurrentItem(tables.child(0))

    def _section(self, title: str, details: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self, [title, details])
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        return item

    @staticmethod
    def _add_table(parent: QTreeWidgetItem, table: dict[str, Any]) -> None:
        source = (
            table["provenance"]["sources"][0]["path"] if table["provenance"] else "created in the project"
        )
        item = QTreeWidgetItem(
            parent, [table["name"], f"{table['rows']:,} rows, {len(table['columns'])} columns"]
        )
        item.setToolTip(1, f"Imported from {source}")
        item.setData(0, ROLE, ("table", table["name"]))
        for column in table["columns"]:
            child = QTreeWidgetItem(item, [column["name"], column["type"]])
            if column["type"].startswith(NUMERIC_TYPES):
                child.setData(0, ROLE, ("column", table["name"], column["name"]))
