"""Tiny ONNX models built with onnx.helper, and tables to score (imported by the tests and conftest)."""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from tradeoff_studio.core.project import Project
from tradeoff_studio.core.sql import ident

FLOAT = TensorProto.FLOAT
INT64 = TensorProto.INT64
STRING = TensorProto.STRING
Dims = Sequence[int | str | None]
WEIGHTS = (0.8, -0.05, 0.3)
BIAS = -0.2


def value(name: str, elem_type: int, shape: Dims | None) -> onnx.ValueInfoProto:
    """A tensor input or output declaration."""
    return helper.make_tensor_value_info(name, elem_type, None if shape is None else list(shape))


def build(
    nodes: list[onnx.NodeProto],
    inputs: list[onnx.ValueInfoProto],
    outputs: list[onnx.ValueInfoProto],
    *,
    initializers: Sequence[onnx.TensorProto] = (),
    metadata: dict[str, str] | None = None,
    ml: bool = False,
    opset: int = 17,
) -> onnx.ModelProto:
    """A model of one graph with the standard opset (and ai.onnx.ml when ``ml``)."""
    graph = helper.make_graph(nodes, "test", inputs, outputs, initializer=list(initializers))
    opsets = [helper.make_opsetid("", opset)] + ([helper.make_opsetid("ai.onnx.ml", 3)] if ml else [])
    model = helper.make_model(graph, opset_imports=opsets, producer_name="tests")
    model.ir_version = 9
    helper.set_model_props(model, metadata or {})
    return model


def logistic(
    inputs: Sequence[str] = ("age", "income", "debt"),
    *,
    matrix: bool = False,
    metadata: dict[str, str] | None = None,
) -> onnx.ModelProto:
    """p = sigmoid(x·w + b) as ``probabilities`` [N, 2] (1 - p, p) and ``label`` int64 [N].

    One float [N, 1] input per name, or (``matrix``) one input ``X`` of shape [N, k].
    """
    k = len(inputs)
    weights = numpy_helper.from_array(np.array(WEIGHTS[:k], np.float32).reshape(k, 1), "w")
    consts = [weights, numpy_helper.from_array(np.array([BIAS], np.float32), "b")]
    consts += [numpy_helper.from_array(np.array([1.0], np.float32), "one")]
    consts += [numpy_helper.from_array(np.array([0.5], np.float32), "half")]
    consts += [numpy_helper.from_array(np.array([-1], np.int64), "flat")]
    if matrix:
        declared, first = [value("X", FLOAT, [None, k])], []
        features = "X"
    else:
        declared = [value(name, FLOAT, [None, 1]) for name in inputs]
        first, features = [helper.make_node("Concat", list(inputs), ["x"], axis=1)], "x"
    nodes = [
        *first,
        helper.make_node("MatMul", [features, "w"], ["xw"]),
        helper.make_node("Add", ["xw", "b"], ["z"]),
        helper.make_node("Sigmoid", ["z"], ["p"]),
        helper.make_node("Sub", ["one", "p"], ["q"]),
        helper.make_node("Concat", ["q", "p"], ["probabilities"], axis=1),
        helper.make_node("Greater", ["p", "half"], ["positive"]),
        helper.make_node("Cast", ["positive"], ["label_2d"], to=INT64),
        helper.make_node("Reshape", ["label_2d", "flat"], ["label"]),
    ]
    outputs = [value("label", INT64, [None]), value("probabilities", FLOAT, [None, 2])]
    return build(nodes, declared, outputs, initializers=consts, metadata=metadata)


def feature_metadata(columns: Sequence[str]) -> dict[str, str]:
    """The metadata naming the columns of a single [N, k] input."""
    return {"tradeoff_studio.feature_columns": json.dumps(list(columns))}


def passthrough(
    inputs: list[onnx.ValueInfoProto], *, metadata: dict[str, str] | None = None
) -> onnx.ModelProto:
    """A model with the given inputs and one float output ``score`` (for mapping tests)."""
    nodes = [helper.make_node("Identity", [inputs[0].name], ["score"])]
    elem = inputs[0].type.tensor_type.elem_type
    return build(nodes, inputs, [value("score", elem, None)], metadata=metadata)


def lookup() -> onnx.ModelProto:
    """``score`` = table[code] for an int64 [N] input ``code``; a code outside 0..9 fails at run time."""
    table = numpy_helper.from_array(np.linspace(0.0, 0.9, 10, dtype=np.float32), "table")
    nodes = [helper.make_node("Gather", ["table", "code"], ["score"], axis=0)]
    return build(nodes, [value("code", INT64, [None])], [value("score", FLOAT, [None])], initializers=[table])


def grade_is_a() -> onnx.ModelProto:
    """``score`` = 1.0 where the string input ``grade`` [N, 1] equals "A", else 0.0."""
    consts = [numpy_helper.from_array(np.array(["A"], dtype=object), "a")]
    nodes = [
        helper.make_node("Equal", ["grade", "a"], ["hit"]),
        helper.make_node("Cast", ["hit"], ["score"], to=FLOAT),
    ]
    inputs, outputs = [value("grade", STRING, [None, 1])], [value("score", FLOAT, [None, 1])]
    return build(nodes, inputs, outputs, initializers=consts, opset=19)  # Equal takes strings from opset 19


def summed() -> onnx.ModelProto:
    """Declares ``score`` [1]: one value for the whole batch, which cannot be a per-row score."""
    nodes = [helper.make_node("ReduceSum", ["x"], ["score"], keepdims=1)]
    return build(nodes, [value("x", FLOAT, [None])], [value("score", FLOAT, [1])])


def zipmap() -> onnx.ModelProto:
    """A linear classifier whose probabilities come out through a ZipMap (skl2onnx's default)."""
    nodes = [
        helper.make_node(
            "LinearClassifier", ["x"], ["label", "scores"], domain="ai.onnx.ml",
            coefficients=[0.5, -0.5, -0.5, 0.5], intercepts=[0.0, 0.0], classlabels_ints=[0, 1],
            post_transform="LOGISTIC",
        ),
        helper.make_node(
            "ZipMap", ["scores"], ["output_probability"], domain="ai.onnx.ml", classlabels_int64s=[0, 1]
        ),
    ]  # fmt: skip
    seq_map = helper.make_sequence_type_proto(
        helper.make_map_type_proto(INT64, helper.make_tensor_type_proto(FLOAT, None))
    )
    outputs = [value("label", INT64, [None]), helper.make_value_info("output_probability", seq_map)]
    return build(nodes, [value("x", FLOAT, [None, 2])], outputs, ml=True)


def create_table(project: Project, name: str, rows: int, *, shuffled: bool = True) -> None:
    """``id`` plus float features ``age``, ``income``, ``debt``, inserted in a scrambled order."""
    order = "ORDER BY hash(id * 7919)" if shuffled else "ORDER BY id"
    project.con.execute(
        f"CREATE TABLE {ident(name)} AS SELECT id, "
        "(hash(id) % 10000) / 100.0 AS age, "
        "(hash(id + 17) % 100000) / 1000.0 - 50.0 AS income, "
        "CAST(hash(id + 91) % 7 AS INTEGER) AS debt "
        f"FROM range(?) AS r(id) {order}",
        [rows],
    )


def features_by_id(project: Project, table: str, columns: Sequence[str]) -> list[np.ndarray]:
    """Each column's values in ``id`` order, as float32 (what a float model input receives)."""
    selected = ", ".join(ident(column) for column in columns)
    arrow = project.con.execute(f"SELECT {selected} FROM {ident(table)} ORDER BY id").to_arrow_table()
    return [arrow.column(i).to_numpy().astype(np.float32) for i in range(len(columns))]


def scores_by_id(project: Project, table: str, column: str) -> np.ndarray:
    """A score column in ``id`` order."""
    arrow = project.con.execute(f"SELECT {ident(column)} FROM {ident(table)} ORDER BY id").to_arrow_table()
    return arrow.column(0).to_numpy()


def scaled(weight: float = 2.0, *, location: str | None = None, opset: int = 17) -> onnx.ModelProto:
    """``score`` = x * w for a float [N] input ``x``; w is stored inline, or (``location``) as external data.

    With a location, the model refers to 4 bytes at offset 0 of that file: write
    ``weight_bytes(w)`` there to make it loadable.
    """
    tensor = numpy_helper.from_array(np.array([weight], np.float32), "w")
    if location is not None:
        tensor.ClearField("raw_data")
        tensor.data_location = TensorProto.EXTERNAL
        for key, text in (("location", location), ("offset", "0"), ("length", "4")):
            tensor.external_data.add(key=key, value=text)
    nodes = [helper.make_node("Mul", ["x", "w"], ["score"])]
    inputs, outputs = [value("x", FLOAT, [None])], [value("score", FLOAT, [None])]
    return build(nodes, inputs, outputs, initializers=[tensor], opset=opset)


def weight_bytes(weight: float) -> bytes:
    """The external-data bytes of :func:`scaled`'s weight."""
    return np.array([weight], np.float32).tobytes()


def create_x_table(project: Project, name: str = "t", values: Sequence[float] = (1.0, 2.0, 3.0)) -> None:
    """A table with an ``id`` and a float column ``x`` (what :func:`scaled` scores)."""
    project.con.execute(f"CREATE TABLE {ident(name)} (id INTEGER, x DOUBLE)")
    project.con.executemany(f"INSERT INTO {ident(name)} VALUES (?, ?)", list(enumerate(values)))
