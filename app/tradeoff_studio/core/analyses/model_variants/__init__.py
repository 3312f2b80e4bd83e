"""The model-variants analysis: ONNX models side by side on a labelled table (:mod:`.analysis`).

The ONNX loading, mapping and child-process timing it calls stay in :mod:`...inference`.
"""

from .analysis import METRICS, VariantSpec, measure_variants

__all__ = ["METRICS", "VariantSpec", "measure_variants"]
