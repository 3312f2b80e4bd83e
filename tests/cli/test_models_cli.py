"""`models add / remove / inspect` and `score` from the command line: skl2onnx, hostile files, tampering."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pytest

from support.cli import cli
from support.onnx_builders import scaled

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev/zero are POSIX")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project holding table ``t`` (id, a, b, c, x) of 120 rows."""
    path = tmp_path / "p.tsproj"
    rng = np.random.default_rng(3)
    rows = rng.normal(size=(120, 3)).round(4)
    csv = tmp_path / "t.csv"
    csv.write_text("id,a,b,c,x\n" + "".join(f"{i},{a},{b},{c},{i}\n" for i, (a, b, c) in enumerate(rows)))
    assert cli("new", path).returncode == 0
    assert cli("import", path, csv).returncode == 0
    return path


def _models(project: Path) -> list[tuple[str, str]]:
    listing = json.loads(cli("models", "list", project, "--json").stdout)
    return [(model["name"], model["sha256"]) for model in listing]


def test_sklearn_export_with_zipmap_scores_as_it_is(project: Path, tmp_path: Path) -> None:
    from skl2onnx import to_onnx
    from sklearn.linear_model import LogisticRegression

    features = np.random.default_rng(3).normal(size=(120, 3)).round(4).astype(np.float32)
    fitted = LogisticRegression().fit(features, np.where(features[:, 0] > 0, "yes", "no"))
    path = tmp_path / "clf.onnx"
    path.write_bytes(
        to_onnx(fitted, features[:1], target_opset={"": 17, "ai.onnx.ml": 3}).SerializeToString()
    )
    added = cli("models", "add", project, path)
    assert added.returncode == 0, added.stderr
    assert (
        "warning: input 'X' takes 3 columns at once" in added.stderr and "--map X=COL1,COL2" in added.stderr
    )
    short = cli("score", project, "--model", "clf", "--table", "t", "--map", "X=a,b")
    assert short.returncode == 1 and "Traceback" not in short.stderr
    assert "input 'X' (float32 [N, 3]): takes 3 column(s) but 2 were given (a, b)" in short.stderr
    assert "Table 't' has these columns:" in short.stderr
    scored = cli("score", project, "--model", "clf", "--table", "t", "--map", "X=a,b,c", "--json")
    assert scored.returncode == 0, scored.stderr
    assert json.loads(scored.stdout)["output"] == "output_probability[label 'yes']"
    args = ("--map", "X=a,b,c", "--class-label", "no", "--output", "p_no")
    other = cli("score", project, "--model", "clf", "--table", "t", *args)
    assert other.returncode == 0, other.stderr
    with duckdb.connect(str(project), read_only=True) as con:
        yes, no = np.array(con.execute("SELECT score_clf, p_no FROM t ORDER BY id").fetchall()).T
    np.testing.assert_allclose(yes, fitted.predict_proba(features)[:, 1], atol=1e-6)
    np.testing.assert_allclose(no, 1.0 - yes, atol=1e-6)


def test_models_remove_keeps_score_columns_and_is_audited(project: Path, tmp_path: Path) -> None:
    model = tmp_path / "m.onnx"
    model.write_bytes(scaled(2.0).SerializeToString())
    assert cli("models", "add", project, model).returncode == 0
    assert cli("score", project, "--model", "m", "--table", "t").returncode == 0
    unknown = cli("models", "remove", project, "nope")
    assert unknown.returncode == 1 and "No model named 'nope' in the project. Models: m." in unknown.stderr
    removed = cli("models", "remove", project, "m")
    assert removed.returncode == 0, removed.stderr
    assert (
        "Removed model 'm'" in removed.stdout
        and "Kept the score columns it made: t.score_m" in removed.stdout
    )
    assert _models(project) == []
    info = json.loads(cli("info", project, "--json").stdout)
    assert [(s["column"], s["model"], s["model_in_project"]) for s in info["score_columns"]] == [
        ("score_m", "m", False)
    ]
    assert "m (removed)" in cli("info", project).stdout
    check = cli("check", project)  # the audited removal accounts for the kept column's model
    assert check.returncode == 0, check.stdout + check.stderr
    trail = json.loads(cli("audit", project, "--json").stdout)
    assert trail[-1]["action"] == "model.remove" and trail[-1]["details"]["kept_score_columns"] == [
        "t.score_m"
    ]


@posix_only
@pytest.mark.timeout(120)
def test_hostile_model_files_are_refused_quickly(project: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.onnx"
    os.mkfifo(fifo)
    future = tmp_path / "future.onnx"
    future.write_bytes(scaled(opset=99).SerializeToString())
    (tmp_path / "secret.bin").write_bytes(np.array([42.0], np.float32).tobytes())
    (tmp_path / "export").mkdir()
    outside = tmp_path / "export" / "outside.onnx"
    outside.write_bytes(scaled(location="../secret.bin").SerializeToString())
    before = (_models(project), json.loads(cli("audit", project, "--json").stdout))
    for path, expected in [
        (fifo, "is a FIFO (named pipe), not a file"),
        (Path("/dev/zero"), "/dev/zero is a device, not a file"),
        (tmp_path, "is a directory, not a file"),
        (future, "uses opset 99 of ai.onnx, but the installed onnxruntime"),
        (outside, "refers to external data '../secret.bin', outside its own folder"),
    ]:
        started = time.monotonic()
        result = cli("models", "add", project, path)
        assert time.monotonic() - started < 20
        assert result.returncode == 1, (path, result.stderr)
        assert expected in result.stderr and "Traceback" not in result.stderr
    assert (_models(project), json.loads(cli("audit", project, "--json").stdout)) == before


def test_a_tampered_project_is_refused_at_score_and_flagged_by_inspect(project: Path, tmp_path: Path) -> None:
    model = tmp_path / "m.onnx"
    model.write_bytes(scaled(2.0).SerializeToString())
    assert cli("models", "add", project, model).returncode == 0
    ((_, recorded),) = _models(project)
    with duckdb.connect(str(project)) as con:
        con.execute("UPDATE _ts.models SET onnx = ? WHERE name = 'm'", [scaled(1000.0).SerializeToString()])
    result = cli("score", project, "--model", "m", "--table", "t")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "Model 'm'" in result.stderr and "has been altered" in result.stderr and recorded in result.stderr
    inspect = cli("models", "inspect", project, "m")
    assert inspect.returncode == 0
    assert "(MISMATCH)" in inspect.stdout and "the stored bytes do NOT match" in inspect.stdout
    assert json.loads(cli("models", "inspect", project, "m", "--json").stdout)["bytes_verified"] is False
    info = json.loads(cli("info", project, "--json").stdout)
    assert info["score_columns"] == []
