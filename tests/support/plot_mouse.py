"""Drive pyqtgraph plots with real mouse events offscreen: data points to pixels, drags, double-clicks.

``QTest.mouseDClick`` never reaches a ``QGraphicsView``'s scene offscreen, so ``double_click`` sends the
press / release / double-click / release events itself. pyqtgraph drops mouse moves less than 10 ms
apart (``mouseRateLimit``), so ``drag`` waits between its steps; the release position always arrives.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

LEFT = Qt.MouseButton.LeftButton
NO_MODIFIER = Qt.KeyboardModifier.NoModifier


def settle() -> None:
    """Let pending layout requests run, so the view box has its final geometry before mapping pixels."""
    QApplication.processEvents()


def pixel_of(view: pg.PlotWidget, view_box: pg.ViewBox, x: float, y: float) -> QPoint:
    """The viewport pixel of data point (x, y)."""
    return view.mapFromScene(view_box.mapViewToScene(QPointF(x, y)))


def data_of(view: pg.PlotWidget, view_box: pg.ViewBox, pixel: QPoint) -> QPointF:
    """The data point under a viewport pixel."""
    return view_box.mapSceneToView(view.mapToScene(pixel))


def drag(qtbot: QtBot, view: pg.PlotWidget, start: QPoint, end: QPoint, steps: int = 8) -> None:
    """Press the left button at ``start``, move to ``end`` in ``steps`` (15 ms apart), release."""
    viewport = view.viewport()
    qtbot.mousePress(viewport, LEFT, NO_MODIFIER, start)
    for step in range(1, steps + 1):
        qtbot.wait(15)
        qtbot.mouseMove(viewport, start + (end - start) * (step / steps))
    qtbot.mouseRelease(viewport, LEFT, NO_MODIFIER, end)
    qtbot.wait(15)


def double_click(view: pg.PlotWidget, pixel: QPoint) -> None:
    """A left double-click at ``pixel`` of the view's viewport."""
    viewport = view.viewport()
    position = QPointF(pixel)
    global_position = QPointF(viewport.mapToGlobal(pixel))
    for kind in (
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseButtonRelease,
    ):
        held = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else LEFT
        event = QMouseEvent(kind, position, global_position, LEFT, held, NO_MODIFIER)
        QApplication.sendEvent(viewport, event)
    settle()
