"""The exploration trail in the workspace (issue #18): shown on the front, toggled, extended.

A part of :class:`.workspace.AnalysisWorkspace` (a mixin, so the workspace module stays small).
The analysis's stored trail (``main``, as ``navigate`` writes it) comes with the analysis
(:mod:`.analysis_data`) and is drawn by the front view's :mod:`.trail_layer`; the toolbar's
``explorationTrail`` action shows or hides it. A navigation step starts from a reference point
typed in ``navigateReference`` (``price=2,agreement=70``, Enter) or clicked on an empty spot of
the plot while ``navigateClickAction`` is on: the click sets the two shown objectives, the others
keep the last step's reference (else the selected candidate's values, else the first front
candidate's). The step runs :func:`~tradeoff_studio.core.decisions.explorations.explore` on a
worker (it is stored and audited, never a decision), selects the projection and is one undoable
step: undo takes it back off the trail, redo takes it again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtWidgets import QLineEdit, QToolBar

from ...core.decisions.explorations import (
    DEFAULT_TRAIL,
    ExplorationStep,
    explore,
    list_steps,
    remove_last_step,
)
from ...core.decisions.preferences import parse_assignments
from ...core.errors import StudioError
from .undo import NavigateCommand

if TYPE_CHECKING:
    from .workspace import AnalysisWorkspace

    _Base = AnalysisWorkspace
else:
    _Base = object


class TrailActions(_Base):
    """Show the trail, take navigation steps (typed or clicked), undo and redo them."""

    trail_steps: list[dict[str, Any]]

    def _trail_toolbar(self, bar: QToolBar) -> None:
        """The trail's toolbar items: show/hide, navigate by click, the typed reference point."""
        self.trail_steps = []
        self.trail_action = self._toggle(bar, "Exploration trail", "explorationTrail", True)
        self.trail_action.setToolTip("Show the reference points and projections of the navigation trail")
        self.trail_action.toggled.connect(self.front.trail.set_visible)
        self.navigate_click = self._toggle(bar, "Navigate by click", "navigateClickAction", False)
        self.navigate_click.setToolTip("Click an empty spot of the plot: its projection on the front")
        self.navigate_click.toggled.connect(self._set_picking)
        self.reference_edit = QLineEdit()
        self.reference_edit.setObjectName("navigateReference")
        self.reference_edit.setPlaceholderText("navigate to, e.g. cost=2,quality=0.8 ⏎")
        self.reference_edit.setClearButtonEnabled(True)
        self.reference_edit.setMaximumWidth(self.reference_edit.fontMetrics().averageCharWidth() * 44)
        self.reference_edit.returnPressed.connect(self.navigate_typed)
        bar.addWidget(self.reference_edit)
        self.front.trail.referenceClicked.connect(self.navigate_clicked)

    def _set_picking(self, on: bool) -> None:
        self.front.trail.picking = bool(on)
        if on and not self.trail_action.isChecked():
            self.trail_action.setChecked(True)  # a step taken must be seen

    def show_trail(self, steps: list[dict[str, Any]]) -> None:
        """Draw ``steps`` (stored step dicts, in order); steps whose projection is no longer a
        candidate of the shown analysis (re-run since) are left out."""
        self.trail_steps = list(steps)
        if self.data is None:
            return
        data = self.data
        kept = [(step, data.row_of(str(step.get("candidate_id")))) for step in steps]
        kept = [(step, row) for step, row in kept if row is not None]
        references = np.array(
            [[float(step.get("reference", {}).get(axis, np.nan)) for axis in data.axes] for step, _ in kept]
        ).reshape(len(kept), len(data.axes))
        self.front.set_trail(references, np.array([row for _, row in kept], dtype=np.int64))
        count = len(kept)
        self.trail_action.setText(f"Exploration trail ({count})" if count else "Exploration trail")

    def navigate_typed(self) -> None:
        """Navigate to the reference point typed in ``navigateReference``."""
        text = self.reference_edit.text().strip()
        if not text:
            self.message.emit("Type a reference point, e.g. cost=2,quality=0.8, then Enter.")
            return
        try:
            reference = parse_assignments(text, "The reference point")
        except StudioError as error:
            self.message.emit(str(error))
            return
        self.navigate_to(reference)

    def navigate_clicked(self, x: float, y: float) -> None:
        """Navigate to the clicked point: the shown objectives from the click, the others kept."""
        if self.data is None:
            return
        objectives = [o.metric for o in self.data.table.objectives]
        reference = self._reference_base(objectives)
        for axis, value in zip(self.front.axes, (x, y), strict=True):
            if axis in objectives:
                reference[axis] = value
        self.navigate_to(reference)

    def _reference_base(self, objectives: list[str]) -> dict[str, float]:
        """Aspirations for the objectives a click does not set (see the module docstring)."""
        assert self.data is not None
        if self.trail_steps:
            last = self.trail_steps[-1].get("reference", {})
            if all(name in last for name in objectives):
                return {name: float(last[name]) for name in objectives}
        row = self.selected if self.selected is not None else int(np.flatnonzero(self.data.front)[0])
        frame = self.data.table.frame
        return {name: float(frame[name].iloc[row]) for name in objectives}

    def navigate_to(self, reference: dict[str, float]) -> None:
        """Project ``reference`` on the front on a worker; the step comes back to :meth:`navigated`."""
        if self.data is None or self.project is None:
            self.message.emit("Open an analysis to navigate its front.")
            return
        if self.loader.busy("navigate"):
            self.message.emit("A navigation step is being taken; wait a moment.")
            return
        name, asked = self.data.name, dict(reference)
        self.message.emit("Projecting the reference point on the front…")
        self.loader.submit("navigate", self.project,
                           lambda view, _cancel: explore(view, name, reference=asked))  # fmt: skip

    def navigated(self, step: ExplorationStep) -> None:
        """A step is stored (the worker's result): show it and push it as one undoable step."""
        if self.data is None or step.analysis != self.data.name:
            return
        before = self.selected
        asked = dict(step.details["reference"])

        def take() -> None:
            assert self.project is not None
            self._show_step(explore(self.project, step.analysis, reference=asked, trail=step.trail))

        def take_back() -> None:
            assert self.project is not None
            remove_last_step(self.project, step.analysis, step.trail)
            self._refresh_trail(step.analysis, step.trail)
            self.apply_selection(before)
            self.message.emit(f"Navigation step {step.step} taken back off the trail.")

        self.undo_stack.push(NavigateCommand(f"Navigate to {step.details['candidate_id']}", take, take_back))
        self._show_step(step)

    def _show_step(self, step: ExplorationStep) -> None:
        self._refresh_trail(step.analysis, step.trail)
        details = step.details
        row = self.data.row_of(str(details["candidate_id"])) if self.data is not None else None
        if row is not None:
            self.apply_selection(row)
        achievement = float(details["achievement"])
        reach = "every aspiration met" if achievement <= 0 else f"short of the hardest by {achievement:.3g}"
        asked = ", ".join(f"{name}={value:.4g}" for name, value in details["reference"].items())
        self.message.emit(
            f"Step {step.step} of trail '{step.trail}': {asked} projects on {details['candidate_id']} "
            f"({reach}, in front ranges). Ctrl+Z takes it back."
        )

    def _refresh_trail(self, analysis: str, trail: str = DEFAULT_TRAIL) -> None:
        if self.project is None or self.data is None or self.data.name != analysis:
            return
        self.show_trail([item.to_dict() for item in list_steps(self.project, analysis, trail)])
