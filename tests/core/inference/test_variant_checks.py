"""Model-variant checks (issue #17, observations 8, 9, 11): graphs, quantized ops, fidelity, latency ties."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest

from support.onnx_builders import logistic
from tradeoff_studio.core.errors import ModelError
from tradeoff_studio.core.inference.manifest import describe
from tradeoff_studio.core.inference.mapping import loose_matches, map_inputs
from tradeoff_studio.core.inference.variant_checks import (
    fidelity,
    graph_fingerprint,
    identical_groups,
    quantized_ops,
)
from tradeoff_studio.core.inference.variant_timing import front_with_ties, ratio_interval

MODELS = Path(__file__).resolve().parents[3] / "models"


def relabelled(data: bytes) -> bytes:
    """The same computation with another name, producer, doc strings and metadata (a bigger file)."""
    model = onnx.load_from_string(data)
    model.producer_name, model.doc_string, model.graph.name = "quantizer", "INT8 (dynamic)", "renamed"
    for index, node in enumerate(model.graph.node):
        node.name = f"n{index}"
    note = model.metadata_props.add()
    note.key, note.value = "note", "x" * 500
    return model.SerializeToString()


def test_identical_graphs_are_found_whatever_the_file_says() -> None:
    mlp = (MODELS / "credit_mlp.onnx").read_bytes()
    copy = relabelled(mlp)
    int8 = (MODELS / "credit_mlp_int8.onnx").read_bytes()
    assert len(copy) > len(mlp) and graph_fingerprint(copy) == graph_fingerprint(mlp)
    assert graph_fingerprint(int8) != graph_fingerprint(mlp)
    found = {"mlp": graph_fingerprint(mlp), "int8": graph_fingerprint(int8), "copy": graph_fingerprint(copy)}
    assert identical_groups(found) == [["mlp", "copy"]]


def test_quantized_ops_are_counted() -> None:
    int8 = quantized_ops((MODELS / "credit_mlp_int8.onnx").read_bytes())
    assert int8["quantized"] > 0 and int8["ops"].get("MatMulInteger", 0) > 0
    assert int8["quantized"] <= int8["nodes"]
    assert quantized_ops((MODELS / "credit_mlp.onnx").read_bytes())["quantized"] == 0


def test_fidelity_against_the_reference() -> None:
    reference = np.array([0.1, 0.6, 0.49, 0.9])
    variant = np.array([0.1, 0.45, 0.5, 0.95])
    assert fidelity(variant, reference, 0.5) == {"agreement": 0.5, "max_abs_score_diff": pytest.approx(0.15)}
    assert fidelity(reference, reference, 0.5) == {"agreement": 1.0, "max_abs_score_diff": 0.0}


def test_latency_ratio_interval_and_ties() -> None:
    rng = np.random.default_rng(0)
    base = rng.lognormal(0.0, 0.1, 200)
    same = ratio_interval(base, base * rng.lognormal(0.0, 0.01, 200), resamples=500, level=0.95, seed=1)
    assert same[1] <= 1.0 <= same[2]
    double = ratio_interval(2 * base, base, resamples=500, level=0.95, seed=1)
    assert double == (2.0, 2.0, 2.0)
    good = np.array([[0.8, -1.0], [0.8, -1.2], [0.7, -0.5]])  # quality, -latency
    untied = front_with_ties(good, np.zeros((3, 3), dtype=bool), [1])
    assert untied.tolist() == [True, False, True]
    tied = np.zeros((3, 3), dtype=bool)
    tied[0, 1] = tied[1, 0] = True
    assert front_with_ties(good, tied, [1]).tolist() == [True, True, True]


def test_input_names_match_ignoring_case_dash_underscore_and_space() -> None:
    manifest = describe(logistic(["education_num", "hours_per_week", "age"]))
    columns = [("education-num", "DOUBLE"), ("Hours per week", "DOUBLE"), ("age", "BIGINT")]
    mapping = map_inputs(manifest, columns, model="m", table="census")
    assert [binding.columns for binding in mapping.bindings] == [("education-num",), ("Hours per week",),
                                                                 ("age",)]  # fmt: skip
    assert loose_matches(mapping) == ["education_num ← education-num", "hours_per_week ← Hours per week"]
    clash = [("education-num", "DOUBLE"), ("education num", "DOUBLE"), ("hours_per_week", "DOUBLE"),
             ("age", "DOUBLE")]  # fmt: skip
    with pytest.raises(ModelError, match=r"several columns differ from it only in case, -, _ or spaces"):
        map_inputs(manifest, clash, model="m", table="census")
