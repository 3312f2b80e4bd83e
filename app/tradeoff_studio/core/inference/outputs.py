"""Which model output becomes the score column, and which of its columns for a [N, k] output.

By default: an output named like ``probabilit*`` of shape ``[N, 2]`` (column 1, the positive
class), else the first float output of shape ``[N]`` or ``[N, 1]``. Outputs that are not
tensors (the ZipMap that skl2onnx adds to classifiers by default) are refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ModelError
from .manifest import ModelManifest, TensorSpec

_FLOATS = frozenset({"float16", "float32", "float64"})
_NUMERIC = _FLOATS | {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool"}
_ZIPMAP_ADVICE = (
    "skl2onnx wraps classifier probabilities in a ZipMap (a sequence of maps) by default: re-export "
    "the model with ZipMap disabled, e.g. to_onnx(model, X, options={'zipmap': False}), and add it again."
)


@dataclass(frozen=True)
class OutputSpec:
    """The model output stored as the score, and the class column taken from a 2-D output."""

    name: str
    class_index: int | None

    def describe(self) -> str:
        """Human-readable selector, e.g. ``probabilities[:,1]``."""
        return self.name if self.class_index is None else f"{self.name}[:,{self.class_index}]"

    def select(self, values: np.ndarray) -> np.ndarray:
        """The 1-D float64 score from one batch of this output."""
        if values.ndim == 2:
            values = values[:, 0 if self.class_index is None else self.class_index]
        return np.asarray(values, dtype=np.float64).reshape(-1)


def choose_output(
    manifest: ModelManifest,
    output_name: str | None = None,
    class_index: int | None = None,
    *,
    model: str = "the model",
) -> OutputSpec:
    """The output stored as the score.

    By default: an output named like ``probabilit*`` of shape ``[N, 2]`` (column 1, the positive
    class), else the first float output of shape ``[N]`` or ``[N, 1]``. Non-tensor outputs (the
    ZipMap that skl2onnx adds by default) are refused. Raises :class:`ModelError`.
    """
    spec = (
        _default_output(manifest, model)
        if output_name is None
        else _named_output(manifest, output_name, model)
    )
    return OutputSpec(spec.name, _class_index(spec, class_index, model))


def _default_output(manifest: ModelManifest, model: str) -> TensorSpec:
    shaped = [spec for spec in manifest.outputs if spec.dtype in _FLOATS and spec.shape is not None]
    for spec in shaped:
        if "probabilit" in spec.name.casefold() and spec.shape is not None and spec.shape[1:] == [2]:
            return spec
    for spec in shaped:
        if spec.shape is not None and (len(spec.shape) == 1 or spec.shape[1:] == [1]):
            return spec
    listed = "; ".join(f"{spec.name}: {describe_spec(spec)}" for spec in manifest.outputs)
    message = (
        f"Model '{model}' has no output that can serve as the score by default (a 'probabilities' "
        f"[N, 2] tensor, or a float [N] or [N, 1] tensor). Its outputs: {listed}. Choose one with "
        "--model-output NAME (and --class-index I for an [N, k] output)."
    )
    non_tensors = [f"'{spec.name}'" for spec in manifest.outputs if spec.dtype is None]
    if non_tensors:
        message += f" {', '.join(non_tensors)} cannot be a score: not a tensor. {_ZIPMAP_ADVICE}"
    raise ModelError(message)


def _named_output(manifest: ModelManifest, name: str, model: str) -> TensorSpec:
    spec = next((spec for spec in manifest.outputs if spec.name == name), None)
    if spec is None:
        listed = ", ".join(output.name for output in manifest.outputs)
        raise ModelError(f"Model '{model}' has no output named '{name}'. Its outputs: {listed}.")
    if spec.dtype is None:
        raise ModelError(f"Output '{name}' of model '{model}' is a {describe_spec(spec)}. {_ZIPMAP_ADVICE}")
    if spec.dtype not in _NUMERIC:
        raise ModelError(f"Output '{name}' of model '{model}' is {spec.onnx_type}; a score must be numeric.")
    if spec.shape is None or len(spec.shape) not in (1, 2):
        raise ModelError(
            f"Output '{name}' of model '{model}' has shape {describe_spec(spec)}; a score output must be "
            "[N] or [N, k]."
        )
    return spec


def _class_index(spec: TensorSpec, class_index: int | None, model: str) -> int | None:
    """The column taken from a 2-D output: given, 1 for two classes, None for one column."""
    shape = spec.shape or []
    width = shape[1] if len(shape) == 2 and isinstance(shape[1], int) else None
    if len(shape) == 1 or width == 1:
        if class_index not in (None, 0):
            raise ModelError(
                f"Output '{spec.name}' of model '{model}' ({describe_spec(spec)}) has one column; "
                "--class-index applies only to [N, k] outputs."
            )
        return None
    if class_index is None and width == 2:
        return 1
    if class_index is None or class_index < 0 or (width is not None and class_index >= width):
        columns = f"{width} columns (0..{width - 1})" if width else "one column per class"
        raise ModelError(
            f"Output '{spec.name}' of model '{model}' ({describe_spec(spec)}) has {columns}; choose "
            "the class to store with --class-index I."
        )
    return class_index


def describe_spec(spec: TensorSpec) -> str:
    """``float32 [N, 1]``-style text for an input or output."""
    if spec.dtype is None:
        return f"{spec.onnx_type.removesuffix('_type')} (not a tensor)"
    if spec.shape is None:
        return f"{spec.dtype}, shape unknown"
    dims = [
        "N" if index == 0 and dim is None else "?" if dim is None else str(dim)
        for index, dim in enumerate(spec.shape)
    ]
    return f"{spec.dtype or spec.onnx_type} [{', '.join(dims)}]"
