"""ONNX softmax policies and reward models over context columns, synthetic bandit logs (OPE tests, bench)."""

from __future__ import annotations

import numpy as np
import onnx
import pandas as pd
from onnx import TensorProto, helper, numpy_helper

from support.onnx_builders import build, feature_metadata, value

CONTEXT = ("x0", "x1", "x2")


def softmax(logits: np.ndarray, axis: int = 1) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=axis, keepdims=True))
    return shifted / shifted.sum(axis=axis, keepdims=True)


def policy_weights(
    seed: int, actions: int, positions: int = 1, d: int = len(CONTEXT)
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(0, 1.0, (d, actions * positions)), rng.normal(0, 0.5, actions * positions)


def policy_model(
    weights: np.ndarray,
    bias: np.ndarray,
    *,
    actions: int,
    positions: int = 1,
    dtype: int = TensorProto.DOUBLE,
) -> onnx.ModelProto:
    """``action_dist`` = softmax over actions of x·W + b: [N, A], or [N, A, P] with ``positions`` > 1."""
    numpy_type = np.float64 if dtype == TensorProto.DOUBLE else np.float32
    d = weights.shape[0]
    consts = [numpy_helper.from_array(weights.astype(numpy_type), "W"),
              numpy_helper.from_array(bias.astype(numpy_type), "b")]  # fmt: skip
    nodes = [helper.make_node("MatMul", ["x", "W"], ["xw"]), helper.make_node("Add", ["xw", "b"], ["logits"])]
    out_shape: list[int | str | None] = [None, actions]
    if positions > 1:
        consts.append(numpy_helper.from_array(np.array([-1, actions, positions], np.int64), "shape"))
        nodes.append(helper.make_node("Reshape", ["logits", "shape"], ["cube"]))
        nodes.append(helper.make_node("Softmax", ["cube"], ["action_dist"], axis=1))
        out_shape = [None, actions, positions]
    else:
        nodes.append(helper.make_node("Softmax", ["logits"], ["action_dist"], axis=1))
    return build(nodes, [value("x", dtype, [None, d])], [value("action_dist", dtype, out_shape)],
                 initializers=consts, metadata=feature_metadata(CONTEXT))  # fmt: skip


def reward_model(weights: np.ndarray, bias: np.ndarray) -> onnx.ModelProto:
    """``q`` = sigmoid(x·V + c), [N, A] doubles: an expected-reward model."""
    consts = [numpy_helper.from_array(weights, "V"), numpy_helper.from_array(bias, "c")]
    nodes = [helper.make_node("MatMul", ["x", "V"], ["xv"]), helper.make_node("Add", ["xv", "c"], ["z"]),
             helper.make_node("Sigmoid", ["z"], ["q"])]  # fmt: skip
    d, actions = weights.shape
    return build(nodes, [value("x", TensorProto.DOUBLE, [None, d])],
                 [value("q", TensorProto.DOUBLE, [None, actions])], initializers=consts,
                 metadata=feature_metadata(CONTEXT))  # fmt: skip


def bandit_log(rows: int, actions: int, *, positions: int = 1, seed: int = 7) -> pd.DataFrame:
    """Contexts x0..x2, a softmax behaviour policy's action and its pscore, a Bernoulli reward, a position."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, (rows, len(CONTEXT)))
    behaviour = softmax(x @ rng.normal(0, 0.3, (len(CONTEXT), actions)))
    action = (behaviour.cumsum(axis=1) > rng.random((rows, 1))).argmax(axis=1)
    truth = 1.0 / (1.0 + np.exp(-(x @ rng.normal(0, 1, (len(CONTEXT), actions)) - 1.0)))
    reward = (rng.random(rows) < truth[np.arange(rows), action]).astype(np.float64)
    frame = pd.DataFrame(x, columns=list(CONTEXT))
    return frame.assign(action=action.astype(np.int64), reward=reward,
                        pscore=behaviour[np.arange(rows), action],
                        position=rng.integers(0, positions, rows).astype(np.int64))  # fmt: skip
