"""What a model variant is, next to its reference: the same graph?, how much is quantized?, how close?

- :func:`graph_fingerprint`: a hash of the graph's computation (nodes with their ops, inputs,
  outputs and attributes; initializers; graph inputs and outputs), ignoring names, doc strings,
  producer and metadata. Two models with the same fingerprint compute the same function, whatever
  their files' sizes (a "dynamic INT8" export of a tree ensemble can be such a copy).
- :func:`quantized_ops`: how many of the graph's nodes are quantized operators.
- :func:`fidelity`: agreement (share of rows where the variant and the reference decide alike at the
  reference's threshold) and the largest absolute score difference.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

QUANTIZED_OPS = frozenset({
    "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "QLinearConv", "QLinearMatMul",
    "QLinearAdd", "QLinearMul", "QLinearSigmoid", "QLinearLeakyRelu", "QLinearAveragePool",
    "QLinearGlobalAveragePool", "QLinearConcat", "QLinearSoftmax", "QLinearReduceMean", "QGemm",
    "MatMulInteger", "ConvInteger", "MatMulIntegerToFloat", "DynamicQuantizeMatMul", "QAttention",
    "DynamicQuantizeLSTM", "QEmbedLayerNormalization", "QOrderedMatMul", "MatMulNBits",
})  # fmt: skip


def graph_fingerprint(model_bytes: bytes) -> str:
    """SHA-256 of the model's computation, names and documentation left out (module doc)."""
    import onnx

    model = onnx.load_from_string(model_bytes)
    graph = onnx.GraphProto()
    graph.CopyFrom(model.graph)
    graph.name, graph.doc_string = "", ""
    for node in graph.node:
        node.name, node.doc_string = "", ""
    for tensor in graph.initializer:
        tensor.doc_string = ""
    digest = hashlib.sha256(graph.SerializeToString(deterministic=True))
    for opset in sorted((o.domain, o.version) for o in model.opset_import):
        digest.update(repr(opset).encode())
    return digest.hexdigest()


def quantized_ops(model_bytes: bytes) -> dict[str, Any]:
    """``{"quantized": n, "nodes": total, "ops": {op: count}}`` over the main graph's nodes."""
    import onnx

    model = onnx.load_from_string(model_bytes)
    found: dict[str, int] = {}
    for node in model.graph.node:
        if node.op_type in QUANTIZED_OPS:
            found[node.op_type] = found.get(node.op_type, 0) + 1
    return {"quantized": sum(found.values()), "nodes": len(model.graph.node), "ops": found}


def identical_groups(fingerprints: dict[str, str]) -> list[list[str]]:
    """Groups of two or more models with the same fingerprint, in the order given."""
    groups: dict[str, list[str]] = {}
    for model, fingerprint in fingerprints.items():
        groups.setdefault(fingerprint, []).append(model)
    return [models for models in groups.values() if len(models) > 1]


def fidelity(scores: np.ndarray, reference: np.ndarray, threshold: float) -> dict[str, float]:
    """``agreement`` (same decision at ``threshold`` as the reference) and ``max_abs_score_diff``."""
    agreement = float(np.mean((scores >= threshold) == (reference >= threshold)))
    return {"agreement": agreement, "max_abs_score_diff": float(np.max(np.abs(scores - reference)))}
