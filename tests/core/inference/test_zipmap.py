"""The ordinary scikit-learn -> skl2onnx export scores as it is (issue 15, observation 6).

One [N, k] float input, a ZipMap probability output: read directly (the positive class by
default, another with --class-label / --class-index), its k columns from --map or the model's
metadata, and its scores equal scikit-learn's predict_proba.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnx
import pytest

from support.onnx_builders import scores_by_id
from tradeoff_studio.core.errors import ModelError
from tradeoff_studio.core.inference.registry import add_model
from tradeoff_studio.core.inference.runner import score_table
from tradeoff_studio.core.project import Project

SaveModel = Callable[[onnx.ModelProto, str], Path]
State = Callable[[Project], dict[str, object]]
COLUMNS = ("a", "b", "c")
ROWS = 200


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    features = rng.normal(size=(ROWS, len(COLUMNS))).astype(np.float32)
    classes = (features[:, 0] + 0.5 * features[:, 1] > 0).astype(int) + (features[:, 2] > 1.0)
    return features, classes


def _export(
    labels: list[object], *, metadata: dict[str, str] | None = None
) -> tuple[onnx.ModelProto, object]:
    """A LogisticRegression fitted on the classes mapped to ``labels``, exported with skl2onnx's defaults."""
    from skl2onnx import to_onnx
    from sklearn.linear_model import LogisticRegression

    features, classes = _data()
    fitted = LogisticRegression().fit(features, np.array(labels)[np.minimum(classes, len(labels) - 1)])
    model = to_onnx(fitted, features[:1], target_opset={"": 17, "ai.onnx.ml": 3})
    if metadata:
        onnx.helper.set_model_props(model, metadata)
    return model, fitted


@pytest.fixture
def table(project: Project) -> Project:
    features, _ = _data()
    project.con.execute("CREATE TABLE t (id INTEGER, a FLOAT, b FLOAT, c FLOAT)")
    project.con.executemany(
        "INSERT INTO t VALUES (?, ?, ?, ?)", [[i, *map(float, row)] for i, row in enumerate(features)]
    )
    return project


def test_default_export_scores_the_positive_class(table: Project, save_model: SaveModel) -> None:
    model, fitted = _export([0, 1])
    assert [output.type.WhichOneof("value") for output in model.graph.output] == [
        "tensor_type",
        "sequence_type",
    ]
    add_model(table, save_model(model, "clf"))
    record = score_table(table, model="clf", table="t", mapping_overrides={"X": "a,b,c"})
    assert record.model_output == "output_probability[label 1]"
    expected = fitted.predict_proba(_data()[0])[:, 1]  # type: ignore[attr-defined]
    np.testing.assert_allclose(scores_by_id(table, "t", "score_clf"), expected, rtol=0, atol=1e-6)
    assert record.input_mapping.to_dict()["inputs"][0]["columns"] == ["a", "b", "c"]


def test_string_labels_and_choosing_another_class(table: Project, save_model: SaveModel) -> None:
    model, fitted = _export(["no", "yes"], metadata={"feature_names": '["a", "b", "c"]'})
    add_model(table, save_model(model, "clf"))
    score_table(table, model="clf", table="t")  # columns from the model's metadata
    score_table(table, model="clf", table="t", output_column="p_no", class_label="no")
    probabilities = fitted.predict_proba(_data()[0])  # type: ignore[attr-defined]
    np.testing.assert_allclose(scores_by_id(table, "t", "score_clf"), probabilities[:, 1], atol=1e-6)
    np.testing.assert_allclose(scores_by_id(table, "t", "p_no"), probabilities[:, 0], atol=1e-6)


def test_three_classes_need_a_choice(table: Project, save_model: SaveModel, state: State) -> None:
    model, fitted = _export([0, 1, 2], metadata={"columns": "a, b, c"})
    add_model(table, save_model(model, "clf"))
    before = state(table)
    with pytest.raises(
        ModelError, match=r"probabilities of 3 classes \(0, 1, 2\); choose the class to store"
    ):
        score_table(table, model="clf", table="t")
    assert state(table) == before
    score_table(table, model="clf", table="t", class_index=2)
    expected = fitted.predict_proba(_data()[0])[:, 2]  # type: ignore[attr-defined]
    np.testing.assert_allclose(scores_by_id(table, "t", "score_clf"), expected, atol=1e-6)


def test_wrong_column_count_names_the_input_k_and_the_columns(
    table: Project, save_model: SaveModel, state: State
) -> None:
    model, _ = _export([0, 1])
    add_model(table, save_model(model, "clf"))
    before = state(table)
    for overrides, expected in [
        ({"X": "a,b"}, "input 'X' (float32 [N, 3]): takes 3 column(s) but 2 were given (a, b)"),
        ({"X": "a,b,zz"}, "--map names column(s) 'zz', which the table does not have"),
        (
            None,
            "input 'X' (float32 [N, 3]): takes 3 columns at once and the model's metadata names no columns",
        ),
    ]:
        with pytest.raises(ModelError) as caught:
            score_table(table, model="clf", table="t", mapping_overrides=overrides)
        message = str(caught.value)
        assert expected in message
        assert (
            "Table 't' has these columns:\n    id: INTEGER\n    a: FLOAT\n    b: FLOAT\n    c: FLOAT"
            in message
        )
    assert state(table) == before


def test_model_variants_read_the_zipmap_too(table: Project, save_model: SaveModel) -> None:
    from tradeoff_studio.core.analyses.model_variants import VariantSpec, measure_variants

    model, fitted = _export([0, 1], metadata={"feature_names": "a,b,c"})
    path = save_model(model, "clf")
    add_model(table, path)
    features, classes = _data()
    table.con.execute("ALTER TABLE t ADD COLUMN y INTEGER")
    table.con.executemany("UPDATE t SET y = ? WHERE id = ?", [[int(c > 0), i] for i, c in enumerate(classes)])
    spec = VariantSpec(
        table="t", label="y", models=("clf",), repeats=10, warmup=1, bulk_size=50, resamples=50
    )
    row = measure_variants(table, spec).frame.set_index("candidate_id").loc["clf"]
    predicted = fitted.predict_proba(features)[:, 1] >= 0.5  # type: ignore[attr-defined]
    assert row["quality"] == pytest.approx(np.mean(predicted == (classes > 0)))
    assert row["model_size_bytes"] == path.stat().st_size
