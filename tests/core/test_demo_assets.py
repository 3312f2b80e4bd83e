"""The committed demo data and sample models: shape, reproducibility and the ONNX interface."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import numpy as np
import onnxruntime as ort
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sklearn.metrics import roc_auc_score

from tradeoff_studio.core.inference.manifest import load_model_file

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo" / "credit_applications.parquet"
MODELS = ("credit_logreg", "credit_gbt", "credit_mlp")
SCORED_ROWS = 5_000


def _load_generator() -> ModuleType:
    path = REPO / "resources" / "demo" / "make_credit_demo.py"
    spec = importlib.util.spec_from_file_location("make_credit_demo", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


@pytest.fixture(scope="module")
def demo() -> pa.Table:
    """The committed demo table."""
    return pq.read_table(DEMO)


def test_demo_table_has_expected_columns_and_label_rate(demo: pa.Table) -> None:
    assert demo.num_rows >= 50_000
    expected = [gen.ID_COLUMN, gen.LABEL_COLUMN, *gen.PROTECTED_COLUMNS, *gen.FEATURE_COLUMNS]
    assert demo.column_names == expected
    assert 15 <= len(gen.FEATURE_COLUMNS) <= 30
    assert all(column.null_count == 0 for column in demo.columns)
    assert demo.schema.field(gen.ID_COLUMN).type == pa.int64()
    for name in gen.FEATURE_COLUMNS:
        assert demo.schema.field(name).type in (pa.int64(), pa.float64()), name
    label = demo[gen.LABEL_COLUMN].to_numpy()
    assert set(np.unique(label)) == {0, 1}
    assert 0.15 <= label.mean() <= 0.25
    sex = demo["sex"].to_numpy(zero_copy_only=False)
    assert set(sex) == {"female", "male"}
    assert 0.34 <= np.mean(sex == "female") <= 0.42
    assert set(demo["ethnicity"].to_numpy(zero_copy_only=False)) == set(gen.ETHNICITY_LABELS)


def test_committed_table_is_what_the_generator_makes(demo: pa.Table) -> None:
    """Same schema and rows; non-float columns equal, floats to 1e-12 relative (numpy's exp and log
    kernels may differ in the last bit between CPUs, which is not the point here)."""
    made = gen.generate(demo.num_rows, gen.DEFAULT_SEED)
    assert made.schema == demo.schema and made.num_rows == demo.num_rows
    for name in demo.column_names:
        if pa.types.is_floating(demo.schema.field(name).type):
            np.testing.assert_allclose(made[name].to_numpy(), demo[name].to_numpy(), rtol=1e-12, atol=1e-15,
                                       err_msg=f"column {name} differs from its generator's")  # fmt: skip
        else:
            assert made[name].equals(demo[name]), f"column {name} differs from its generator's"


def test_generator_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a.parquet", tmp_path / "b.parquet"
    gen.write(gen.generate(2_000, 7), first)
    gen.write(gen.generate(2_000, 7), second)
    assert first.read_bytes() == second.read_bytes()
    assert not gen.generate(2_000, 8).equals(gen.generate(2_000, 7))


def test_label_gap_comes_through_features(demo: pa.Table) -> None:
    """Disadvantaged groups default more often, though the label has no protected-attribute term."""
    label = demo[gen.LABEL_COLUMN].to_numpy()
    sex = demo["sex"].to_numpy(zero_copy_only=False)
    income = demo["income"].to_numpy()
    assert label[sex == "female"].mean() > label[sex == "male"].mean()
    assert np.median(income[sex == "female"]) < np.median(income[sex == "male"])


def _session(name: str) -> ort.InferenceSession:
    return ort.InferenceSession(str(REPO / "models" / f"{name}.onnx"), providers=["CPUExecutionProvider"])


@pytest.mark.parametrize("name", MODELS)
def test_model_interface(name: str) -> None:
    session = _session(name)
    inputs = session.get_inputs()
    assert [spec.name for spec in inputs] == list(gen.FEATURE_COLUMNS)
    assert all(spec.type == "tensor(float)" and spec.shape == [None, 1] for spec in inputs)
    outputs = {spec.name: spec for spec in session.get_outputs()}
    assert outputs["label"].type == "tensor(int64)"
    assert (outputs["probabilities"].type, outputs["probabilities"].shape) == ("tensor(float)", [None, 2])
    metadata = session.get_modelmeta().custom_metadata_map
    assert json.loads(metadata["tradeoff_studio.feature_columns"]) == list(gen.FEATURE_COLUMNS)
    assert metadata["tradeoff_studio.label_column"] == gen.LABEL_COLUMN


@pytest.mark.parametrize("name", MODELS)
def test_manifest_matches_model_file(name: str) -> None:
    path = REPO / "models" / f"{name}.onnx"
    manifest = json.loads((REPO / "models" / f"{name}.manifest.json").read_text(encoding="utf-8"))
    loaded = load_model_file(path)
    assert manifest["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest() == loaded.sha256
    assert manifest["size_bytes"] == path.stat().st_size
    assert {key: manifest[key] for key in loaded.manifest.to_dict()} == loaded.manifest.to_dict()
    assert manifest["training"]["test_auc"] > 0.7


@pytest.mark.parametrize("name", MODELS)
def test_model_ranks_defaults(name: str, demo: pa.Table) -> None:
    rows = demo.slice(0, SCORED_ROWS)
    feeds = {name: rows[name].to_numpy().astype(np.float32).reshape(-1, 1) for name in gen.FEATURE_COLUMNS}
    label, probabilities = _session(name).run(["label", "probabilities"], feeds)
    assert probabilities.shape == (SCORED_ROWS, 2)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert roc_auc_score(rows[gen.LABEL_COLUMN].to_numpy(), probabilities[:, 1]) > 0.7
    assert np.array_equal(label, np.argmax(probabilities, axis=1))
