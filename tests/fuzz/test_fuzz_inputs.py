"""Fuzzing: mutated copies of the seed corpus never crash the importers or the model loader.

Every mutated file is either imported / added, or refused with a typed StudioError; a refusal
leaves the project unchanged. Hypothesis bounds the run (examples and time), so it runs in CI;
raise FUZZ_EXAMPLES for a longer hunt. The seeds live in tests/fuzz/corpus.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tradeoff_studio.core.data.importer import import_files
from tradeoff_studio.core.errors import StudioError
from tradeoff_studio.core.inference.registry import add_model
from tradeoff_studio.core.project import Project, create_project

CORPUS = Path(__file__).parent / "corpus"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
DATA_SEEDS = sorted(path for path in CORPUS.iterdir() if path.suffix != ".onnx")
MODEL_SEEDS = sorted(CORPUS.glob("*.onnx"))

Mutation = tuple[str, float, int]
mutations = st.lists(
    st.tuples(
        st.sampled_from(["flip", "insert", "delete", "truncate", "duplicate"]),
        st.floats(0.0, 1.0),
        st.integers(0, 255),
    ),
    min_size=1,
    max_size=6,
)


def mutate(data: bytes, steps: list[Mutation]) -> bytes:
    """Apply byte-level mutations: flip a byte, insert or delete one, truncate, duplicate a span."""
    buffer = bytearray(data)
    for kind, where, byte in steps:
        at = min(int(where * len(buffer)), max(len(buffer) - 1, 0))
        if kind == "flip" and buffer:
            buffer[at] ^= byte or 1
        elif kind == "insert":
            buffer.insert(at, byte)
        elif kind == "delete" and buffer:
            del buffer[at]
        elif kind == "truncate":
            del buffer[at:]
        elif kind == "duplicate":
            buffer[at:at] = buffer[at : at + byte]
    return bytes(buffer)


def state(project: Project) -> tuple[object, ...]:
    con = project.con
    return (
        project.tables(),
        con.execute("SELECT count(*) FROM _ts.audit").fetchone(),
        con.execute("SELECT count(*) FROM _ts.models").fetchone(),
    )


def run_fuzz(
    tmp_path: Path, seed: Path, steps: list[Mutation], action: Callable[[Project, Path], object]
) -> None:
    path = tmp_path / f"fuzzed{seed.suffix}"
    path.write_bytes(mutate(seed.read_bytes(), steps))
    project_path = tmp_path / "fuzz.tsproj"
    project_path.unlink(missing_ok=True)
    with create_project(project_path) as project:
        before = state(project)
        try:
            action(project, path)
        except StudioError as error:
            assert str(error)
            assert state(project) == before


@pytest.mark.timeout(600)
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(DATA_SEEDS), steps=mutations)
def test_importers_survive_mutated_files(tmp_path: Path, seed: Path, steps: list[Mutation]) -> None:
    run_fuzz(tmp_path, seed, steps, lambda project, path: import_files(project, [path], table="fuzzed"))


@pytest.mark.timeout(600)
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(MODEL_SEEDS), steps=mutations)
@example(seed=CORPUS / "logreg.onnx", steps=[("flip", 1.0, 128)])  # description came back as non-UTF-8 bytes
def test_model_loader_survives_mutated_models(tmp_path: Path, seed: Path, steps: list[Mutation]) -> None:
    run_fuzz(tmp_path, seed, steps, lambda project, path: add_model(project, path, name="fuzzed"))


def test_corpus_seeds_are_accepted(tmp_path: Path) -> None:
    """The unmutated seeds import cleanly, so mutations start from valid files."""
    with create_project(tmp_path / "seeds.tsproj") as project:
        records = import_files(project, DATA_SEEDS)
        assert len(records) == len(DATA_SEEDS)
        for seed in MODEL_SEEDS:
            add_model(project, seed)
