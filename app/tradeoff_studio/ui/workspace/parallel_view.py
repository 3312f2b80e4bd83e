"""Parallel coordinates: one axis per objective, brushing ranges filters the candidates.

SKELETON: the public API is final; the drawing is being filled in on branch wt-front.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget


class ParallelView(QWidget):
    """Parallel-coordinates view of candidates (objectName ``parallelView``)."""

    #: NDArray[bool] mask of the candidates inside every brushed range, or None when nothing is brushed
    brushChanged = Signal(object)  # noqa: N815 (Qt naming: the published API)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("parallelView")
        QVBoxLayout(self)
        self._points = np.zeros((0, 0))

    def set_candidates(
        self,
        points: NDArray[np.float64],
        objectives: Sequence[str],
        senses: Sequence[str],
        front: NDArray[np.bool_],
    ) -> None:
        """Show ``points`` (n, m), one normalised axis per objective, the front's lines highlighted."""
        self._points = np.asarray(points, dtype=np.float64)

    def set_highlight(self, index: int | None) -> None:
        """Draw candidate ``index``'s line on top (None clears)."""

    def clear_brushes(self) -> None:
        """Remove every brush; emits ``brushChanged(None)``."""
        self.brushChanged.emit(None)

    def set_brush(self, objective: str, low: float, high: float) -> None:
        """Brush ``objective`` to [low, high] in its own units; emits the new mask."""
