"""The exploration trail drawn on the front view (issue #18: ``navigate`` steps, not decisions).

Each step of a stored trail is a reference point (what the analyst asked for, a hollow diamond)
and its projection on the front (the candidate the achievement function picked, a filled dot),
joined by a dashed segment; the projections are joined in step order by a solid path and
numbered 1, 2, … beside them (steps that project on one candidate share a label, "1, 4"). A
reference value missing on a shown axis (e.g. a knob drawn across) puts the diamond at its
projection's coordinate on that axis. The layer is one set of items over the candidates, hidden
or shown as a whole (the workspace's ``explorationTrail`` action). With
:attr:`TrailLayer.picking` on, a left click on the plot where no candidate lies emits
:attr:`TrailLayer.referenceClicked` with the clicked point in data coordinates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QObject, QPointF, Qt, Signal

from tradeoff_studio.ui.workspace.palette import Palette, qcolor, with_alpha

Floats = NDArray[np.float64]
Z = 20  # above the candidates and the choice markers, below the hover text (40)


class TrailLayer(QObject):
    """The trail's items on ``plot_item``; :meth:`draw` places them for the shown axes."""

    #: x, y in data coordinates: a click on an empty spot while picking
    referenceClicked = Signal(float, float)  # noqa: N815 (Qt naming)

    def __init__(
        self, plot_item: pg.PlotItem, palette: Palette, candidate_at: Callable[[QPointF], int | None]
    ) -> None:
        super().__init__()
        self._plot, self._candidate_at = plot_item, candidate_at
        colour = qcolor(palette.trail)
        self.path = pg.PlotCurveItem(pen=pg.mkPen(colour, width=2))
        self.links = pg.PlotCurveItem(pen=pg.mkPen(with_alpha(palette.trail, 180), width=1.2,
                                                   style=Qt.PenStyle.DashLine), connect="pairs")  # fmt: skip
        self.references = pg.ScatterPlotItem(size=12, symbol="d", pen=pg.mkPen(colour, width=2), brush=None)
        self.projections = pg.ScatterPlotItem(size=10, pen=pg.mkPen(qcolor(palette.background), width=1),
                                              brush=pg.mkBrush(colour))  # fmt: skip
        for z, item in enumerate((self.links, self.path, self.references, self.projections)):
            item.setZValue(Z + z)
            plot_item.addItem(item, ignoreBounds=True)
        self._colour = colour
        self.labels: list[pg.TextItem] = []
        self._references: Floats = np.zeros((0, 0))
        self._rows = np.zeros(0, dtype=np.int64)
        self.visible = True
        self.picking = False
        plot_item.scene().sigMouseClicked.connect(self._clicked)

    @property
    def count(self) -> int:
        """How many steps the trail has."""
        return len(self._rows)

    def set_steps(self, references: Floats, rows: NDArray[np.int64]) -> None:
        """The steps: reference points ``(steps, objectives)`` (NaN where not given) and the row of
        each step's projection among the view's candidates."""
        self._references = np.asarray(references, dtype=np.float64)
        self._rows = np.asarray(rows, dtype=np.int64)

    def draw(self, points: Floats, axes: tuple[int, int]) -> None:
        """Place the items for the candidates ``points`` drawn on columns ``axes``."""
        for label in self.labels:
            self._plot.removeItem(label)
        self.labels = []
        if not self.count or points.shape[0] == 0:
            for item in (self.path, self.links, self.references, self.projections):
                item.setData([], [])
            return
        shown = points[self._rows][:, list(axes)]
        asked = self._references[:, list(axes)]
        asked = np.where(np.isnan(asked), shown, asked)
        self.path.setData(shown[:, 0], shown[:, 1])
        pairs = np.empty((2 * self.count, 2))
        pairs[0::2], pairs[1::2] = asked, shown
        self.links.setData(pairs[:, 0], pairs[:, 1])
        self.references.setData(asked[:, 0], asked[:, 1])
        self.projections.setData(shown[:, 0], shown[:, 1])
        numbers: dict[int, list[str]] = {}  # steps projecting on one candidate share one label: "1, 4"
        for number, row in enumerate(self._rows.tolist(), start=1):
            numbers.setdefault(row, []).append(str(number))
        for row, listed in numbers.items():
            label = pg.TextItem(", ".join(listed), color=self._colour, anchor=(-0.3, 1.1))
            label.setPos(float(points[row, axes[0]]), float(points[row, axes[1]]))
            label.setZValue(Z + 5)
            self._plot.addItem(label, ignoreBounds=True)
            self.labels.append(label)
        self.set_visible(self.visible)

    def set_visible(self, on: bool) -> None:
        """Show or hide the whole trail."""
        self.visible = bool(on)
        for item in (self.path, self.links, self.references, self.projections, *self.labels):
            item.setVisible(self.visible)

    def label_texts(self) -> list[str]:
        """The step-number labels drawn, in order of first projection (what a reader of the plot sees)."""
        return [label.textItem.toPlainText() for label in self.labels]

    def _clicked(self, event: Any) -> None:
        if not self.picking or event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        view_box = self._plot.getViewBox()
        scene_pos = event.scenePos()
        if not view_box.sceneBoundingRect().contains(scene_pos) or self._candidate_at(scene_pos) is not None:
            return
        point = view_box.mapSceneToView(scene_pos)
        event.accept()
        self.referenceClicked.emit(float(point.x()), float(point.y()))
