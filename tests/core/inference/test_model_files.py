"""Model files and their external data are checked before they are read (issue 10).

A model file must be a regular file under 2 GiB; FIFOs, devices, folders and symbolic-link
loops are refused at once (no hang, no MemoryError). External data is read only from the
model's own folder: absolute paths, '..', symbolic links leading out, hard links, FIFOs and
files that exist only in the working directory are refused at ``models add``, and nothing of
theirs reaches the project.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnx
import pytest

from support.onnx_builders import create_x_table, scaled, scores_by_id, weight_bytes
from tradeoff_studio.core.errors import ModelError
from tradeoff_studio.core.inference.external import has_external_data
from tradeoff_studio.core.inference.registry import add_model, load_model
from tradeoff_studio.core.inference.runner import score_table
from tradeoff_studio.core.project import Project

State = Callable[[Project], dict[str, object]]
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, devices and symlinks are POSIX here")


def _refused(project: Project, path: Path, state: State, pattern: str) -> str:
    """Add ``path``, expect a ModelError matching ``pattern`` within 5 s and the project unchanged."""
    before = state(project)
    started = time.monotonic()
    with pytest.raises(ModelError, match=pattern) as caught:
        add_model(project, path, name="m")
    assert time.monotonic() - started < 5.0
    assert state(project) == before
    return str(caught.value)


@posix_only
@pytest.mark.timeout(30)
def test_special_files_are_refused_without_reading(project: Project, state: State, tmp_path: Path) -> None:
    fifo = tmp_path / "model.onnx"
    os.mkfifo(fifo)
    assert "is a FIFO (named pipe), not a file" in _refused(project, fifo, state, "FIFO")
    _refused(project, Path("/dev/zero"), state, re.escape("/dev/zero is a device, not a file"))
    _refused(project, tmp_path, state, "is a directory, not a file")
    loop = tmp_path / "loop.onnx"
    loop.symlink_to(loop)
    _refused(project, loop, state, "Cannot read Model file .*loop.onnx")
    _refused(project, tmp_path / "missing.onnx", state, "missing.onnx does not exist")


@pytest.mark.timeout(30)
def test_a_file_over_2_gib_is_refused_with_its_size(project: Project, state: State, tmp_path: Path) -> None:
    big = tmp_path / "big.onnx"
    with big.open("wb") as handle:
        handle.truncate(3 * 2**30)  # sparse: no disk used, nothing read
    message = _refused(project, big, state, "big.onnx is 3.0 GiB")
    assert "(3,221,225,472 bytes)" in message and "at most 2.0 GiB" in message


def _save(folder: Path, model: onnx.ModelProto, name: str = "model.onnx") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(model.SerializeToString())
    return path


def test_external_data_in_the_models_folder_is_copied_in(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    (folder / "weights").mkdir(parents=True)
    (folder / "weights" / "w.bin").write_bytes(weight_bytes(3.0))
    path = _save(folder, scaled(location="weights/w.bin"))
    add_model(project, path, name="m")
    (folder / "weights" / "w.bin").write_bytes(weight_bytes(99.0))  # the project holds its own copy
    stored = load_model(project, "m")
    assert not has_external_data(stored.model)
    create_x_table(project)
    score_table(project, model="m", table="t")
    assert list(scores_by_id(project, "t", "score_m")) == [3.0, 6.0, 9.0]


@posix_only
def test_a_symlink_inside_the_folder_is_followed(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "real.bin").write_bytes(weight_bytes(5.0))
    (folder / "w.bin").symlink_to("real.bin")
    add_model(project, _save(folder, scaled(location="w.bin")), name="m")
    create_x_table(project, values=[1.0])
    score_table(project, model="m", table="t")
    assert list(scores_by_id(project, "t", "score_m")) == [5.0]


@posix_only
@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("dotdot", r"'\.\./secret\.bin', outside its own folder \('\.\.' is refused\)"),
        ("absolute", r"an absolute path, which is refused"),
        ("symlink out", r"a symbolic link leading outside its own folder \(to .*secret\.bin\)"),
        ("hard link", r"a hard link \(2 names on disk\).*Replace it with a plain copy"),
        ("fifo", r"External data of .*model\.onnx: .*secret\.bin is a FIFO \(named pipe\), not a file"),
        ("device", r"a symbolic link leading outside its own folder \(to /dev/zero\)"),
        ("cwd only", r"'secret\.bin', which does not exist in .*export"),
        ("too short", r"at bytes 0\.\.4, but the file holds 2 bytes"),
    ],
)
def test_external_data_outside_the_folder_is_refused_and_nothing_is_read(
    project: Project,
    state: State,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    case: str,
    expected: str,
) -> None:
    secret = tmp_path / "secret.bin"
    secret.write_bytes(weight_bytes(42.0))
    folder = tmp_path / "export"
    folder.mkdir()
    location = {"dotdot": "../secret.bin", "absolute": str(secret)}.get(case, "secret.bin")
    if case in ("symlink out", "device"):
        (folder / "secret.bin").symlink_to(secret if case == "symlink out" else Path("/dev/zero"))
    elif case == "hard link":
        os.link(secret, folder / "secret.bin")
    elif case == "fifo":
        os.mkfifo(folder / "secret.bin")  # opened without O_NONBLOCK, a read would block forever
    elif case == "too short":
        (folder / "secret.bin").write_bytes(b"\x00\x01")
    elif case == "cwd only":
        monkeypatch.chdir(tmp_path)  # the working directory holds secret.bin; the model's folder does not
        assert Path("secret.bin").read_bytes() == weight_bytes(42.0)
        # onnx itself resolves such a reference against the working directory:
        onnx.checker.check_model(scaled(location="secret.bin"))
    path = _save(folder, scaled(location=location))
    message = _refused(project, path, state, expected)
    assert str(path) in message
    assert project.con.execute("SELECT count(*) FROM _ts.models").fetchone() == (0,)


@posix_only
@pytest.mark.timeout(30)
def test_a_fifo_in_the_working_directory_is_never_opened(
    project: Project, state: State, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were 'w.bin' resolved against the working directory, opening the FIFO there would hang."""
    monkeypatch.chdir(tmp_path)
    os.mkfifo("w.bin")
    path = _save(tmp_path / "export", scaled(location="w.bin"))
    _refused(project, path, state, r"'w\.bin', which does not exist in .*export")


def test_weights_of_refused_models_never_reach_a_score(project: Project, tmp_path: Path) -> None:
    """After every refusal above, scoring with what the project holds uses only inline weights."""
    folder = tmp_path / "export"
    folder.mkdir()
    (tmp_path / "secret.bin").write_bytes(weight_bytes(42.0))
    with pytest.raises(ModelError):
        add_model(project, _save(folder, scaled(location="../secret.bin")), name="m")
    add_model(project, _save(folder, scaled(7.0), "inline.onnx"), name="m")
    create_x_table(project)
    score_table(project, model="m", table="t")
    scores = scores_by_id(project, "t", "score_m")
    assert list(scores) == [7.0, 14.0, 21.0]
    assert not np.isin(scores, [42.0, 84.0, 126.0]).any()


def test_a_malformed_offset_is_refused(project: Project, state: State, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "w.bin").write_bytes(weight_bytes(1.0))
    model = scaled(location="w.bin")
    model.graph.initializer[0].external_data[1].value = "zero"
    _refused(
        project, _save(folder, model), state, r"'w\.bin' for tensor 'w' with an offset or length that is not"
    )


def test_a_location_that_is_not_utf8_is_refused(project: Project, state: State, tmp_path: Path) -> None:
    path = _save(tmp_path / "export", scaled(location="WXYZ.bin"))
    path.write_bytes(path.read_bytes().replace(b"WXYZ", b"\xff\xfeYZ"))
    _refused(project, path, state, r"refers to external data b'\\xff\\xfeYZ\.bin', which is not a file name")
