"""Model variants on the demo credit data: the sample MLP against its INT8 quantisation, measured."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from sklearn.metrics import log_loss, roc_auc_score

from support.onnx_builders import lookup
from tradeoff_studio.core import analysis_workflows as flows
from tradeoff_studio.core.analyses.candidates import AnalysisError, Objective
from tradeoff_studio.core.analyses.model_variants import METRICS, VariantSpec, measure_variants
from tradeoff_studio.core.errors import CancelledError, ModelError, NotFoundError
from tradeoff_studio.core.inference.registry import add_model, model_bytes
from tradeoff_studio.core.jobs import CancelToken
from tradeoff_studio.core.project import Project

REPO = Path(__file__).resolve().parents[3]
DEMO = REPO / "resources" / "demo" / "credit_applications.parquet"
MODELS = ("credit_mlp", "credit_mlp_int8")
FAST = {"repeats": 30, "warmup": 5, "resamples": 200, "bulk_size": 1000, "provider": "cpu"}


@pytest.fixture
def credit(project: Project) -> Project:
    """3,000 demo rows (every 20th applicant) as table ``credit``, with the MLP and its INT8 variant."""
    project.con.execute(
        "CREATE TABLE credit AS SELECT * FROM read_parquet(?) WHERE applicant_id % 20 = 0", [str(DEMO)]
    )
    for name in (*MODELS, "credit_gbt"):
        add_model(project, REPO / "models" / f"{name}.onnx")
    return project


def spec(models: tuple[str, ...] = MODELS, **changes: object) -> VariantSpec:
    """A quick spec on ``credit`` (few repeats and resamples, bulk batches of 1,000 rows)."""
    settings = {"table": "credit", "label": "default", "models": models} | FAST | changes
    return VariantSpec(**settings)  # type: ignore[arg-type]


def test_quantised_and_full_precision_are_measured_and_stored(credit: Project) -> None:
    record = flows.measure_model_variants(credit, spec())
    assert record.name == "model-variants-credit" and record.kind == "model-variants"
    table = flows.get_candidates(credit, record.name)
    frame = table.frame.set_index("candidate_id")
    assert list(frame.index) == list(MODELS) and table.knobs == ["system", "provider"]
    assert table.metrics == list(METRICS)
    assert table.objectives == [Objective("quality", "max"), Objective("latency_p95_ms", "min")]
    assert set(frame["provider"]) == {"CPUExecutionProvider"}
    for metric in ("quality", "auc", "log_loss", "latency_p50_ms", "latency_p95_ms"):
        assert (frame[f"{metric}_lo"] <= frame[metric]).all() and (
            frame[metric] <= frame[f"{metric}_hi"]
        ).all()
    assert (frame["latency_p50_ms"] <= frame["latency_p95_ms"]).all()
    assert (frame["latency_p50_ms"] > 0).all() and (frame["throughput_rows_per_s"] > 0).all()
    assert (frame["peak_memory_mb"] > 0).all()
    sizes = [(REPO / "models" / f"{name}.onnx").stat().st_size for name in MODELS]
    assert frame["model_size_bytes"].tolist() == sizes and sizes[1] < sizes[0]
    # Quantisation moves the probabilities a little, not the quality: both about 0.84 accurate.
    assert abs(frame.loc["credit_mlp", "quality"] - frame.loc["credit_mlp_int8", "quality"]) < 0.02
    assert frame.loc["credit_mlp", "auc"] != frame.loc["credit_mlp_int8", "auc"]
    assert frame["on_front"].any()
    notes = table.notes
    assert notes["rows"] == 3000 and notes["batch_size"] == 1 and notes["hardware"]["cpu_count"] >= 1
    assert notes["providers_used"] == dict.fromkeys(MODELS, "CPUExecutionProvider")
    assert notes["memory"]["unit"] == "MiB" and notes["bootstrap"]["resamples"] == 200


def test_quality_equals_a_hand_computation_from_the_models_own_scores(credit: Project) -> None:
    frame = measure_variants(credit, spec(("credit_gbt",))).frame.iloc[0]
    session = ort.InferenceSession(model_bytes(credit, "credit_gbt"), providers=["CPUExecutionProvider"])
    features = [spec.name for spec in session.get_inputs()]
    columns = ", ".join(f'"{name}"' for name in features)
    arrow = credit.con.execute(f'SELECT {columns}, "default" FROM credit').to_arrow_table()
    feeds = {
        name: arrow.column(i).to_numpy().astype(np.float32).reshape(-1, 1) for i, name in enumerate(features)
    }
    scores = session.run(["probabilities"], feeds)[0][:, 1].astype(np.float64)
    labels = arrow.column(len(features)).to_numpy() == 1
    assert frame["quality"] == pytest.approx(np.mean((scores >= 0.5) == labels), abs=1e-12)
    assert frame["auc"] == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)
    assert frame["log_loss"] == pytest.approx(log_loss(labels, scores), abs=1e-12)


def test_unknown_model_missing_or_non_binary_label_and_bad_settings_are_refused(credit: Project) -> None:
    with pytest.raises(NotFoundError, match=r"No model named 'nope'.*Models: credit_gbt, credit_mlp, "):
        measure_variants(credit, spec(("credit_mlp", "nope")))
    with pytest.raises(
        AnalysisError, match=r"no label column 'defaulted'. Its columns: applicant_id \(BIGINT\)"
    ):
        measure_variants(credit, spec(label="defaulted"))
    with pytest.raises(AnalysisError, match=r"label column 'age' of table 'credit' is not binary"):
        measure_variants(credit, spec(label="age"))
    with pytest.raises(AnalysisError, match=r"has values 'female', 'male'; say which one is positive"):
        measure_variants(credit, spec(label="sex"))
    with pytest.raises(AnalysisError, match=r"The positive value 'yes' does not occur"):
        measure_variants(credit, spec(positive="yes"))
    with pytest.raises(AnalysisError, match="listed twice"):
        measure_variants(credit, spec(("credit_mlp", "credit_mlp")))
    with pytest.raises(AnalysisError, match="'cost' is not a model-variant metric"):
        measure_variants(credit, spec(objectives=(Objective("cost", "min"),)))


def test_model_inputs_that_do_not_fit_the_table_are_refused(credit: Project) -> None:
    credit.con.execute('CREATE TABLE thin AS SELECT applicant_id, age, income, "default" FROM credit')
    with pytest.raises(ModelError, match=r"Model 'credit_mlp' does not fit table 'thin'"):
        measure_variants(credit, spec(table="thin"))


def test_a_model_failing_in_its_process_is_a_model_error(
    project: Project, save_model: Callable[[onnx.ModelProto, str], Path]
) -> None:
    project.con.execute(
        "CREATE TABLE codes AS SELECT CASE WHEN id = 500 THEN 99 ELSE id % 10 END AS code, id % 2 AS y "
        "FROM range(1000) r(id)"
    )
    add_model(project, save_model(lookup(), "lookup"))
    with pytest.raises(ModelError, match=r"Model 'lookup' failed while being measured: .*"):
        measure_variants(project, spec(("lookup",), table="codes", label="y"))
    assert multiprocessing.active_children() == []


def test_cancel_while_a_model_is_measured_ends_its_process(credit: Project) -> None:
    token = CancelToken()

    def progress(_fraction: float, message: str) -> None:
        if message.startswith("Timed"):
            token.cancel()

    with pytest.raises(CancelledError):
        measure_variants(credit, spec(repeats=100_000), progress=progress, cancel=token)
    assert multiprocessing.active_children() == []


def test_an_interrupt_meant_for_the_terminal_leaves_the_child_measuring(credit: Project) -> None:
    interrupted: list[int] = []

    def progress(_fraction: float, message: str) -> None:
        if message.startswith("Timed") and not interrupted:
            for child in multiprocessing.active_children():
                os.kill(child.pid, signal.SIGINT)  # what a terminal's Ctrl-C sends the whole group
                interrupted.append(child.pid)

    frame = measure_variants(credit, spec(("credit_mlp",)), progress=progress).frame
    assert interrupted and frame.loc[0, "candidate_id"] == "credit_mlp"
    assert multiprocessing.active_children() == []


def test_cancelled_before_start_measures_nothing(credit: Project) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        measure_variants(credit, spec(), cancel=token)
    assert flows.list_analyses(credit) == []
