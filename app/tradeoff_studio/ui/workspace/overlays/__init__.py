"""Per-kind overlays: a panel beside the inspector with what only that kind of analysis has.

Each kind's overlay is one module here with an :class:`Overlay` subclass; :func:`overlay_for`
picks it by the analysis kind (``None`` for kinds without one). An overlay may read more from the
project off the UI thread: :meth:`Overlay.background` returns that read, the workspace runs it on
its loader and hands the result to :meth:`Overlay.show_candidate`.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ..analysis_data import LoadedAnalysis
from ..loader import Read


class Overlay(QWidget):
    """Base class: a kind's panel for the selected candidate."""

    title = "Details"

    def background(self, data: LoadedAnalysis, row: int) -> Read | None:
        """A read to run off the UI thread before :meth:`show_candidate` (None: nothing to read)."""
        return None

    def show_candidate(self, data: LoadedAnalysis, row: int | None, details: object = None) -> None:
        """Show candidate ``row`` (None: nothing selected), with what :meth:`background` read."""
        raise NotImplementedError


def overlay_for(kind: str, parent: QWidget | None = None) -> Overlay | None:
    """A new overlay for analyses of ``kind``, or None when the kind has none."""
    from .cost_quality import CostQualityOverlay
    from .fairness import FairnessOverlay
    from .model_variants import ModelVariantsOverlay
    from .ope import OpeOverlay
    from .risk_return import RiskReturnOverlay

    kinds: dict[str, type[Overlay]] = {
        "fairness": FairnessOverlay,
        "risk-return": RiskReturnOverlay,
        "cost-quality": CostQualityOverlay,
        "ope": OpeOverlay,
        "model-variants": ModelVariantsOverlay,
    }
    overlay = kinds.get(kind)
    return overlay(parent) if overlay is not None else None
