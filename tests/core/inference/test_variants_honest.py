"""Model variants that hold up (issue #17, observations 7–11): --map, loose names, holdout warning,
reference fidelity, identical graphs, quantized ops, interleaved timing and latency ties."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pandas as pd
import pytest

from support.onnx_builders import feature_metadata, logistic
from tradeoff_studio.core import analysis_workflows as flows
from tradeoff_studio.core.analyses.candidates import AnalysisError, Objective
from tradeoff_studio.core.analyses.model_variants import analysis as variants
from tradeoff_studio.core.analyses.model_variants.analysis import VariantSpec, measure_variants
from tradeoff_studio.core.errors import ModelError
from tradeoff_studio.core.inference.registry import add_model
from tradeoff_studio.core.inference.variant_report import latency_front
from tradeoff_studio.core.inference.variant_timing import EMPTY, TimingJob, time_interleaved
from tradeoff_studio.core.jobs import CancelToken, no_progress
from tradeoff_studio.core.project import Project

REPO = Path(__file__).resolve().parents[3]
DEMO = REPO / "resources" / "demo" / "credit_applications.parquet"
FAST = {"repeats": 30, "warmup": 5, "resamples": 200, "bulk_size": 1000, "provider": "cpu", "threads": 1}


def copy_of(source: Path, target: Path) -> Path:
    """The same graph and weights under another producer name and with more metadata (a bigger file)."""
    model = onnx.load(source)
    model.producer_name = "onnxruntime.quantization (no op quantized)"
    note = model.metadata_props.add()
    note.key, note.value = "quantization", "dynamic INT8 requested"
    onnx.save(model, target)
    return target


@pytest.fixture
def credit(project: Project, tmp_path: Path) -> Project:
    """2,000 demo rows with two columns renamed the way a census export spells them."""
    project.con.execute(
        'CREATE TABLE credit AS SELECT * RENAME (employment_years AS "Employment-Years", '
        'years_at_address AS "years at address") FROM read_parquet(?) WHERE applicant_id % 30 = 0',
        [str(DEMO)],
    )
    add_model(project, REPO / "models" / "credit_mlp.onnx")
    add_model(project, REPO / "models" / "credit_mlp_int8.onnx")
    add_model(project, copy_of(REPO / "models" / "credit_mlp.onnx", tmp_path / "credit_mlp_copy.onnx"))
    return project


def spec(models: tuple[str, ...], **changes: object) -> VariantSpec:
    settings = {"table": "credit", "label": "default", "models": models} | FAST | changes
    return VariantSpec(**settings)  # type: ignore[arg-type]


def test_reference_identical_copy_quantized_ops_matches_and_holdout(credit: Project) -> None:
    models = ("credit_mlp", "credit_mlp_copy", "credit_mlp_int8")
    table = measure_variants(credit, spec(models, reference="credit_mlp", batch_sizes=(8,)))
    frame = table.frame.set_index("candidate_id")
    assert frame.loc["credit_mlp_copy", "identical_to"] == "credit_mlp"
    assert frame.loc["credit_mlp", "identical_to"] == "credit_mlp_copy"
    assert pd.isna(frame.loc["credit_mlp_int8", "identical_to"])
    assert frame.loc["credit_mlp_int8", "quantized_ops"] > 0 and frame.loc["credit_mlp", "quantized_ops"] == 0
    assert frame.loc["credit_mlp_copy", ["agreement", "max_abs_score_diff"]].tolist() == [1.0, 0.0]
    assert 0.9 < frame.loc["credit_mlp_int8", "agreement"] <= 1.0
    assert 0.0 < frame.loc["credit_mlp_int8", "max_abs_score_diff"] < 0.2
    notes = table.notes
    assert notes["input_matches"]["credit_mlp"] == ["employment_years ← Employment-Years",
                                                    "years_at_address ← years at address"]  # fmt: skip
    assert "held-out rows" in notes["holdout"]["warning"] and not notes["holdout"]["where"]
    assert notes["timing"]["threads"] == {"intra_op_num_threads": 1}
    assert notes["timing"]["per_call_overhead_ms"] > 0
    assert set(notes["timing"]["p50_ms_by_batch_size"]) == {"1", "8"}
    pair = next(p for p in notes["latency_pairs"] if {p["first"], p["second"]} == set(models[:2]))
    assert pair["identical_graphs"] and pair["indistinguishable"]
    assert frame.loc["credit_mlp", "on_front"] == frame.loc["credit_mlp_copy", "on_front"]


def test_holdout_rows_clear_the_warning(credit: Project) -> None:
    record = flows.measure_model_variants(credit, spec(("credit_mlp",)), where="applicant_id % 60 = 0")
    holdout = flows.get_candidates(credit, record.name).notes["holdout"]
    assert holdout == {"where": True, "warning": None}


def test_map_binds_a_matrix_input_with_score_grammar(credit: Project, tmp_path: Path) -> None:
    columns = ["age", "income", "debt_to_income"]
    bare = tmp_path / "bare.onnx"
    onnx.save(logistic(columns, matrix=True), bare)
    add_model(credit, bare)
    with pytest.raises(ModelError, match="--map"):
        measure_variants(credit, spec(("bare",)))
    table = measure_variants(credit, spec(("bare",), mapping=(("X", "age,income,debt_to_income"),)))
    assert table.frame["quality"].between(0, 1).all()
    described = tmp_path / "described.onnx"
    onnx.save(logistic(columns, matrix=True, metadata=feature_metadata(columns)), described)
    add_model(credit, described)
    both = measure_variants(credit, spec(("bare", "described"), mapping=(("X", "age,income,debt_to_income"),),
                                         reference="described"))  # fmt: skip
    assert both.frame.set_index("candidate_id").loc["bare", "agreement"] == 1.0


def test_bad_reference_threads_and_fidelity_objectives_are_refused(credit: Project) -> None:
    with pytest.raises(AnalysisError, match="reference model 'credit_gbt' is not among the models"):
        measure_variants(credit, spec(("credit_mlp",), reference="credit_gbt"))
    with pytest.raises(AnalysisError, match="--threads must be"):
        measure_variants(credit, spec(("credit_mlp",), threads=0))
    with pytest.raises(AnalysisError, match="give --reference MODEL"):
        measure_variants(credit, spec(("credit_mlp",), objectives=(Objective("agreement", "max"),)))


def test_an_identical_copy_is_never_separated_on_latency_in_20_reruns(credit: Project) -> None:
    """Interleaved timing in this process, 20 times: the copy never leaves the front the model is on."""
    models = ("credit_mlp", "credit_mlp_copy")
    data = variants._read(credit, spec(models), CancelToken())
    job = TimingJob(tuple(data.jobs), "cpu", 1, (1,), 40, 5)
    template = measure_variants(credit, spec(models))
    for _ in range(20):
        timings = time_interleaved(job, no_progress)
        assert timings.of(EMPTY, 1).shape == (40,) and timings.overhead_ms(1) > 0
        frame = template.frame.copy()
        for model in models:
            frame.loc[frame["candidate_id"] == model, "latency_p95_ms"] = float(
                np.percentile(timings.of(model, 1), 95, method="inverted_cdf")
            )
        table, pairs = latency_front(template.__class__(**{**template.__dict__, "frame": frame}), timings, 1,
                                     [list(models)], resamples=200, level=0.95, seed=1)  # fmt: skip
        assert pairs[0]["indistinguishable"]
        assert table.frame["on_front"].tolist()[0] == table.frame["on_front"].tolist()[1]
