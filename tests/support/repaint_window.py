"""Open the real main window on the demo project, show a plot, and repaint it N times.

Run as a separate process (``python repaint_window.py N``): a binding that corrupts reference counts
aborts the interpreter, which a test can only observe from outside. Prints the repaints done and
how far ``None``'s reference count moved.
"""

from __future__ import annotations

import faulthandler
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from tradeoff_studio.core.demo import ensure_demo_project
from tradeoff_studio.ui.main_window import MainWindow


def show_first_score_histogram(window: MainWindow) -> None:
    """Select the first score column, so the detail panel draws its histogram plot."""
    tree = window.tree
    for index in range(tree.topLevelItemCount()):
        section = tree.topLevelItem(index)
        if section.text(0) == "Score columns" and section.childCount():
            tree.setCurrentItem(section.child(0))
            return
    raise SystemExit("the demo project has no score column to plot")


def main(repaints: int) -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    window = MainWindow()
    window.open_project(ensure_demo_project())
    window.show()
    show_first_score_histogram(window)
    assert window.detail.stack.currentWidget() is window.detail.plot, "the histogram is not shown"
    view = window.detail.plot.getViewBox()
    low, high = view.viewRange()[0]
    before = sys.getrefcount(None)
    for step in range(repaints):
        shift = (high - low) * 0.01 * (step % 50)  # pan back and forth, as a user exploring the plot
        view.setXRange(low + shift, high + shift, padding=0)
        window.repaint()
        if step % 250 == 0:  # where it got to, should the process abort
            print(f"{step} repaints; None refcount moved by {sys.getrefcount(None) - before}", flush=True)
    print(f"survived {repaints} repaints; None refcount moved by {sys.getrefcount(None) - before}")
    window.close()
    app.quit()


if __name__ == "__main__":
    faulthandler.dump_traceback_later(240, exit=True)  # a hang shows where it stood
    main(int(sys.argv[1]))
