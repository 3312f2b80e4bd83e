"""ZipMap outputs (skl2onnx's default for classifiers), read as the tensor they zip.

A ZipMap turns the ``[N, classes]`` probability tensor into a list of N ``{label: p}`` maps.
Instead of building N Python dictionaries per batch, the session is made to return the
tensor the ZipMap reads (column i belongs to the i-th class label), so the probabilities
are exactly those the ZipMap would have zipped, at tensor speed.
"""

from __future__ import annotations

import onnx
from onnx import helper

ZIPMAP = "ZipMap"
ZIPMAP_DOMAIN = "ai.onnx.ml"


def _text(value: str | bytes) -> str:
    return value.decode("utf-8", errors="backslashreplace") if isinstance(value, bytes) else value


def zipmap_sources(model: onnx.ModelProto) -> dict[str, tuple[list[int | str], str]]:
    """For each graph output made by a ZipMap node of the main graph: its class labels and input tensor."""
    outputs = {_text(value.name) for value in model.graph.output}
    found: dict[str, tuple[list[int | str], str]] = {}
    for node in model.graph.node:
        if node.op_type != ZIPMAP or node.domain != ZIPMAP_DOMAIN or len(node.input) != 1:
            continue
        name = _text(node.output[0]) if node.output else ""
        if name in outputs:
            found[name] = (_labels(node), _text(node.input[0]))
    return found


def _labels(node: onnx.NodeProto) -> list[int | str]:
    for attribute in node.attribute:
        if attribute.name == "classlabels_int64s":
            return [int(label) for label in attribute.ints]
        if attribute.name == "classlabels_strings":
            return [_text(label) for label in attribute.strings]
    return []


def exposing(model: onnx.ModelProto, tensor: str) -> onnx.ModelProto:
    """A copy of ``model`` whose graph also outputs the intermediate value ``tensor`` (float [N, k])."""
    if any(_text(value.name) == tensor for value in model.graph.output):
        return model
    exposed = onnx.ModelProto()
    exposed.CopyFrom(model)
    exposed.graph.output.append(helper.make_tensor_value_info(tensor, onnx.TensorProto.FLOAT, None))
    return exposed
