"""Stored models are verified before every load: swapped bytes and stored external references are refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import onnx
import pytest

from support.onnx_builders import create_x_table, scaled, scores_by_id
from tradeoff_studio.core.analyses.model_variants import VariantSpec, measure_variants
from tradeoff_studio.core.errors import ModelError
from tradeoff_studio.core.inference.manifest import sha256_hex
from tradeoff_studio.core.inference.registry import add_model, load_model, model_bytes, stored_digest
from tradeoff_studio.core.inference.runner import score_table
from tradeoff_studio.core.project import Project, create_project, open_project

SaveModel = Callable[[onnx.ModelProto, str], Path]
State = Callable[[Project], dict[str, object]]


def _swap(project: Project, name: str, data: bytes, *, rehash: bool = False) -> None:
    """Edit the stored bytes behind the app's back (and, with ``rehash``, their recorded digest too)."""
    project.con.execute("UPDATE _ts.models SET onnx = ? WHERE name = ?", [data, name])
    if rehash:
        project.con.execute("UPDATE _ts.models SET sha256 = ? WHERE name = ?", [sha256_hex(data), name])


def test_swapped_bytes_are_refused_at_score_time(tmp_path: Path, save_model: SaveModel, state: State) -> None:
    path = tmp_path / "p.tsproj"
    with create_project(path) as project:
        record = add_model(project, save_model(scaled(2.0), "m"))
        create_x_table(project)
        _swap(project, "m", scaled(1000.0).SerializeToString())
    with open_project(path) as project:  # the edited project, reopened as a user would
        before = state(project)
        with pytest.raises(ModelError) as caught:
            score_table(project, model="m", table="t")
        message = str(caught.value)
        actual = sha256_hex(scaled(1000.0).SerializeToString())
        assert "Model 'm'" in message and "has been altered" in message
        assert record.sha256 in message and actual in message
        assert state(project) == before
        assert stored_digest(project, "m") == (record.sha256, actual)


def test_swapped_bytes_are_refused_by_every_loader(project: Project, save_model: SaveModel) -> None:
    add_model(project, save_model(scaled(2.0), "m"))
    _swap(project, "m", b"\x00" + model_bytes(project, "m")[1:])
    for load in (model_bytes, load_model):
        with pytest.raises(ModelError, match="has been altered"):
            load(project, "m")
    create_x_table(project)
    project.con.execute("ALTER TABLE t ADD COLUMN y INTEGER")
    project.con.execute("UPDATE t SET y = id % 2")
    spec = VariantSpec(table="t", label="y", models=("m",), repeats=10, warmup=0, bulk_size=3)
    with pytest.raises(ModelError, match="has been altered"):
        measure_variants(project, spec)


def test_a_stored_external_reference_is_refused_even_with_a_matching_digest(
    project: Project, save_model: SaveModel, state: State, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crafted project: bytes that refer to 'secret.bin', with their digest recomputed to match."""
    add_model(project, save_model(scaled(2.0), "m"))
    create_x_table(project)
    crafted = scaled(location="secret.bin").SerializeToString()
    _swap(project, "m", crafted, rehash=True)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "secret.bin").write_bytes(b"\x00\x00\x28\x42")  # 42.0 as float32
    before = state(project)
    with pytest.raises(ModelError) as caught:
        score_table(project, model="m", table="t")
    message = str(caught.value)
    assert "refers to an external data file 'secret.bin'" in message
    assert "Remove the model and add it again" in message
    assert state(project) == before
    assert "score_m" not in dict(project.columns("t"))


def test_verified_bytes_score(project: Project, save_model: SaveModel) -> None:
    add_model(project, save_model(scaled(2.0), "m"))
    create_x_table(project)
    score_table(project, model="m", table="t")
    assert list(scores_by_id(project, "t", "score_m")) == [2.0, 4.0, 6.0]
