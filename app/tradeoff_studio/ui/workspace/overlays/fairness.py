"""Fairness overlay: the rule and its policy, whether it reads the protected attribute, and the
per-group table with confusion matrices and selection rates (``candidates --by-group`` in core)."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ....core import analysis_workflows as flows
from ....core.jobs import CancelToken
from ....core.project import Project
from ..analysis_data import LoadedAnalysis, cell_text
from ..loader import Read
from . import Overlay
from .common import fill_table, percent, table_widget

FIGURES = ["n", "base rate", "selected [CI]", "TPR", "FPR", "precision", "accuracy", "threshold",
           "TP", "FP", "FN", "TN"]  # fmt: skip


class FairnessOverlay(Overlay):
    """Per-group evidence of the selected rule (objectName ``fairnessOverlay``)."""

    title = "Groups"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fairnessOverlay")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.groups = table_widget(["figure"], [], "groupTable", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.groups, 1)

    def background(self, data: LoadedAnalysis, row: int) -> Read | None:
        """Count the groups again for this rule (a DuckDB read of the analysed table)."""
        name, candidate = data.name, data.ids[row]

        def read(project: Project, _cancel: CancelToken) -> dict[str, Any]:
            return flows.candidate_groups(project, name, candidate)

        return read

    def show_candidate(self, data: LoadedAnalysis, row: int | None, details: object = None) -> None:
        """The rule in words and its per-group table."""
        if row is None:
            self.summary.setText("Select a candidate to see its groups.")
            fill_table(self.groups, ["figure"], [])
            return
        frame = data.table.frame
        flag = "uses_protected_attribute"
        protected = bool(frame[flag].iloc[row]) if flag in frame else False
        policy = cell_text(frame["policy"].iloc[row]) if "policy" in frame else "—"
        rule = cell_text(frame["rule"].iloc[row]) if "rule" in frame else "—"
        reads = "reads" if protected else "does not read"
        outcome = escape(str(details.get("outcome", ""))) if isinstance(details, dict) else ""
        self.summary.setText(
            f"<b>{escape(rule)}</b> — policy <b>{escape(policy)}</b>; the rule {reads} the protected "
            f"attribute at decision time. {outcome}"
        )
        groups = details.get("groups", []) if isinstance(details, dict) else []
        columns = [group_column(group) for group in groups]  # one column per group: they are few
        rows = [[figure, *(column[index] for column in columns)] for index, figure in enumerate(FIGURES)]
        fill_table(self.groups, ["figure", *(str(group.get("group")) for group in groups)], rows)


def group_column(group: dict[str, Any]) -> list[str]:
    """One group's figures (in :data:`FIGURES` order): rates, threshold, confusion matrix (weighted)."""
    weight = float(group.get("weight") or group.get("n") or 0)
    base, tpr, fpr = group.get("base_rate"), group.get("tpr"), group.get("fpr")
    positives = weight * base if isinstance(base, float) else None
    tp = positives * tpr if positives is not None and isinstance(tpr, float) else None
    fn = positives - tp if positives is not None and tp is not None else None
    negatives = weight - positives if positives is not None else None
    fp = negatives * fpr if negatives is not None and isinstance(fpr, float) else None
    tn = negatives - fp if negatives is not None and fp is not None else None
    selected = percent(group.get("selection_rate"))
    if isinstance(group.get("selection_rate_lo"), float):
        selected += f" [{percent(group['selection_rate_lo'])}, {percent(group['selection_rate_hi'])}]"
    counts = ["—" if value is None else f"{value:,.0f}" for value in (tp, fp, fn, tn)]
    return [f"{group.get('n', 0):,}", percent(base), selected, percent(tpr),
            percent(fpr), percent(group.get("precision")), percent(group.get("accuracy")),
            cell_text(group.get("threshold")), *counts]  # fmt: skip
