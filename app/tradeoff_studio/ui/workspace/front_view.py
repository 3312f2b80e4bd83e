"""The front view: every candidate of an analysis on two objectives, the Pareto front highlighted.

SKELETON: the public API is final; the drawing is being filled in on branch wt-front.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import Signal


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

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)
        self.setObjectName("frontView")
        self._points = np.zeros((0, 0))
        self._objectives: list[str] = []
        self._senses: list[str] = []
        self._front = np.zeros(0, dtype=bool)

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
        """Show ``points`` (n, m) on objectives (senses "min"/"max"); ``front`` marks the Pareto front."""
        self._points = np.asarray(points, dtype=np.float64)
        self._objectives = list(objectives)
        self._senses = list(senses)
        self._front = np.asarray(front, dtype=bool)

    def set_axes(self, x: str, y: str) -> None:
        """Draw objective ``x`` across and ``y`` up (for more than two objectives)."""

    def set_selected(self, index: int | None) -> None:
        """Ring the candidate ``index`` (None clears); does not emit ``candidateClicked``."""

    def set_pinned(self, index: int | None) -> None:
        """Mark the pinned (compared) candidate with a second, distinct marker."""

    def set_markers(self, knee: int | None, recommended: int | None) -> None:
        """Mark the knee and the recommended candidate (shown in the legend)."""

    def set_constraints(self, constraints: Sequence[tuple[str, str, float]]) -> None:
        """Draw (objective, "<=" or ">=", bound) on shown axes: a draggable line, infeasible side shaded."""

    def set_filter(self, mask: NDArray[np.bool_] | None) -> None:
        """Fade the candidates outside ``mask`` (the parallel view's brush); None shows all plainly."""

    def keep_ghost(self) -> None:
        """Keep the current front drawn faded and dashed (the previous run) under the next one."""

    def set_show_front_only(self, on: bool) -> None:
        """Draw (and pick) only the front when ``on``."""

    def set_include_dominated(self, on: bool) -> None:
        """Let hover and click pick dominated candidates too (default on)."""

    def export_image(self, path: Path) -> None:
        """Write a PNG of the plot to ``path``."""
        self.grab().save(str(path), "PNG")
