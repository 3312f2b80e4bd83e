"""Hostile files and models: each is refused with a clear message (or handled), in bounded time,
without a crash, and the project is left exactly as it was.

Cases covered elsewhere: custom-op domains and external data outside the model's folder
(tests/core/inference/test_registry.py); NUL bytes, invalid UTF-8, BOM (tests/core/data);
Parquet files with mismatched schemas in one folder (test_import_errors.py).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from onnx import TensorProto, helper

from tradeoff_studio.core.data.importer import import_files
from tradeoff_studio.core.data.provenance import file_sha256
from tradeoff_studio.core.errors import DataImportError, ModelError
from tradeoff_studio.core.inference.registry import add_model
from tradeoff_studio.core.project import Project

sys.path.insert(0, str(Path(__file__).parent / "inference"))
from support.onnx_builders import build, logistic, value

pytestmark = pytest.mark.timeout(120)
State = Callable[[Project], object]


def refused_model(project: Project, state: State, path: Path, pattern: str) -> None:
    before = state(project)
    with pytest.raises(ModelError, match=pattern):
        add_model(project, path)
    assert state(project) == before


def refused_file(project: Project, state: State, path: Path, pattern: str) -> None:
    before = state(project)
    with pytest.raises(DataImportError, match=pattern):
        import_files(project, [path])
    assert state(project) == before


def save(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def identity(shape: list[int | None]) -> bytes:
    node = helper.make_node("Identity", ["x"], ["y"])
    return build(
        [node], [value("x", TensorProto.FLOAT, shape)], [value("y", TensorProto.FLOAT, shape)]
    ).SerializeToString()


@pytest.mark.parametrize(("shape", "dimension"), [([-5, 1], "-5"), ([None, 10**12], "1000000000000")])
def test_negative_or_absurd_shapes(
    project: Project, state: State, tmp_path: Path, shape: list[int | None], dimension: str
) -> None:
    refused_model(project, state, save(tmp_path, "shape.onnx", identity(shape)), f"dimension of {dimension}")


def test_declared_two_gigabyte_tensor_without_data(project: Project, state: State, tmp_path: Path) -> None:
    weights = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[2**29])  # 2 GiB declared, none stored
    node = helper.make_node("Add", ["x", "w"], ["y"])
    model = build(
        [node],
        [value("x", TensorProto.FLOAT, [None])],
        [value("y", TensorProto.FLOAT, [None])],
        initializers=[weights],
    )
    refused_model(
        project, state, save(tmp_path, "big.onnx", model.SerializeToString()), "not a valid ONNX model"
    )


def test_truncated_protobuf(project: Project, state: State, tmp_path: Path) -> None:
    whole = logistic().SerializeToString()
    refused_model(project, state, save(tmp_path, "cut.onnx", whole[: len(whole) // 2]), "not an ONNX model")


def _length_delimited(field: int, payload: bytes) -> bytes:
    return _varint((field << 3) | 2) + _varint(len(payload)) + payload


def _varint(number: int) -> bytes:
    out = bytearray()
    while number > 0x7F:
        out.append((number & 0x7F) | 0x80)
        number >>= 7
    out.append(number)
    return bytes(out)


def _nested_graph_bytes(depth: int) -> bytes:
    """A graph whose If node nests ``depth`` subgraphs, built as raw protobuf (the onnx helpers
    themselves refuse to build past protobuf's recursion limit)."""
    output = value("o", TensorProto.BOOL, []).SerializeToString()
    graph = _length_delimited(2, b"leaf") + _length_delimited(12, output)
    for level in range(depth):
        attribute = (
            _length_delimited(1, b"then_branch") + _length_delimited(6, graph) + bytes([0xA0, 0x01, 5])
        )
        node = _length_delimited(1, b"c") + _length_delimited(2, b"o") + _length_delimited(4, b"If")
        node += _length_delimited(5, attribute)
        graph = (
            _length_delimited(1, node)
            + _length_delimited(2, f"g{level}".encode())
            + _length_delimited(12, output)
        )
    return graph


@pytest.mark.parametrize(
    ("depth", "pattern"), [(25, "nests subgraphs more than 16"), (5_000, "nested too deeply")]
)
def test_deeply_nested_graphs(
    project: Project, state: State, tmp_path: Path, depth: int, pattern: str
) -> None:
    opset = helper.make_opsetid("", 17).SerializeToString()
    model = bytes([0x08, 9]) + _length_delimited(7, _nested_graph_bytes(depth)) + _length_delimited(8, opset)
    refused_model(project, state, save(tmp_path, "nested.onnx", model), pattern)


def test_csv_with_100000_columns(project: Project, state: State, tmp_path: Path) -> None:
    header = ",".join(f"c{index}" for index in range(100_000))
    path = save(tmp_path, "wide.csv", (header + "\n" + ",".join(["1"] * 100_000) + "\n").encode())
    refused_file(project, state, path, "100,000 columns; Tradeoff Studio imports at most 10,000")


def test_csv_with_a_10_mb_line(project: Project, state: State, tmp_path: Path) -> None:
    path = save(tmp_path, "long.csv", b"a,b\n1," + b"x" * (10 * 2**20) + b"\n2,y\n")
    refused_file(project, state, path, "line 2: the line is longer than 1 MiB")


def test_csv_with_a_long_line_after_the_sample(project: Project, state: State, tmp_path: Path) -> None:
    body = "".join(f"{index},x\n" for index in range(200_000))
    path = save(tmp_path, "late.csv", ("a,b\n" + body + "1," + "y" * (3 * 2**20) + "\n").encode())
    refused_file(project, state, path, "line 200002: the line is longer than DuckDB's 2 MB limit")


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("[" * 10_000 + "]" * 10_000, "nested over 1,000 levels deep; .* at most 16 levels"),
        ('[{"a": ' + '{"b": ' * 10_000 + "1" + "}" * 10_000 + "}]", "nested over 1,000 levels deep"),
        ('{"a": ' + '{"b": ' * 100_000 + "1" + "}" * 100_000 + "}\n", "nested over 1,000 levels deep"),
        ('{"a":' + "[" * 40 + "1" + "]" * 40 + "}\n", "nested 41 levels deep"),  # hung: time doubles a level
        ('{"a": 1e400}\n', "the number 1e400, which is too large for a double"),
    ],
    ids=["arrays-10000", "objects-10000", "objects-100000", "lists-40-hung-the-import", "overflow-1e400"],
)
def test_deeply_nested_json(project: Project, state: State, tmp_path: Path, text: str, pattern: str) -> None:
    refused_file(project, state, save(tmp_path, "deep.ndjson", text.encode()), pattern)


def test_awkward_file_names(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "dir with spaces" / "ünïcødé"
    folder.mkdir(parents=True)
    (folder / "loans 2024 ✓.csv").write_text("a\n1\n")
    dotted = folder / ".." / "ünïcødé" / "loans 2024 ✓.csv"
    (record,) = import_files(project, [dotted])
    assert record.table_name == "loans 2024 ✓"
    assert Path(record.sources[0].path).resolve() == (folder / "loans 2024 ✓.csv").resolve()


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_symlinks_are_read_as_their_target(project: Project, state: State, tmp_path: Path) -> None:
    target = tmp_path / "real.csv"
    target.write_text("a\n1\n")
    link = tmp_path / "alias.csv"
    os.symlink(target, link)
    (record,) = import_files(project, [link])
    assert record.table_name == "alias"
    assert record.sources[0].sha256 == file_sha256(target)
    dangling = tmp_path / "dangling.csv"
    os.symlink(tmp_path / "missing.csv", dangling)
    refused_file(project, state, dangling, "does not exist")
