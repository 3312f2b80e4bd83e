"""A larger MLP (≥ 10M parameters) for throughput checks on the GPU, not a trained model.

``python models/make_large_mlp.py OUT.onnx`` writes an MLP with the same inputs, metadata and
``probabilities`` output as ``credit_mlp.onnx`` (so it scores the demo's credit table with the
same mapping), hidden layers (4096, 2500): 10.3M parameters, seeded random weights (numpy
default_rng(0)), float32. Its scores mean nothing; ``packaging/check_gpu.sh`` times it on CUDA
against the CPU. Needs only numpy and onnx (no scikit-learn), so it runs in the app's own venv.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "credit_mlp.onnx"
HIDDEN = (4096, 2500)


def _dense(rng: np.random.Generator, fan_in: int, fan_out: int, name: str) -> list[onnx.TensorProto]:
    weight = rng.normal(0.0, 1e-3 / np.sqrt(fan_in), size=(fan_in, fan_out)).astype(np.float32)
    return [
        numpy_helper.from_array(weight, f"{name}_w"),
        numpy_helper.from_array(np.zeros(fan_out, np.float32), f"{name}_b"),
    ]


def large_mlp(template: Path = TEMPLATE, hidden: tuple[int, ...] = HIDDEN) -> onnx.ModelProto:
    """The MLP: the template's inputs concatenated, ``hidden`` ReLU layers, a 2-class softmax."""
    source = onnx.load(str(template))
    inputs = list(source.graph.input)
    rng = np.random.default_rng(0)
    sizes = [len(inputs), *hidden, 2]
    nodes = [helper.make_node("Concat", [item.name for item in inputs], ["x0"], axis=1)]
    weights: list[onnx.TensorProto] = []
    for index, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
        name = f"dense{index}"
        weights += _dense(rng, fan_in, fan_out, name)
        nodes.append(helper.make_node("Gemm", [f"x{index}", f"{name}_w", f"{name}_b"], [f"h{index}"]))
        if index == len(sizes) - 2:
            nodes.append(helper.make_node("Softmax", [f"h{index}"], ["probabilities"], axis=1))
        else:
            nodes.append(helper.make_node("Relu", [f"h{index}"], [f"x{index + 1}"]))
    output = helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 2])
    graph = helper.make_graph(nodes, "large_mlp", inputs, [output], weights)
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="tradeoff-studio"
    )
    model.ir_version = source.ir_version
    props = {prop.key: prop.value for prop in source.metadata_props}
    props["description"] = f"Throughput check only: random MLP {hidden}, not trained"
    helper.set_model_props(model, props)
    onnx.checker.check_model(model)
    return model


def parameter_count(model: onnx.ModelProto) -> int:
    """Number of weights and biases in ``model``."""
    return sum(int(np.prod(tensor.dims)) for tensor in model.graph.initializer)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python models/make_large_mlp.py OUT.onnx")
    made = large_mlp()
    onnx.save(made, sys.argv[1])
    print(f"{sys.argv[1]}: {parameter_count(made):,} parameters")
