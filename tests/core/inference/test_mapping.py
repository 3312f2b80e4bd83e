"""Model inputs to table columns, and the output that becomes the score."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from support.onnx_builders import (
    FLOAT,
    INT64,
    STRING,
    feature_metadata,
    logistic,
    passthrough,
    summed,
    value,
    zipmap,
)
from tradeoff_studio.core.errors import ModelError
from tradeoff_studio.core.inference.manifest import ModelManifest, TensorSpec, describe
from tradeoff_studio.core.inference.mapping import InputBinding, InputMapping, choose_output, map_inputs

COLUMNS = [
    ("id", "BIGINT"),
    ("age", "DOUBLE"),
    ("Income", "FLOAT"),
    ("debt", "INTEGER"),
    ("grade", "VARCHAR"),
]


def _map(
    manifest: ModelManifest, columns: list[tuple[str, str]] = COLUMNS, **overrides: str | list[str]
) -> InputMapping:
    return map_inputs(manifest, columns, model="m", table="loans", overrides=overrides or None)


def test_exact_then_case_insensitive_name_match() -> None:
    mapping = _map(describe(logistic(["age", "income", "debt"])))
    assert mapping.bindings == (
        InputBinding("age", ("age",), "float32", "column"),
        InputBinding("income", ("Income",), "float32", "column"),
        InputBinding("debt", ("debt",), "float32", "column"),
    )
    assert mapping.columns == ("age", "Income", "debt")
    assert json.loads(json.dumps(mapping.to_dict()))["inputs"][1] == {
        "input": "income", "columns": ["Income"], "dtype": "float32", "layout": "column"
    }  # fmt: skip


def test_matrix_input_takes_the_feature_columns_from_metadata() -> None:
    model = logistic(
        ["debt", "age", "income"], matrix=True, metadata=feature_metadata(["debt", "age", "Income"])
    )
    mapping = _map(describe(model))
    assert mapping.bindings == (InputBinding("X", ("debt", "age", "Income"), "float32", "matrix"),)


def test_overrides_win_over_names() -> None:
    mapping = _map(describe(logistic(["age", "income", "debt"])), age="debt")
    assert mapping.bindings[0].columns == ("debt",)
    matrix = describe(logistic(["a", "b"], matrix=True))
    assert _map(matrix, X=["age", "debt"]).bindings[0].columns == ("age", "debt")
    assert _map(matrix, X="age, debt").bindings[0].columns == ("age", "debt")


def test_vector_int_and_string_inputs() -> None:
    manifest = describe(passthrough([value("debt", INT64, [None]), value("grade", STRING, [None, 1])]))
    assert _map(manifest).bindings == (
        InputBinding("debt", ("debt",), "int64", "vector"),
        InputBinding("grade", ("grade",), "object", "column"),
    )


def _mismatch(
    manifest: ModelManifest, columns: list[tuple[str, str]] = COLUMNS, **overrides: str | list[str]
) -> str:
    with pytest.raises(ModelError) as caught:
        _map(manifest, columns, **overrides)
    message = str(caught.value)
    assert message.startswith("Model 'm' does not fit table 'loans':")
    assert "Table 'loans' has these columns:" in message and "    grade: VARCHAR" in message
    assert "--map INPUT=COLUMN" in message
    return message


def test_missing_column_lists_inputs_and_columns() -> None:
    message = _mismatch(describe(logistic(["age", "salary", "debt"])))
    assert "input 'salary' (float32 [N, 1]): the table has no column of that name" in message
    assert "Model 'm' expects these inputs (name, type, shape):" in message
    assert "    salary: float32 [N, 1]" in message and "    age: float32 [N, 1]" in message
    assert "    Income: FLOAT" in message
    assert "'age'" not in message.split("expects")[0]  # only the failing input is a problem


def test_string_column_into_float_input() -> None:
    message = _mismatch(describe(logistic(["age", "income", "debt"])), age="grade")
    assert (
        "input 'age' (float32 [N, 1]): column 'grade' is VARCHAR; a float32 input needs a numeric" in message
    )


def test_float_column_into_int_input_would_round() -> None:
    message = _mismatch(describe(passthrough([value("age", INT64, [None])])))
    assert "column 'age' is DOUBLE; a int64 input needs an integer or BOOLEAN column" in message


def test_rank_3_input() -> None:
    message = _mismatch(describe(passthrough([value("age", FLOAT, [None, 2, 3])])))
    assert "input 'age' (float32 [N, 2, 3]): rank 3; only [N], [N, 1] or [N, k] inputs" in message


def test_fixed_batch_dimension() -> None:
    message = _mismatch(describe(passthrough([value("age", FLOAT, [1, 1])])))
    assert (
        "input 'age' (float32 [1, 1]): fixed batch size 1; re-export the model with a dynamic first axis"
        in message
    )


def test_matrix_without_metadata_or_with_wrong_count() -> None:
    matrix = describe(logistic(["a", "b", "c"], matrix=True))
    message = _mismatch(matrix)
    assert "input 'X' (float32 [N, 3]): takes 3 columns at once and the model's metadata names no" in message
    assert "takes 3 column(s) but 2 were given (age, debt)" in _mismatch(matrix, X=["age", "debt"])
    listed = describe(
        logistic(["a", "b", "c"], matrix=True, metadata=feature_metadata(["age", "nope", "debt"]))
    )
    assert "lists column(s) the table does not have: nope" in _mismatch(listed)


def test_bad_overrides_are_named() -> None:
    manifest = describe(logistic(["age", "income", "debt"]))
    assert "--map names input 'agee', which the model does not have" in _mismatch(manifest, agee="age")
    assert "--map names column(s) 'nope', which the table does not have" in _mismatch(manifest, age="nope")


def test_every_problem_is_listed_at_once() -> None:
    message = _mismatch(describe(logistic(["salary", "income", "bonus"])), income="grade")
    assert all(f"input '{name}'" in message for name in ("salary", "income", "bonus"))


def test_default_output_is_positive_class_probability() -> None:
    spec = choose_output(describe(logistic()))
    assert (spec.name, spec.class_index, spec.describe()) == ("probabilities", 1, "probabilities[:,1]")
    assert choose_output(describe(logistic()), class_index=0).describe() == "probabilities[:,0]"


def test_default_output_falls_back_to_first_float_vector() -> None:
    spec = choose_output(describe(summed()))
    assert (spec.name, spec.class_index, spec.describe()) == ("score", None, "score")


def test_named_output_and_class_index_checks() -> None:
    manifest = describe(logistic())
    assert choose_output(manifest, "label").describe() == "label"
    with pytest.raises(
        ModelError, match=r"has 2 columns \(0\.\.1\); choose the class to store with --class-index"
    ):
        choose_output(manifest, "probabilities", 2)
    with pytest.raises(ModelError, match="--class-index applies only to"):
        choose_output(manifest, "label", 1)
    with pytest.raises(ModelError, match=r"has no output named 'proba'\. Its outputs: label, probabilities"):
        choose_output(manifest, "proba", model="m")


def test_zipmap_output_is_read_as_the_tensor_it_zips() -> None:
    manifest = describe(zipmap())
    spec = manifest.output("output_probability")
    assert spec.onnx_type == "seq(map(int64, tensor(float32)))"
    assert (spec.labels, spec.source) == ([0, 1], "scores")
    chosen = choose_output(manifest, model="m")
    assert (chosen.name, chosen.fetched, chosen.class_index) == ("output_probability", "scores", 1)
    assert chosen.label == 1
    assert chosen.describe() == "output_probability[label 1]"
    assert choose_output(manifest, class_label="0").class_index == 0
    assert choose_output(manifest, "output_probability", class_index=0).label == 0
    with pytest.raises(ModelError, match=r"probabilities of 2 classes \(0, 1\); none is labelled '7'"):
        choose_output(manifest, class_label="7", model="m")
    with pytest.raises(ModelError, match="--class-label applies to ZipMap outputs"):
        choose_output(describe(logistic()), class_label="1")


def test_a_sequence_output_not_made_by_a_zipmap_node_is_refused_with_advice() -> None:
    manifest = describe(zipmap())
    orphan = TensorSpec("output_probability", "seq(map(int64, tensor(float32)))", None, None)
    manifest = replace(manifest, outputs=[manifest.outputs[0], orphan])
    with pytest.raises(ModelError) as caught:
        choose_output(manifest, model="m")
    assert "'output_probability' cannot be a score: not a tensor" in str(caught.value)
    assert "options={'zipmap': False}" in str(caught.value)


def test_manifests_round_trip_and_keep_zipmap_fields_only_where_set() -> None:
    for model in (zipmap(), logistic()):
        manifest = describe(model)
        assert ModelManifest.from_dict(json.loads(json.dumps(manifest.to_dict()))) == manifest
    assert "labels" not in describe(logistic()).to_dict()["outputs"][1]
    assert describe(zipmap()).to_dict()["outputs"][1]["labels"] == [0, 1]
