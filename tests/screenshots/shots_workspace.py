"""Screenshots of the decision workspace (``make screenshots`` runs :func:`take` on the demo window).

Each demo analysis with its decided candidate selected and the inspector shown; the fairness
analysis with a second candidate pinned for comparison and its group overlay; the
parallel-coordinates view with a brush.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from events import wait_until
from PySide6.QtWidgets import QApplication

from tradeoff_studio.core import workflows
from tradeoff_studio.ui.main_window import MainWindow


def _open(window: MainWindow, name: str) -> None:
    loaded: list[str] = []
    window.workspace.loaded.connect(loaded.append)
    window.show_analysis(name)
    wait_until(lambda: bool(loaded))
    window.workspace.loaded.disconnect(loaded.append)
    wait_until(lambda: not window.workspace.loader.busy("details"))


def _grab(window: MainWindow, path: Path) -> Path:
    QApplication.processEvents()
    window.grab().save(str(path), "PNG")
    return path


def take(window: MainWindow, out: Path) -> list[Path]:
    """Write the workspace's PNGs into ``out``; returns their paths."""
    assert window.project is not None
    workspace = window.workspace
    written = []
    for record in workflows.list_analyses(window.project):
        _open(window, record.name)
        workspace.tabs.setCurrentWidget(workspace.inspector)
        written.append(_grab(window, out / f"workspace_{record.name}.png"))
        if workspace.overlay is not None:
            workspace.tabs.setCurrentWidget(workspace.overlay)
            written.append(
                _grab(window, out / f"workspace_{record.name}_{workspace.overlay.objectName()}.png")
            )
            pages = getattr(workspace.overlay, "pages", None)
            if pages is not None:  # an overlay with pages of its own: each further page
                for index in range(1, pages.count()):
                    pages.setCurrentIndex(index)
                    written.append(_grab(window, out / f"workspace_{record.name}_page{index + 1}.png"))
                pages.setCurrentIndex(0)
    _open(window, "credit-fairness")
    data = workspace.data
    assert data is not None and workspace.selected is not None
    workspace.toggle_pin()
    front = np.flatnonzero(data.front)
    workspace.select(int(front[len(front) // 2]))
    workspace.tabs.setCurrentWidget(workspace.inspector)
    written.append(_grab(window, out / "workspace_compare.png"))
    low, high = np.nanpercentile(data.points[:, 0], [60, 90])
    workspace.parallel.set_brush(data.axes[0], float(low), float(high))
    written.append(_grab(window, out / "workspace_parallel_brush.png"))
    workspace.parallel.clear_brushes()
    return written
