"""Models in a project: add, list, get, bytes; refused files leave the project unchanged."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import helper, numpy_helper

from support.onnx_builders import FLOAT, build, create_x_table, logistic, scaled, value
from tradeoff_studio.core import audit
from tradeoff_studio.core.errors import ModelError, NameInUseError, NotFoundError
from tradeoff_studio.core.inference.registry import (
    add_model,
    get_model,
    list_models,
    model_bytes,
    remove_model,
)
from tradeoff_studio.core.inference.runner import score_table
from tradeoff_studio.core.project import Project, create_project, open_project

SaveModel = Callable[[onnx.ModelProto, str], Path]
State = Callable[[Project], dict[str, object]]


def test_add_round_trip_with_audit(project: Project, save_model: SaveModel) -> None:
    path = save_model(logistic(), "credit lr")
    record = add_model(project, path)
    data = path.read_bytes()
    assert record.name == "credit lr"
    assert record.sha256 == hashlib.sha256(data).hexdigest()
    assert record.size_bytes == len(data)
    assert record.source_path == str(path.resolve())
    assert [spec.name for spec in record.manifest.inputs] == ["age", "income", "debt"]
    assert model_bytes(project, "credit lr") == data
    assert list_models(project) == [record]
    assert json.loads(json.dumps(record.to_dict()))["manifest"]["outputs"][1]["name"] == "probabilities"
    entry = audit.entries(project.con)[-1]
    assert (entry.action, entry.subject, entry.input_sha256) == ("model.add", "credit lr", record.sha256)
    assert entry.details["size_bytes"] == len(data)


def test_model_survives_reopening(tmp_path: Path, save_model: SaveModel) -> None:
    path = save_model(logistic(), "lr")
    with create_project(tmp_path / "p.tsproj") as project:
        record = add_model(project, path)
    path.unlink()  # the project holds its own copy
    with open_project(tmp_path / "p.tsproj") as reopened:
        assert get_model(reopened, "lr") == record
        assert hashlib.sha256(model_bytes(reopened, "lr")).hexdigest() == record.sha256


def test_name_option_and_listing_order(project: Project, save_model: SaveModel) -> None:
    path = save_model(logistic(), "lr")
    add_model(project, path, name="zeta")
    add_model(project, path, name="alpha")
    assert [record.name for record in list_models(project)] == ["alpha", "zeta"]


def test_duplicate_name_is_refused_and_changes_nothing(
    project: Project, save_model: SaveModel, state: State
) -> None:
    path = save_model(logistic(), "lr")
    add_model(project, path)
    before = state(project)
    with pytest.raises(NameInUseError) as caught:
        add_model(project, path)
    message = str(caught.value)
    assert "'lr'" in message and "--name" in message
    assert state(project) == before


def test_unknown_model_lists_the_models(project: Project, save_model: SaveModel) -> None:
    with pytest.raises(NotFoundError, match="no models yet"):
        get_model(project, "nope")
    add_model(project, save_model(logistic(), "b_model"))
    add_model(project, save_model(logistic(), "a_model"))
    with pytest.raises(NotFoundError, match=r"No model named 'nope'.*Models: a_model, b_model\."):
        get_model(project, "nope")
    with pytest.raises(NotFoundError, match="a_model, b_model"):
        model_bytes(project, "nope")


def _custom_domain() -> onnx.ModelProto:
    node = helper.make_node("Magic", ["x"], ["y"], domain="com.example")
    model = build([node], [value("x", FLOAT, [None])], [value("y", FLOAT, [None])])
    model.opset_import.append(helper.make_opsetid("com.example", 1))
    return model


def _external_outside(folder: Path) -> onnx.ModelProto:
    """An initializer whose data lives in ``../outside.bin`` (which exists)."""
    weights = np.arange(4, dtype=np.float32)
    (folder.parent / "outside.bin").write_bytes(weights.tobytes())
    tensor = numpy_helper.from_array(weights, "w")
    tensor.ClearField("raw_data")
    tensor.data_location = onnx.TensorProto.EXTERNAL
    for key, text in (("location", "../outside.bin"), ("offset", "0"), ("length", "16")):
        tensor.external_data.add(key=key, value=text)
    nodes = [helper.make_node("Add", ["x", "w"], ["y"])]
    return build(nodes, [value("x", FLOAT, [4])], [value("y", FLOAT, [4])], initializers=[tensor])


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("not onnx", "is not an ONNX model"),
        ("empty", "is not an ONNX model"),
        ("custom domain", "custom domain(s) com.example"),
        ("external outside", "external data '../outside.bin', outside its own folder"),
    ],
)
def test_refused_files_leave_the_project_unchanged(
    project: Project, save_model: SaveModel, state: State, tmp_path: Path, *, kind: str, expected: str
) -> None:
    add_model(project, save_model(logistic(), "good"))
    folder = tmp_path / "models"
    path = folder / "bad.onnx"
    if kind == "not onnx":
        path.write_bytes(b"name,age\nann,41\n")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "custom domain":
        path = save_model(_custom_domain(), "bad")
    else:
        path = save_model(_external_outside(folder), "bad")
    before = state(project)
    with pytest.raises(ModelError, match=re.escape(expected)) as caught:
        add_model(project, path)
    assert str(path) in str(caught.value)
    assert state(project) == before
    assert [record.name for record in list_models(project)] == ["good"]


def test_empty_name_is_refused(project: Project, save_model: SaveModel, state: State) -> None:
    before = state(project)
    with pytest.raises(ModelError, match="--name"):
        add_model(project, save_model(logistic(), "lr"), name="  ")
    assert state(project) == before


def test_remove_keeps_score_columns_with_provenance(project: Project, save_model: SaveModel) -> None:
    path = save_model(scaled(2.0), "m")
    record = add_model(project, path)
    add_model(project, save_model(logistic(), "other"))
    create_x_table(project)
    score_table(project, model="m", table="t")
    removed = remove_model(project, "m")
    assert removed.record == record and removed.kept_score_columns == (("t", "score_m"),)
    assert [model.name for model in list_models(project)] == ["other"]
    assert "score_m" in dict(project.columns("t"))
    provenance = project.con.execute(
        "SELECT model_name, model_sha256 FROM _ts.score_columns WHERE column_name = 'score_m'"
    ).fetchone()
    assert provenance == ("m", record.sha256)
    entry = audit.entries(project.con)[-1]
    assert (entry.action, entry.subject, entry.input_sha256) == ("model.remove", "m", record.sha256)
    assert entry.details["kept_score_columns"] == ["t.score_m"]
    with pytest.raises(NotFoundError, match="Models: other"):
        score_table(project, model="m", table="t", output_column="again")
    assert add_model(project, path).sha256 == record.sha256  # the name is free again


def test_removing_an_unknown_model_changes_nothing(
    project: Project, save_model: SaveModel, state: State
) -> None:
    add_model(project, save_model(logistic(), "lr"))
    before = state(project)
    with pytest.raises(NotFoundError, match=r"No model named 'nope' in the project\. Models: lr\."):
        remove_model(project, "nope")
    assert state(project) == before
