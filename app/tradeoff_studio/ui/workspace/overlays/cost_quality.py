"""Cost–quality overlay: the recipe of the selected point (a system, a random mixture of two, or a
cascade with its confidence threshold), its cost-of-pass and latencies, and the convex hull."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..analysis_data import LoadedAnalysis, cell_text, value_with_ci
from . import Overlay
from .common import fill_table, table_widget

HEADERS = ["figure", "estimate [CI]"]
FIGURES = ("quality", "cost", "cost_of_pass", "escalated", "latency_p50", "latency_p95")


class CostQualityOverlay(Overlay):
    """The recipe in words (objectName ``costQualityOverlay``)."""

    title = "Recipe"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("costQualityOverlay")
        self.recipe = QLabel()
        self.recipe.setObjectName("recipeLabel")
        self.recipe.setWordWrap(True)
        self.figures = table_widget(HEADERS, [], "recipeTable", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.recipe)
        layout.addWidget(self.figures, 1)

    def show_candidate(self, data: LoadedAnalysis, row: int | None, details: object = None) -> None:
        """The recipe and its figures."""
        if row is None:
            self.recipe.setText("Select a point to see its recipe.")
            fill_table(self.figures, HEADERS, [])
            return
        self.recipe.setText(recipe_text(data, row))
        frame = data.table.frame
        rows = [[m, value_with_ci(data.table, m, row)] for m in FIGURES if m in frame]
        fill_table(self.figures, HEADERS, rows)


def recipe_text(data: LoadedAnalysis, row: int) -> str:
    """E.g. "Mixture: 30% of items to B, the rest to A" (escaped HTML)."""
    frame = data.table.frame

    def cell(name: str) -> str:
        return cell_text(frame[name].iloc[row]) if name in frame else "—"

    kind, first, second = cell("kind"), escape(cell("first")), escape(cell("second"))
    hull = data.table.notes.get("hull")
    on_hull = isinstance(hull, list) and data.ids[row] in hull
    where = " It lies on the convex hull of what is achievable." if on_hull else ""
    if kind == "mixture":
        share = frame["share_second"].iloc[row]
        return (f"<b>Mixture</b>: send a random {share:.0%} of items to <b>{second}</b>, the rest to "
                f"<b>{first}</b>.{where}")  # fmt: skip
    if kind == "cascade":
        return (f"<b>Cascade</b>: <b>{first}</b> answers first; items whose confidence is below "
                f"{cell('threshold')} go on to <b>{second}</b> ({cell('escalated')} of items "
                f"escalated).{where}")  # fmt: skip
    return f"<b>Single system</b>: <b>{escape(cell('system'))}</b> answers every item.{where}"
