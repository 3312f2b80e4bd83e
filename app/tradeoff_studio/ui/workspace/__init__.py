"""The decision workspace's plots: the front view and the parallel-coordinates view."""

from tradeoff_studio.ui.workspace.front_view import FrontView
from tradeoff_studio.ui.workspace.parallel_view import ParallelView

__all__ = ["FrontView", "ParallelView"]
