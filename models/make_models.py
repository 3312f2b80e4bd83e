"""Train the sample credit-scoring models on the demo data and export them to ONNX.

Usage::

    python models/make_models.py [--data PATH] [--out-dir DIR] [--seed S]

Three classifiers learn ``default`` from the numeric features of
``resources/demo/credit_applications.parquet`` (never from the id, the label or the protected
attributes): a scaled logistic regression, a histogram gradient-boosted tree ensemble and a
scaled small MLP. Each ONNX file takes one float32 ``[None, 1]`` input per feature, named as the
dataset column, and returns ``label`` (int64) and ``probabilities`` (float32, column 1 = P(default)).
Next to each model, ``<name>.manifest.json`` holds the app's manifest of the file, its SHA-256
and the training facts, including the demographic-parity gap by ``sex`` at the 0.5 threshold.

Training uses the features as float32 (the precision the models receive), so the ONNX scores
match scikit-learn's to within 1e-5; the script checks that and stops if they do not.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import pyarrow.parquet as pq
import skl2onnx
import sklearn
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.base import BaseEstimator
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from tradeoff_studio.core.inference.manifest import load_model_file

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO / "resources" / "demo" / "credit_applications.parquet"
DEFAULT_OUT_DIR = REPO / "models"
DEFAULT_SEED = 20261127
LABEL_COLUMN = "default"
NON_FEATURES = ("applicant_id", LABEL_COLUMN, "sex", "ethnicity")
TEST_SIZE = 0.3
THRESHOLD = 0.5
TARGET_OPSET = {"": 21, "ai.onnx.ml": 3}
TOLERANCE = 1e-5
JOINED_INPUT = "features"  # internal name of the joined feature matrix


@dataclass(frozen=True)
class DemoData:
    """The demo table split for training: float32-valued features, label and protected groups."""

    features: list[str]
    x_train: np.ndarray
    x_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    sex_test: np.ndarray
    ethnicity_test: np.ndarray


@dataclass(frozen=True)
class Candidate:
    """One model to train: file stem, scikit-learn estimator and a one-line description."""

    name: str
    estimator: BaseEstimator
    description: str


def load_demo(path: Path, seed: int) -> DemoData:
    """Read the demo Parquet and make a stratified 70/30 split."""
    table = pq.read_table(path)
    features = [name for name in table.column_names if name not in NON_FEATURES]
    x = np.column_stack([table[name].to_numpy().astype(np.float32) for name in features]).astype(np.float64)
    y = table[LABEL_COLUMN].to_numpy().astype(np.int64)
    groups = np.column_stack([table["sex"].to_numpy(), table["ethnicity"].to_numpy()])
    x_train, x_test, y_train, y_test, _, groups_test = train_test_split(
        x, y, groups, test_size=TEST_SIZE, stratify=y, random_state=seed
    )
    return DemoData(features, x_train, x_test, y_train, y_test, groups_test[:, 0], groups_test[:, 1])


def candidates(seed: int) -> list[Candidate]:
    """The three sample models, each a different point on the accuracy/complexity scale."""
    return [
        Candidate(
            "credit_logreg",
            make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
            "Credit default risk: standardised features + logistic regression (demo model).",
        ),
        Candidate(
            "credit_gbt",
            HistGradientBoostingClassifier(
                max_iter=150, max_leaf_nodes=31, learning_rate=0.05, early_stopping=False, random_state=seed
            ),
            "Credit default risk: gradient-boosted trees, 150 trees of up to 31 leaves (demo model).",
        ),
        Candidate(
            "credit_mlp",
            make_pipeline(
                StandardScaler(),
                MLPClassifier(
                    hidden_layer_sizes=(32, 16), early_stopping=True, max_iter=300, random_state=seed
                ),
            ),
            "Credit default risk: standardised features + MLP with hidden layers (32, 16) (demo model).",
        ),
    ]


def to_onnx(candidate: Candidate, features: list[str]) -> onnx.ModelProto:
    """Convert a fitted estimator: one float32 [None, 1] input per feature, no ZipMap."""
    model = convert_sklearn(
        candidate.estimator,
        name=candidate.name,
        initial_types=[(JOINED_INPUT, FloatTensorType([None, len(features)]))],
        target_opset=TARGET_OPSET,
        options={"zipmap": False},
    )
    _one_input_per_feature(model, features)
    onnx.helper.set_model_props(
        model,
        {
            "tradeoff_studio.label_column": LABEL_COLUMN,
            "tradeoff_studio.positive_class": "1",
            "tradeoff_studio.score_output": "probabilities[:,1]",
            "tradeoff_studio.feature_columns": json.dumps(features),
            "description": candidate.description,
        },
    )
    onnx.checker.check_model(model)
    return model


def _one_input_per_feature(model: onnx.ModelProto, features: list[str]) -> None:
    """Replace the single [None, n] input by n named [None, 1] inputs joined with Concat.

    skl2onnx joins several inputs itself only in front of some transformers (a scaler), not in
    front of a bare tree ensemble, so every model gets the same explicit first node instead.
    """
    graph = model.graph
    joined = graph.input[0].name
    del graph.input[:]
    graph.input.extend(
        onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, [None, 1]) for name in features
    )
    nodes = [onnx.helper.make_node("Concat", features, [joined], name="JoinFeatures", axis=1), *graph.node]
    del graph.node[:]
    graph.node.extend(nodes)


def onnx_outputs(model_bytes: bytes, x: np.ndarray, features: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Labels and probabilities from onnxruntime on the CPU, one column per named input."""
    session = ort.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
    feeds = {name: x[:, [i]].astype(np.float32) for i, name in enumerate(features)}
    label, probabilities = session.run(["label", "probabilities"], feeds)
    return label, probabilities


def check_agreement(name: str, estimator: BaseEstimator, probabilities: np.ndarray, x: np.ndarray) -> float:
    """Largest |ONNX - scikit-learn| probability on ``x``; stop if it exceeds the tolerance."""
    difference = float(np.max(np.abs(probabilities - estimator.predict_proba(x))))
    print(f"  {name}: max |onnxruntime - sklearn| probability = {difference:.2e} on {len(x):,} test rows")
    if difference > TOLERANCE:
        raise SystemExit(f"{name}: ONNX and scikit-learn disagree by {difference:.2e} > {TOLERANCE:.0e}")
    return difference


def selection_rates(selected: np.ndarray, groups: np.ndarray) -> dict[str, float]:
    """Share of each group's rows that are selected (flagged as default)."""
    return {str(group): round(float(np.mean(selected[groups == group])), 6) for group in np.unique(groups)}


def metrics(data: DemoData, label: np.ndarray, probabilities: np.ndarray) -> dict[str, Any]:
    """Test-set quality and the fairness gap of the 0.5 decision, as stored in the manifest."""
    score = probabilities[:, 1]
    flagged = score >= THRESHOLD
    by_sex = selection_rates(flagged, data.sex_test)
    by_ethnicity = selection_rates(flagged, data.ethnicity_test)
    return {
        "test_auc": round(float(roc_auc_score(data.y_test, score)), 6),
        "test_accuracy_at_0_5": round(float(accuracy_score(data.y_test, flagged.astype(np.int64))), 6),
        "label_output_matches_threshold": bool(np.array_equal(label, flagged.astype(np.int64))),
        "selection": "score >= 0.5 (flagged as likely to default); the gap is the same for approvals",
        "selection_rate_by_sex": by_sex,
        "demographic_parity_difference_sex": round(max(by_sex.values()) - min(by_sex.values()), 6),
        "selection_rate_by_ethnicity": by_ethnicity,
        "demographic_parity_difference_ethnicity": round(
            max(by_ethnicity.values()) - min(by_ethnicity.values()), 6
        ),
    }


def training_block(candidate: Candidate, data: DemoData, data_path: Path, seed: int) -> dict[str, Any]:
    """How the model was made: estimator, library versions, data, split and seed."""
    return {
        "estimator": " ".join(repr(candidate.estimator).split()),
        "sklearn_version": sklearn.__version__,
        "skl2onnx_version": skl2onnx.__version__,
        "data": _display_path(data_path),
        "data_sha256": hashlib.sha256(data_path.read_bytes()).hexdigest(),
        "split": f"stratified on {LABEL_COLUMN}, test_size={TEST_SIZE}",
        "train_rows": len(data.y_train),
        "test_rows": len(data.y_test),
        "seed": seed,
    }


def _display_path(path: Path) -> str:
    resolved = path.resolve()
    return resolved.relative_to(REPO).as_posix() if resolved.is_relative_to(REPO) else str(resolved)


def build(candidate: Candidate, data: DemoData, out_dir: Path, training: dict[str, Any]) -> dict[str, Any]:
    """Fit, export, verify and describe one model; return its manifest."""
    start = time.perf_counter()
    candidate.estimator.fit(data.x_train, data.y_train)
    onnx_path = out_dir / f"{candidate.name}.onnx"
    onnx_path.write_bytes(to_onnx(candidate, data.features).SerializeToString())
    loaded = load_model_file(onnx_path)
    label, probabilities = onnx_outputs(loaded.data, data.x_test, data.features)
    difference = check_agreement(candidate.name, candidate.estimator, probabilities, data.x_test)
    training = {**training, **metrics(data, label, probabilities), "max_abs_diff_vs_sklearn": difference}
    manifest = {
        **loaded.manifest.to_dict(),
        "sha256": loaded.sha256,
        "size_bytes": len(loaded.data),
        "training": training,
    }
    manifest_path = out_dir / f"{candidate.name}.manifest.json"
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(
        f"  {candidate.name}: AUC {training['test_auc']:.4f}, "
        f"accuracy {training['test_accuracy_at_0_5']:.4f}, "
        f"DP difference (sex) {training['demographic_parity_difference_sex']:.4f}, "
        f"{len(loaded.data) / 1024:.0f} KiB, {time.perf_counter() - start:.1f} s"
    )
    return manifest


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="demo Parquet to train on")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR, help="folder for models, manifests")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="split and training seed")
    args = parser.parse_args(argv)
    data = load_demo(args.data, args.seed)
    print(f"{len(data.features)} features, {len(data.y_train):,} train / {len(data.y_test):,} test rows")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for candidate in candidates(args.seed):
        build(candidate, data, args.out_dir, training_block(candidate, data, args.data, args.seed))


if __name__ == "__main__":
    main()
