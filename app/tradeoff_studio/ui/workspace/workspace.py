"""The decision workspace (objectName ``analysisWorkspace``): one stored analysis, looked at and decided.

It loads the analysis off the UI thread (:mod:`.loader`; a new load cancels the stale one) and
drives the front view, the parallel-coordinates view, the inspector, the kind's overlay, the
preference editors and the decisions list. Dragging a constraint re-evaluates the recommendation
live through :class:`~tradeoff_studio.core.decisions.live.LiveRecommender` (one O(n) pass per
move); releasing it, like every selection, pin, weight edit and lock, is one step on
:attr:`AnalysisWorkspace.undo_stack` (the window's Edit ▸ Undo / Redo, Ctrl+Z / Ctrl+Shift+Z).
The exploration trail (reference points and their projections, navigation steps typed or
clicked) is :mod:`.trail_actions`.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QLabel,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ...core.analyses import kinds
from ...core.decisions.explorations import ExplorationStep
from ...core.decisions.live import LiveChoice, LiveRecommender
from ...core.decisions.preferences import Preferences
from ...core.decisions.store import DecisionRecord
from ...core.errors import StudioError
from ...core.pareto.summary import indicator_lines
from ...core.project import Project
from . import analysis_data
from .analysis_data import LoadedAnalysis
from .controls import ConstraintEditor, DecisionsPanel, WeightsEditor
from .decision_actions import DecisionActions
from .front_view import FrontView
from .inspector import INLINE_LIMIT, Inspector, candidate_html
from .loader import Loader
from .overlays import Overlay, overlay_for
from .parallel_view import ParallelView
from .preference_edits import PreferenceEdits
from .trail_actions import TrailActions
from .undo import PinCommand, SelectCommand


class AnalysisWorkspace(PreferenceEdits, DecisionActions, TrailActions, QWidget):
    """The workspace; :meth:`load` shows an analysis, ``loaded`` says when its front is drawn."""

    loaded = Signal(str)
    decisionLocked = Signal(object)  # noqa: N815 the DecisionRecord, once recorded
    recommendationChanged = Signal(object)  # noqa: N815 a LiveChoice
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("analysisWorkspace")
        self.project: Project | None = None
        self.data: LoadedAnalysis | None = None
        self.prefs = Preferences()
        self.live: LiveRecommender | None = None
        self.choice: LiveChoice | None = None
        self.selected: int | None = None
        self.pinned: int | None = None
        self.overlay: Overlay | None = None
        self._drag_before: Preferences | None = None
        self._drag_bounds: list[float] = []
        self._pending_decide: Callable[[Project, str | None], DecisionRecord] | None = None
        self.undo_stack = QUndoStack(self)
        self.loader = Loader(self)
        self.loader.done.connect(self._on_done)
        self.loader.failed.connect(self._on_failed)
        self._build()
        self._connect()

    # --- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.front = FrontView(self)
        self.parallel = ParallelView(self)
        self.inspector = Inspector(self)
        self.constraints = ConstraintEditor(self)
        self.weights = WeightsEditor(self)
        self.decisions = DecisionsPanel(self)
        self.title = QLabel("Select an analysis in the project tree.")
        self.title.setObjectName("workspaceTitle")
        self.indicators = QLabel("")
        self.indicators.setObjectName("indicatorsLabel")
        self.indicators.setTextFormat(Qt.TextFormat.PlainText)  # knee ids come from user data
        self.indicators.setWordWrap(True)
        self.recommendation = QLabel("")
        self.recommendation.setObjectName("recommendationLabel")
        self.recommendation.setTextFormat(Qt.TextFormat.PlainText)  # candidate ids come from user data
        self.status = QLabel("")
        self.status.setObjectName("workspaceMessage")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        plots = QSplitter(Qt.Orientation.Vertical)
        plots.addWidget(self.front)
        plots.addWidget(self.parallel)
        plots.setSizes([520, 200])
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(plots)
        body.addWidget(self._side_panel())
        body.setStretchFactor(0, 3)
        body.setStretchFactor(1, 2)
        body.setSizes([640, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.title)
        layout.addWidget(self.indicators)
        layout.addWidget(self._toolbar())
        layout.addWidget(self.recommendation)
        layout.addWidget(body, 1)
        layout.addWidget(self.status)

    def _side_panel(self) -> QWidget:
        """The preferences above the inspector / overlay / decisions tabs."""
        self.tabs = QTabWidget()
        self.tabs.setObjectName("workspaceTabs")
        self.tabs.addTab(self.inspector, "Inspector")
        self.tabs.addTab(self.decisions, "Decisions")
        preferences = QGroupBox("Preferences")
        box = QVBoxLayout(preferences)
        box.addWidget(self.constraints)
        box.addWidget(self.weights)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(preferences)
        side_layout.addWidget(self.tabs, 1)
        return side

    def _toolbar(self) -> QToolBar:
        bar = QToolBar(self)
        bar.setObjectName("workspaceToolbar")
        self.x_axis, self.y_axis = QComboBox(), QComboBox()
        self.x_axis.setObjectName("xAxisCombo")
        self.y_axis.setObjectName("yAxisCombo")
        self.axis_actions = [bar.addWidget(QLabel(" x: ")), bar.addWidget(self.x_axis),
                             bar.addWidget(QLabel(" y: ")), bar.addWidget(self.y_axis)]  # fmt: skip
        self.front_only = self._toggle(bar, "Show front only", "showFrontOnlyAction", False)
        self.include_dominated = self._toggle(bar, "Include dominated", "includeDominatedAction", True)
        self.front_only.toggled.connect(self.front.set_show_front_only)
        self.include_dominated.toggled.connect(self.front.set_include_dominated)
        self._trail_toolbar(bar)
        return bar

    def _toggle(self, bar: QToolBar, text: str, name: str, on: bool) -> QAction:
        action = bar.addAction(text)
        action.setObjectName(name)
        action.setCheckable(True)
        action.setChecked(on)
        return action

    def _connect(self) -> None:
        self.front.candidateClicked.connect(self.select)
        self.front.constraintMoved.connect(self.drag_constraint)
        self.front.constraintFinished.connect(self.finish_constraint)
        self.parallel.brushChanged.connect(self.front.set_filter)
        self.inspector.pinRequested.connect(self.toggle_pin)
        self.inspector.lockRequested.connect(lambda text, supersede: self.lock(text, supersede=supersede))
        self.constraints.addRequested.connect(self.add_constraint)
        self.constraints.removeRequested.connect(self.remove_constraint)
        self.constraints.boundDragged.connect(self.drag_bound)
        self.constraints.boundSet.connect(self.finish_bound)
        self.weights.weightsEdited.connect(self.set_weights)
        self.decisions.withdrawRequested.connect(self.withdraw)
        self.decisions.candidateActivated.connect(self._select_id)
        self.x_axis.currentTextChanged.connect(self._axes_changed)
        self.y_axis.currentTextChanged.connect(self._axes_changed)
        self.message.connect(self.status.setText)

    # --- loading ----------------------------------------------------------------------------

    def set_project(self, project: Project | None) -> None:
        """Forget the shown analysis (its jobs cancelled and joined) and work on ``project``."""
        self.shutdown()
        self.project = project
        self.data = None
        self.undo_stack.clear()
        self.title.setText("Select an analysis in the project tree.")

    def load(self, name: str) -> None:
        """Read analysis ``name`` off the UI thread and show it (a newer load cancels this one)."""
        if self.project is None:
            self.message.emit("Open a project first.")
            return
        self.loader.cancel("details")
        self.title.setText(f"Loading analysis {escape(name)}…")
        self.loader.submit("analysis", self.project,
                           lambda view, cancel: analysis_data.load(view, name, cancel))  # fmt: skip

    def keep_ghost_if_same(self, spec: object) -> None:
        """Before a re-run: keep the shown front as a ghost when ``spec`` is of the same kind and
        table (the new front is then drawn over the previous one)."""
        if self.data is None:
            return
        try:
            described = kinds.kind_of(spec)
        except StudioError:
            return
        if described.name == self.data.kind and self.data.source_table == described.table_of(spec):
            self.front.keep_ghost()

    def shutdown(self) -> None:
        """Cancel and join the workspace's jobs (before the project closes, and on close)."""
        self.loader.cancel_and_wait()

    def _on_done(self, slot: str, result: object) -> None:
        if slot == "analysis" and isinstance(result, LoadedAnalysis):
            self.show_data(result)
        elif slot == "lock" and isinstance(result, DecisionRecord):
            self.locked(result)
        elif slot == "navigate" and isinstance(result, ExplorationStep):
            self.navigated(result)
        elif slot == "inspect" and isinstance(result, str):
            self.inspector.show_html(result)
        elif slot == "details" and self.overlay is not None and self.data is not None:
            self.overlay.show_candidate(self.data, self.selected, result)

    def _on_failed(self, slot: str, error: object) -> None:
        text = str(error) if isinstance(error, StudioError) else f"Unexpected error: {error!r}"
        if slot == "analysis":
            self.title.setText("The analysis could not be shown.")
        if slot == "lock":
            self._refresh_inspector()  # the Lock button again
        self.message.emit(text)

    def _show_indicators(self, indicators: dict[str, Any] | None) -> None:
        """Knee, ideal/nadir and hypervolume in one line; every indicator line in its tooltip."""
        lines = indicator_lines(indicators) if indicators else []
        self.indicators.setText("  ·  ".join(lines[:3]))
        self.indicators.setToolTip("\n".join(lines))
        self.indicators.setVisible(bool(lines))

    def show_data(self, data: LoadedAnalysis) -> None:
        """Show an analysis already read (what :meth:`load` does once its read is done; benchmarks)."""
        self.data, self.selected, self.pinned = data, None, None
        self.undo_stack.clear()
        kind = data.kind
        self.title.setText(f"<b>{escape(data.name)}</b> — {kind}, {len(data.ids):,} candidates, "
                           f"{int(data.front.sum()):,} on the front")  # fmt: skip
        self._show_indicators(data.indicators)
        self.front.set_candidates(data.points, data.axes, data.senses, data.front, data.ranks,
                                  data.lo, data.hi, tooltip=data.tooltip)  # fmt: skip
        self.parallel.set_candidates(data.points, data.axes, data.senses, data.front)
        self.show_trail(list(data.trail))
        self._fill_axes(data.axes)
        self._install_overlay(kind)
        metrics = [o.metric for o in data.table.objectives]
        metrics += [m for m in data.table.metrics if m not in metrics]
        frame = data.table.frame
        medians = {m: _median(frame[m].to_numpy(dtype=float)) for m in metrics}
        self.constraints.set_metrics(metrics, medians)
        self.decisions.show_decisions(data.decisions)
        self.message.emit("")
        self.live = data.live
        self.apply_preferences(data.prefs)
        current = data.current_decision()
        start = data.row_of(current.candidate_id) if current is not None else None
        self.apply_selection(start if start is not None else (self.choice.row if self.choice else None))
        self.loaded.emit(data.name)

    def _fill_axes(self, axes: list[str]) -> None:
        for combo, default in ((self.x_axis, axes[0]), (self.y_axis, axes[1])):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(axes)
            combo.setCurrentText(default)
            combo.blockSignals(False)
        for action in self.axis_actions:
            action.setVisible(len(axes) > 2)
        self.front.set_axes(axes[0], axes[1])

    def _axes_changed(self) -> None:
        x, y = self.x_axis.currentText(), self.y_axis.currentText()
        if x and y and x != y:
            self.front.set_axes(x, y)

    def _install_overlay(self, kind: str) -> None:
        if self.overlay is not None:
            self.tabs.removeTab(self.tabs.indexOf(self.overlay))
            self.overlay.deleteLater()
        self.overlay = overlay_for(kind, self)
        if self.overlay is not None:
            self.tabs.insertTab(1, self.overlay, self.overlay.title)

    # --- selection and compare ----------------------------------------------------------------

    def select(self, row: int) -> None:
        """Select candidate ``row`` (an undoable step)."""
        if self.data is None or row == self.selected or not 0 <= row < len(self.data.ids):
            return
        text = f"Select {self.data.ids[row]}"
        self.undo_stack.push(SelectCommand(self, self.selected, row, text))

    def _select_id(self, candidate_id: str) -> None:
        row = self.data.row_of(candidate_id) if self.data is not None else None
        if row is not None:
            self.select(row)

    def toggle_pin(self) -> None:
        """Pin the selected candidate for comparison, or unpin it (an undoable step)."""
        if self.data is None or self.selected is None:
            return
        after = None if self.pinned == self.selected else self.selected
        text = "Unpin" if after is None else f"Pin {self.data.ids[after]}"
        self.undo_stack.push(PinCommand(self, self.pinned, after, text))

    def apply_selection(self, row: int | None) -> None:
        """Show ``row`` as selected everywhere (no undo step: the commands call this)."""
        self.selected = row
        self.front.set_selected(row)
        self.parallel.set_highlight(row)
        self._refresh_inspector()
        if self.overlay is None or self.data is None:
            return
        work = self.overlay.background(self.data, row) if row is not None else None
        if work is None or self.project is None:
            self.loader.cancel("details")
            self.overlay.show_candidate(self.data, row)
        else:
            self.loader.submit("details", self.project, work)

    def apply_pinned(self, row: int | None) -> None:
        """Mark ``row`` as the pinned candidate (no undo step)."""
        self.pinned = row
        self.front.set_pinned(row)
        self._refresh_inspector()

    def _refresh_inspector(self) -> None:
        data, row, pinned, prefs = self.data, self.selected, self.pinned, self.prefs
        self.inspector.show_candidate(data, row, pinned, prefs)
        if data is not None and row is not None and len(data.ids) > INLINE_LIMIT:
            self.loader.compute("inspect", lambda _cancel: candidate_html(data, row, pinned, prefs))
        else:
            self.loader.cancel("inspect")


def _median(values: np.ndarray) -> float:
    """The median of the defined values (NaN when there are none: an undefined metric)."""
    defined = values[~np.isnan(values)]
    return float(np.median(defined)) if defined.size else float("nan")
