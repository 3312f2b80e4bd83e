"""The front view: every candidate of an analysis on two objectives, the Pareto front highlighted.

Layers, bottom to top (research/workspace.md §6): the dominated cloud (a viewport-binned density
image above ``DENSITY_THRESHOLD`` candidates, else faded points per rank), constraint shading, the
previous run's front (dashed), CI whiskers (one ``connect="pairs"`` curve), the front line and
markers, the knee / recommended / pinned / selected markers, the exploration trail
(:mod:`.trail_layer`), the hover text and constraint lines.
Hover and click use the view's own grid index (``PointGrid``), never ``pointsAt``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QWidget

from tradeoff_studio.core.errors import NotFoundError, StudioError
from tradeoff_studio.ui.workspace.constraint_lines import ConstraintLines
from tradeoff_studio.ui.workspace.density import DensityLayer
from tradeoff_studio.ui.workspace.front_layers import (
    DENSITY_THRESHOLD,
    default_tooltip,
    direction_label,
    front_order,
    rank_buckets,
    walk_step,
)
from tradeoff_studio.ui.workspace.front_marks import FrontMarks
from tradeoff_studio.ui.workspace.palette import Palette, active_palette, qcolor, with_alpha
from tradeoff_studio.ui.workspace.pick_index import PointGrid
from tradeoff_studio.ui.workspace.trail_layer import TrailLayer

HOVER_RADIUS_PX = 6.0
WALK_KEYS = {Qt.Key.Key_Right: 1, Qt.Key.Key_Up: 1, Qt.Key.Key_Left: -1, Qt.Key.Key_Down: -1}


class ImageExportError(StudioError):
    """The plot image cannot be written where the user asked."""


class FrontView(pg.PlotWidget):
    """A pyqtgraph plot of candidates (objectName ``frontView``)."""

    #: row index into the arrays of set_candidates, on a click or an arrow key
    candidateClicked = Signal(int)  # noqa: N815 (Qt naming: the published API)
    #: the hovered row, -1 when the pointer leaves every point
    candidateHovered = Signal(int)  # noqa: N815
    #: objective, bound: while a constraint line is dragged (at most ~100 Hz)
    constraintMoved = Signal(str, float)  # noqa: N815
    #: objective, bound: once per drag, at release
    constraintFinished = Signal(str, float)  # noqa: N815

    def __init__(self, parent: QWidget | None = None, palette: Palette | None = None) -> None:
        self.palette_ = palette or active_palette()
        super().__init__(parent, background=qcolor(self.palette_.background))
        self.setObjectName("frontView")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._points = np.zeros((0, 2))
        self._objectives: list[str] = []
        self._senses: list[str] = []
        self._front = np.zeros(0, dtype=bool)
        self._buckets = np.zeros(0, dtype=np.int8)
        self._bounds: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None
        self._tooltip: Callable[[int], str] | None = None
        self._axes = (0, 1)
        self._filter: NDArray[np.bool_] | None = None
        self._front_only = False
        self._include_dominated = True
        self._order = np.zeros(0, dtype=np.int64)
        self._grid: PointGrid | None = None
        self._hovered = -1
        self._style_axes()
        self.plotItem.disableAutoRange()
        self.plotItem.hideButtons()  # the "A" auto-range button would frame the front only: Home resets
        for axis in ("bottom", "left"):
            self.plotItem.getAxis(axis).enableAutoSIPrefix(False)  # "0.8", not "800 (x0.001)"
        self.density = DensityLayer(
            self.plotItem.getViewBox(),
            qcolor(self.palette_.cloud),
            kept=with_alpha(self.palette_.ranked, 150),
            faded=with_alpha(self.palette_.faded, 110),
        )
        self.marks = FrontMarks(self.plotItem, self.palette_)
        self.constraints = ConstraintLines(self.plotItem, self.palette_)
        self.constraints.moved.connect(self.constraintMoved)
        self.constraints.finished.connect(self.constraintFinished)
        self.trail = TrailLayer(self.plotItem, self.palette_, self.candidate_at)
        self.marks.legend.addItem(self.trail.references, "navigation trail")
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.reset_action = self._reset_action()

    def _reset_action(self) -> QAction:
        """The "Reset view" action (objectName ``resetViewAction``): Home, and the right-click menu."""
        action = QAction("Reset view", self)
        action.setObjectName("resetViewAction")
        action.setShortcut(Qt.Key.Key_Home)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(self.reset_view)
        self.addAction(action)
        self.plotItem.getViewBox().menu.addAction(action)
        return action

    def _style_axes(self) -> None:
        foreground = qcolor(self.palette_.foreground)
        for name in ("left", "bottom"):
            axis = self.plotItem.getAxis(name)
            axis.setPen(foreground)
            axis.setTextPen(foreground)

    # ----------------------------------------------------------------- data
    def set_candidates(  # noqa: PLR0917 (the published API)
        self,
        points: NDArray[np.float64],
        objectives: Sequence[str],
        senses: Sequence[str],
        front: NDArray[np.bool_],
        ranks: NDArray[np.int64] | None = None,
        lo: NDArray[np.float64] | None = None,
        hi: NDArray[np.float64] | None = None,
        tooltip: Callable[[int], str] | None = None,
    ) -> None:
        """Show ``points`` (n, m) on objectives (senses "min"/"max"); ``front`` marks the Pareto front.

        ``ranks`` (0 on the front) fade the dominated layers; ``lo``/``hi`` (n, m) are CI bounds (NaN =
        none) drawn as whiskers on front points; ``tooltip(row)`` gives the hover text. The first two
        objectives are drawn until ``set_axes`` picks others; axes already picked are kept when the new
        candidates have both objectives (a re-run). Selection, markers and the filter are cleared.
        """
        points = np.asarray(points, dtype=np.float64)
        if points.ndim != 2 or points.shape[1] != len(objectives) or len(senses) != len(objectives):
            raise ValueError(f"points {points.shape} do not match {len(objectives)} objectives and senses")
        if points.shape[1] < 2:
            raise ValueError("the front view needs at least two objectives")
        previous = self.axes if self._objectives else ("", "")
        self._points = points
        self._objectives, self._senses = list(objectives), list(senses)
        self._front = np.asarray(front, dtype=bool).reshape(points.shape[0])
        self._buckets = rank_buckets(self._front, ranks)
        self._bounds = None
        if lo is not None and hi is not None:
            self._bounds = (np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64))
        self._tooltip = tooltip
        self._filter = None
        self.marks.clear_choices()
        self.trail.set_steps(np.zeros((0, points.shape[1])), np.zeros(0, dtype=np.int64))
        kept = all(name in self._objectives for name in previous) and previous[0] != previous[1]
        self._axes = (
            (self._objectives.index(previous[0]), self._objectives.index(previous[1])) if kept else (0, 1)
        )
        self._redraw()

    def set_axes(self, x: str, y: str) -> None:
        """Draw objective ``x`` across and ``y`` up (for more than two objectives)."""
        self._axes = (self._column(x), self._column(y))
        self._redraw()

    def _column(self, objective: str) -> int:
        if objective not in self._objectives:
            shown = ", ".join(self._objectives) or "none yet"
            raise NotFoundError(f"objective {objective!r} is not in this analysis; choose one of: {shown}")
        return self._objectives.index(objective)

    @property
    def axes(self) -> tuple[str, str]:
        """The objectives drawn across and up."""
        return self._objectives[self._axes[0]], self._objectives[self._axes[1]]

    def _xy(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        return self._points[:, self._axes[0]], self._points[:, self._axes[1]]

    def _redraw(self) -> None:
        x, y = self._xy()
        x_name, y_name = self.axes
        self.plotItem.setLabel("bottom", direction_label(x_name, self._senses[self._axes[0]]))
        self.plotItem.setLabel("left", direction_label(y_name, self._senses[self._axes[1]]))
        self._place_legend()
        self._order = front_order(x, y, self._front)
        self._draw_cloud()
        self.marks.set_data(x, y, self._order, self._axes, self._bounds, self._objectives, self._filter)
        self.constraints.redraw(x_name, y_name, _span(x), _span(y))
        self.trail.draw(self._points, self._axes)
        self._grid = None
        self._set_hovered(-1)
        self.reset_view()

    def _place_legend(self) -> None:
        """Put the legend in the worst corner (high cost, low accuracy): the front bends towards the
        ideal corner, where a legend covered its best points; only faded dominated ones sit here."""
        left = self._senses[self._axes[0]] == "max"
        top = self._senses[self._axes[1]] == "min"
        corner = (0 if left else 1, 0 if top else 1)
        self.marks.legend.anchor(
            itemPos=corner, parentPos=corner, offset=(10 if left else -10, 10 if top else -10)
        )

    def _draw_cloud(self) -> None:
        """The dominated candidates: a density image when many, else faded points per rank."""
        x, y = self._xy()
        dominated = ~self._front
        show = not self._front_only
        if show and int(dominated.sum()) > DENSITY_THRESHOLD:
            weights = None
            if self._filter is not None:
                weights = np.where(self._filter[dominated], 1.0, 0.15)
            self.density.set_points(x[dominated], y[dominated], weights)
            self.marks.set_cloud_points(x, y, np.zeros(0, dtype=np.int8), self._filter)
            return
        self.density.clear()
        buckets = self._buckets if show else np.full_like(self._buckets, -1)
        self.marks.set_cloud_points(x, y, buckets, self._filter)

    @property
    def density_in_use(self) -> bool:
        """Whether the dominated cloud is drawn as the density image (rather than as points)."""
        return self.density.point_count > 0

    # ------------------------------------------------------------ choices
    def set_selected(self, index: int | None) -> None:
        """Ring the candidate ``index`` (None clears); does not emit ``candidateClicked``."""
        self.marks.set_choice("selected", index)

    @property
    def selected(self) -> int | None:
        """The ringed candidate, if any."""
        return self.marks.choice("selected")

    def set_pinned(self, index: int | None) -> None:
        """Mark the pinned (compared) candidate with a second, distinct marker."""
        self.marks.set_choice("pinned", index)

    def set_markers(self, knee: int | None, recommended: int | None) -> None:
        """Mark the knee and the recommended candidate (shown in the legend)."""
        self.marks.set_choice("knee", knee)
        self.marks.set_choice("recommended", recommended)

    def set_constraints(self, constraints: Sequence[tuple[str, str, float]]) -> None:
        """Draw (objective, "<=" or ">=", bound) on shown axes: a draggable line, infeasible side shaded."""
        self.constraints.set_constraints(constraints)
        if self._objectives:
            x, y = self._xy()
            self.constraints.redraw(*self.axes, _span(x), _span(y))

    def set_trail(self, references: NDArray[np.float64], rows: NDArray[np.int64]) -> None:
        """Draw an exploration trail: reference points (steps, objectives) and projection rows."""
        self.trail.set_steps(references, rows)
        self.trail.draw(self._points, self._axes)

    def set_filter(self, mask: NDArray[np.bool_] | None) -> None:
        """Fade the candidates outside ``mask`` (the parallel view's brush); None shows all plainly."""
        self._filter = None if mask is None else np.asarray(mask, dtype=bool).reshape(self._front.shape)
        self._draw_cloud()
        x, y = self._xy()
        self.marks.set_data(x, y, self._order, self._axes, self._bounds, self._objectives, self._filter)

    def keep_ghost(self) -> None:
        """Keep the current front drawn faded and dashed (the previous run) under the next one."""
        rows = np.flatnonzero(self._front)
        self.marks.keep_ghost(dict(zip(self._objectives, self._points[rows].T, strict=True)))
        self.marks.draw_ghost(*self.axes)

    def set_show_front_only(self, on: bool) -> None:
        """Draw (and pick) only the front when ``on``."""
        self._front_only = bool(on)
        self._grid = None
        self._draw_cloud()

    def set_include_dominated(self, on: bool) -> None:
        """Let hover and click pick dominated candidates too (default on); they stay drawn either way."""
        self._include_dominated = bool(on)
        self._grid = None

    # ----------------------------------------------------------- view
    def reset_view(self) -> None:
        """Show every candidate (the "Reset view" action, Home key)."""
        x, y = self._xy()
        if x.size == 0:
            return
        self.plotItem.getViewBox().setRange(xRange=_limits(x), yRange=_limits(y), padding=0.05)

    def export_image(self, path: Path) -> None:
        """Write a PNG of the plot to ``path``."""
        if not self.grab().save(str(path), "PNG"):
            raise ImageExportError(
                f"Could not write the image {path}: check that its folder exists and is writable."
            )

    # ------------------------------------------------------ interaction
    def pickable_grid(self) -> PointGrid:
        """The index hover and click search: the front, plus the rest unless hidden or excluded."""
        if self._grid is None:
            x, y = self._xy()
            rows = np.flatnonzero(self._front)
            if self._include_dominated and not self._front_only:
                rows = np.arange(self._front.size)
            self._grid = PointGrid(x[rows], y[rows], rows)
        return self._grid

    def candidate_at(self, scene_pos: QPointF) -> int | None:
        """The candidate within 6 px of a scene position, if any."""
        view_box = self.plotItem.getViewBox()
        if self._front.size == 0 or not view_box.sceneBoundingRect().contains(scene_pos):
            return None
        point = view_box.mapSceneToView(scene_pos)
        per_x, per_y = view_box.viewPixelSize()
        return self.pickable_grid().nearest(point.x(), point.y(), 1.0 / per_x, 1.0 / per_y, HOVER_RADIUS_PX)

    def hover_text(self, row: int) -> str:
        """The tooltip text of a candidate."""
        if self._tooltip is not None:
            return self._tooltip(row)
        return default_tooltip(row, self._points, self._objectives, self._bounds)

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        found = self.candidate_at(scene_pos)
        self._set_hovered(-1 if found is None else found)

    def leaveEvent(self, event: QEvent) -> None:
        """The pointer left the plot: no candidate is hovered."""
        self._set_hovered(-1)
        super().leaveEvent(event)

    def _set_hovered(self, row: int) -> None:
        if row == self._hovered:
            return
        self._hovered = row
        if row < 0:
            self.marks.show_hover(None, 0.0, 0.0, "")
        else:
            x, y = float(self._xy()[0][row]), float(self._xy()[1][row])
            (x0, x1), (y0, y1) = self.plotItem.getViewBox().viewRange()
            inward = (x > (x0 + x1) / 2, y > (y0 + y1) / 2)
            self.marks.show_hover(row, x, y, self.hover_text(row), inward)
        self.candidateHovered.emit(row)

    def _on_mouse_clicked(self, event: object) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():  # type: ignore[attr-defined]
            return
        found = self.candidate_at(event.scenePos())  # type: ignore[attr-defined]
        if found is not None:
            self.set_selected(found)
            self.candidateClicked.emit(found)
        self.setFocus()

    def walk_order(self) -> NDArray[np.int64]:
        """Front rows in x order that the arrow keys visit (those inside the brush, when one is set)."""
        if self._filter is None:
            return self._order
        kept = self._order[self._filter[self._order]]
        return kept if kept.size else self._order

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Left/Right (Down/Up) select the previous/next front candidate in x order."""
        step = WALK_KEYS.get(Qt.Key(event.key()))
        if step is None or self._front.size == 0:
            super().keyPressEvent(event)
            return
        x, _ = self._xy()
        row = walk_step(self.walk_order(), x, self.selected, step)
        event.accept()
        if row is not None and row != self.selected:
            self.set_selected(row)
            self._keep_in_view(row)
            self.candidateClicked.emit(row)

    def _keep_in_view(self, row: int) -> None:
        """Pan (without zooming) so that a candidate stepped to outside the view is centred."""
        x, y = float(self._xy()[0][row]), float(self._xy()[1][row])
        view_box = self.plotItem.getViewBox()
        (x0, x1), (y0, y1) = view_box.viewRange()
        if not (np.isfinite(x) and np.isfinite(y)) or (x0 <= x <= x1 and y0 <= y <= y1):
            return
        view_box.translateBy(x=x - (x0 + x1) / 2, y=y - (y0 + y1) / 2)


def _limits(values: NDArray[np.float64]) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    if high <= low:
        return low - 0.5, high + 0.5
    return low, high


def _span(values: NDArray[np.float64]) -> float:
    low, high = _limits(values)
    return high - low
