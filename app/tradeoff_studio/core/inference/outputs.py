"""Which model output becomes the score column, and which of its columns for a [N, k] output.

By default: an output named like ``probabilit*`` of shape ``[N, 2]`` (column 1, the positive
class), else a two-class ZipMap output (the second label's probability: skl2onnx's default
classifier output), else the first float output of shape ``[N]`` or ``[N, 1]``. A ZipMap is
read as the ``[N, classes]`` tensor it zips (see :mod:`.zipmap`); ``--class-index`` or
``--class-label`` picks another class. Other outputs that are not tensors are refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ModelError
from .manifest import ModelManifest, TensorSpec

_FLOATS = frozenset({"float16", "float32", "float64"})
_NUMERIC = _FLOATS | {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool"}
_ZIPMAP_ADVICE = (
    "Only a ZipMap made by a ZipMap node of the main graph can be read (as the tensor it zips): re-export "
    "the model with ZipMap disabled, e.g. to_onnx(model, X, options={'zipmap': False}), and add it again."
)


@dataclass(frozen=True)
class OutputSpec:
    """The model output stored as the score, and the class column taken from a 2-D output.

    ``fetch`` is the value the session is asked for: the output itself, or for a ZipMap output
    the ``[N, classes]`` tensor it zips; ``label`` is then the chosen class label.
    """

    name: str
    class_index: int | None
    fetch: str = ""
    label: int | str | None = None

    @property
    def fetched(self) -> str:
        """The name of the value the session returns for this output."""
        return self.fetch or self.name

    @property
    def is_zipmap(self) -> bool:
        """Whether the output is a ZipMap read through the tensor it zips."""
        return self.fetched != self.name

    def describe(self) -> str:
        """Human-readable selector, e.g. ``probabilities[:,1]`` or ``output_probability[label 1]``."""
        if self.is_zipmap:
            label = repr(self.label) if isinstance(self.label, str) else str(self.label)
            return f"{self.name}[label {label}]"
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
    class_label: str | None = None,
) -> OutputSpec:
    """The output stored as the score (see the module's docstring for the default).

    ``class_index`` picks a column of an ``[N, k]`` output or a ZipMap's class by position;
    ``class_label`` picks a ZipMap's class by its label. Raises :class:`ModelError`.
    """
    spec = (
        _default_output(manifest, model)
        if output_name is None
        else _named_output(manifest, output_name, model)
    )
    if spec.source is not None:
        return _zipmap_output(spec, class_index, class_label, model)
    if class_label is not None:
        raise ModelError(
            f"--class-label applies to ZipMap outputs (class label -> probability); output '{spec.name}' of "
            f"model '{model}' is {describe_spec(spec)}. Choose its column with --class-index I."
        )
    return OutputSpec(spec.name, _class_index(spec, class_index, model))


def _zipmap_output(
    spec: TensorSpec, class_index: int | None, class_label: str | None, model: str
) -> OutputSpec:
    """The class of a ZipMap output: by label, by position, or the second of two classes."""
    labels = spec.labels or []
    listed = ", ".join(repr(label) if isinstance(label, str) else str(label) for label in labels)
    where = f"Output '{spec.name}' of model '{model}' holds the probabilities of {len(labels)} classes"
    where += f" ({listed})"
    if class_label is not None and class_index is not None:
        raise ModelError("Give either --class-label or --class-index, not both.")
    if class_label is not None:
        matches = [i for i, label in enumerate(labels) if str(label) == class_label]
        if not matches:
            raise ModelError(f"{where}; none is labelled {class_label!r}. Choose one with --class-label.")
        class_index = matches[0]
    elif class_index is None and len(labels) == 2:
        class_index = 1
    if class_index is None or not 0 <= class_index < len(labels):
        raise ModelError(
            f"{where}; choose the class to store with --class-label LABEL "
            f"(or --class-index I, 0..{max(len(labels) - 1, 0)})."
        )
    return OutputSpec(spec.name, class_index, fetch=spec.source or "", label=labels[class_index])


def _default_output(manifest: ModelManifest, model: str) -> TensorSpec:
    shaped = [spec for spec in manifest.outputs if spec.dtype in _FLOATS and spec.shape is not None]
    for spec in shaped:
        if "probabilit" in spec.name.casefold() and spec.shape is not None and spec.shape[1:] == [2]:
            return spec
    zipmaps = [spec for spec in manifest.outputs if spec.source is not None]
    if zipmaps:
        return zipmaps[0]
    for spec in shaped:
        if spec.shape is not None and (len(spec.shape) == 1 or spec.shape[1:] == [1]):
            return spec
    listed = "; ".join(f"{spec.name}: {describe_spec(spec)}" for spec in manifest.outputs)
    message = (
        f"Model '{model}' has no output that can serve as the score by default (a 'probabilities' "
        f"[N, 2] tensor, or a float [N] or [N, 1] tensor). Its outputs: {listed}. Choose one with "
        "--model-output NAME (and --class-index I for an [N, k] output)."
    )
    non_tensors = [f"'{s.name}'" for s in manifest.outputs if s.dtype is None and s.source is None]
    if non_tensors:
        message += f" {', '.join(non_tensors)} cannot be a score: not a tensor. {_ZIPMAP_ADVICE}"
    raise ModelError(message)


def _named_output(manifest: ModelManifest, name: str, model: str) -> TensorSpec:
    spec = next((spec for spec in manifest.outputs if spec.name == name), None)
    if spec is None:
        listed = ", ".join(output.name for output in manifest.outputs)
        raise ModelError(f"Model '{model}' has no output named '{name}'. Its outputs: {listed}.")
    if spec.source is not None:
        return spec
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
    if spec.source is not None:
        return f"{spec.onnx_type}: a ZipMap of {len(spec.labels or [])} class probabilities"
    if spec.dtype is None:
        kind = "not a tensor" if not spec.onnx_type.startswith("tensor(") else "unsupported element type"
        return f"{spec.onnx_type.removesuffix('_type')} ({kind})"
    if spec.shape is None:
        return f"{spec.dtype}, shape unknown"
    dims = [
        "N" if index == 0 and dim is None else "?" if dim is None else str(dim)
        for index, dim in enumerate(spec.shape)
    ]
    return f"{spec.dtype or spec.onnx_type} [{', '.join(dims)}]"
