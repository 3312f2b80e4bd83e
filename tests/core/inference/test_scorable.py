"""``models add`` refuses models no table can score, and survives odd but valid ONNX (issues 10 and 15)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import onnx
import onnxruntime
import pytest
from onnx import TensorProto, helper

from support.onnx_builders import FLOAT, build, logistic, scaled, value, zipmap
from tradeoff_studio.core.errors import ModelError
from tradeoff_studio.core.inference.manifest import describe
from tradeoff_studio.core.inference.registry import add_model, get_model, list_models
from tradeoff_studio.core.inference.scorable import scoring_warnings
from tradeoff_studio.core.project import Project

SaveModel = Callable[[onnx.ModelProto, str], Path]
State = Callable[[Project], dict[str, object]]


def _refused(project: Project, path: Path, state: State) -> str:
    before = state(project)
    with pytest.raises(ModelError) as caught:
        add_model(project, path)
    assert state(project) == before
    assert str(path) in str(caught.value)
    return str(caught.value)


def test_opset_beyond_onnxruntime_is_refused_at_add(
    project: Project, save_model: SaveModel, state: State
) -> None:
    model = scaled()
    model.opset_import[0].version = 99
    onnx.checker.check_model(model)  # onnx itself accepts it: only onnxruntime knows it cannot run it
    message = _refused(project, save_model(model, "future"), state)
    assert re.search(
        r"uses opset 99 of ai\.onnx, but the installed onnxruntime \S+ supports opsets up to \d+", message
    )
    assert onnxruntime.__version__ in message and "target_opset=" in message


def test_unknown_element_type_gives_a_message_not_a_key_error(
    project: Project, save_model: SaveModel, state: State
) -> None:
    model = scaled()
    model.graph.input[0].type.tensor_type.elem_type = 99
    onnx.checker.check_model(model)  # onnx accepts it; describing it used to raise KeyError
    spec = describe(model).inputs[0]
    assert (spec.dtype, spec.onnx_type) == (None, "tensor(unknown element type 99)")
    message = _refused(project, save_model(model, "odd"), state)
    assert (
        "input 'x' (tensor(unknown element type 99) (unsupported element type)): no table column" in message
    )


def test_inputs_no_column_can_feed_are_refused(project: Project, save_model: SaveModel, state: State) -> None:
    inputs = [
        value("half", TensorProto.BFLOAT16, [None]),
        value("image", FLOAT, [None, 3, 32]),
        value("fixed", FLOAT, [8, 1]),
    ]
    nodes = [helper.make_node("Identity", ["fixed"], ["score"])]
    model = build(nodes, inputs, [value("score", FLOAT, [8, 1])])
    message = _refused(project, save_model(model, "bad inputs"), state)
    assert "cannot score a table, so it was not added" in message
    assert "input 'half' (bfloat16 [N]): no table column can feed this type" in message
    assert "input 'image' (float32 [N, 3, 32]): rank 3" in message
    assert "input 'fixed' (float32 [8, 1]): fixed batch size 8" in message


def test_a_model_with_no_usable_output_is_refused(
    project: Project, save_model: SaveModel, state: State
) -> None:
    nodes = [helper.make_node("Cast", ["x"], ["text"], to=TensorProto.STRING)]
    model = build(nodes, [value("x", FLOAT, [None])], [value("text", TensorProto.STRING, [None])])
    message = _refused(project, save_model(model, "strings"), state)
    assert "no output can become a score" in message and "'text': object [N]" in message


def test_text_that_is_not_utf8_is_stored_and_shown_escaped(project: Project, save_model: SaveModel) -> None:
    model = logistic(metadata={"owner": "MARKER"})
    model.producer_name, model.doc_string = "PRODUCER", "DOCSTRING"
    raw = model.SerializeToString()
    for marker in (b"MARKER", b"PRODUCER", b"DOCSTRING"):
        raw = raw.replace(marker, b"\xff\xfe" + marker[2:])
    path = save_model(logistic(), "latin")
    path.write_bytes(raw)
    record = add_model(project, path)
    assert record.manifest.producer_name == "\\xff\\xfeODUCER"
    assert record.manifest.metadata["owner"] == "\\xff\\xfeRKER"
    assert json.loads(json.dumps(record.to_dict()))["manifest"]["producer_name"] == "\\xff\\xfeODUCER"
    assert get_model(project, "latin") == record


def test_scoring_warnings_say_what_score_will_need() -> None:
    matrix = describe(logistic(["a", "b", "c"], matrix=True))
    assert scoring_warnings(matrix, "m") == [
        "input 'X' takes 3 columns at once and the model's metadata does not name them "
        "(tradeoff_studio.feature_columns, feature_names, feature_columns, columns): "
        "score with --map X=COL1,COL2,..."
    ]
    assert (
        scoring_warnings(describe(logistic(["a", "b"], matrix=True, metadata={"feature_names": "a,b"})), "m")
        == []
    )
    assert [w for w in scoring_warnings(describe(zipmap()), "m") if "output" in w] == []
    three = zipmap()
    three.graph.node[1].attribute[0].ints[:] = [0, 1, 2]
    warnings = [w for w in scoring_warnings(describe(three), "m") if "output" in w]
    assert len(warnings) == 1
    assert "3 classes (0, 1, 2); choose the class to store with --class-label" in warnings[0]


def test_models_that_score_are_added(project: Project, save_model: SaveModel) -> None:
    for name, model in [("lr", logistic()), ("zip", zipmap()), ("scaled", scaled())]:
        add_model(project, save_model(model, name))
    assert [record.name for record in list_models(project)] == ["lr", "scaled", "zip"]
