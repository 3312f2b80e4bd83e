"""The Ray Data engine on a local Ray (``ray.init(num_cpus=2)``, one per session): counts and
candidates equal the DuckDB engine's on the same bins, a killed worker changes nothing, a cancel
stores nothing (issue #21). Skipped when the ``[ray]`` extra is not installed."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from support.inprocess_cli import in_process_cli
from support.scale_data import write_scale_dataset
from tradeoff_studio.core.analyses.fairness.from_counts import analyze_counts
from tradeoff_studio.core.analyses.fairness.spec import FairnessSpec
from tradeoff_studio.core.dataset_workflows import analyze_fairness_dataset
from tradeoff_studio.core.engines import get_engine
from tradeoff_studio.core.engines.base import FairnessRequest
from tradeoff_studio.core.engines.dataset import open_dataset
from tradeoff_studio.core.engines.fairness_counts import count_fairness
from tradeoff_studio.core.engines.ray_engine import RayEngine
from tradeoff_studio.core.errors import CancelledError
from tradeoff_studio.core.jobs import CancelToken
from tradeoff_studio.core.project import Project, create_project, open_project

pytestmark = [pytest.mark.slow, pytest.mark.ray]
REQUEST = FairnessRequest("label", ("sex", "region"), ("score", "score_b"))
ROWS = 1_000_000


@pytest.fixture(scope="module")
def million(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """8 Parquet files of 125,000 rows: 1,000,000 rows."""
    return write_scale_dataset(tmp_path_factory.mktemp("million") / "data", files=8, rows=ROWS // 8)


class KillOnce:
    """A block hook that SIGKILLs the worker running the first block (once per marker file).

    Defined in each test module, not in tests/support: Ray's workers cannot import ``support``
    ("No module named 'support'"), while a class of the test module itself reaches them."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __call__(self) -> None:
        try:
            os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            return
        os.kill(os.getpid(), signal.SIGKILL)


def test_ray_counts_and_candidates_equal_duckdb(ray_session: Any, million: Path) -> None:
    dataset = open_dataset(str(million / "*.parquet"))
    local = count_fairness(get_engine("duckdb"), dataset, REQUEST, bins=200)
    found = count_fairness(get_engine("ray"), dataset, REQUEST, bins=200, thresholds=local.thresholds)
    assert found.rows == local.rows == ROWS and found.versions["ray"] == ray_session.__version__
    assert found.groups == local.groups and found.edges_sha256() == local.edges_sha256()
    for score in REQUEST.scores:
        np.testing.assert_array_equal(found.counts[score], local.counts[score])
    spec = FairnessSpec(table="dataset", label="label", sensitive=["sex", "region"], scores=["score"],
                        bootstrap=20, bins=200, policies=("global", "group"))  # fmt: skip
    ours, theirs = analyze_counts(spec, found).frame, analyze_counts(spec, local).frame
    assert len(ours) > 100
    assert ours.equals(theirs)


def test_ray_exact_edges_equal_duckdbs_quantile_disc(ray_session: Any, scale_dataset: Path) -> None:
    """Ray's sample differs from DuckDB's reservoir; the exact edges do not (a 500-row sample: the
    collect pass gathers values for most ranks)."""
    from test_scale_duckdb_engine import quantile_disc

    dataset = open_dataset(str(scale_dataset))
    request = FairnessRequest("label", ("sex",), ("score", "score_b"), sample_rows=500)
    found = count_fairness(get_engine("ray"), dataset, request, bins=300)
    local = count_fairness(get_engine("duckdb"), dataset, request, bins=300)
    assert found.edges == "exact" and found.edges_sha256() == local.edges_sha256()
    for score in request.scores:
        expected = quantile_disc(scale_dataset, score, 300)
        low = found.thresholds[score][0]
        np.testing.assert_array_equal(found.thresholds[score][1:-1], expected[expected > low])
        np.testing.assert_array_equal(found.counts[score], local.counts[score])


def test_progress_is_monotone_and_reaches_the_total(ray_session: Any, scale_dataset: Path) -> None:
    """Every pass's progress (the counter actor's polls and the driver's blocks) rises to its total."""
    seen: list[tuple[float, str]] = []
    dataset = open_dataset(str(scale_dataset))
    count_fairness(get_engine("ray"), dataset, REQUEST, bins=50, progress=lambda f, m: seen.append((f, m)))
    fractions = [fraction for fraction, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    messages = [message for _, message in seen]
    for verb in ("Scanning", "Ranking", "Counting"):
        assert f"{verb} with Ray: 80,000 of 80,000 rows" in messages, messages


def test_a_killed_worker_leaves_the_counts_exact(
    ray_session: Any, scale_dataset: Path, tmp_path: Path
) -> None:
    ray_session.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    dataset = open_dataset(str(scale_dataset))
    local = count_fairness(get_engine("duckdb"), dataset, REQUEST, bins=50)
    engine = RayEngine(block_hook=KillOnce(tmp_path / "killed"))
    found = count_fairness(engine, dataset, REQUEST, bins=50, thresholds=local.thresholds)
    assert (tmp_path / "killed").exists()  # a worker did die, and Ray retried its block
    for score in REQUEST.scores:
        np.testing.assert_array_equal(found.counts[score], local.counts[score])


def test_cancel_stores_nothing(
    ray_session: Any, scale_dataset: Path, tmp_path: Path, state: Callable[[Project], Any]
) -> None:
    path = tmp_path / "cancel.tsproj"
    create_project(path).close()
    token = CancelToken()
    seen: list[str] = []

    def progress(_fraction: float, message: str) -> None:
        seen.append(message)
        if "Counting" in message:
            token.cancel()

    spec = FairnessSpec(table="dataset", label="label", sensitive=["sex"], scores=["score"], bootstrap=0)
    with open_project(path) as project:
        before = state(project)
        with pytest.raises(CancelledError):
            analyze_fairness_dataset(
                project, spec, str(scale_dataset), engine="ray", progress=progress, cancel=token
            )
        assert state(project) == before
        assert any("with Ray" in message for message in seen)


def test_cli_engine_ray(
    ray_session: Any, scale_dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cli.tsproj"
    create_project(path).close()
    cli = in_process_cli(capsys)
    options = ["--label", "label", "--sensitive", "sex", "--score", "score", "--resamples", "0"]
    status, out, err = cli(
        "analyze", path, "fairness", "--dataset", scale_dataset, "--engine", "ray", *options
    )
    assert status == 0, err
    assert "counted by the ray engine (ray " in out and "80,000 rows" in out


def test_onnx_scoring_inside_ray_equals_score_then_count(ray_session: Any, tmp_path: Path) -> None:
    """``--model lr`` scored in Ray's actors counts exactly what ``score`` into a table, written out
    and counted by DuckDB, counts (same bins)."""
    import onnx
    import pyarrow as pa
    import pyarrow.parquet as pq

    from support.onnx_builders import logistic
    from tradeoff_studio.core.engines.scoring import prepare_scoring
    from tradeoff_studio.core.inference.registry import add_model
    from tradeoff_studio.core.inference.runner import score_table

    rng = np.random.default_rng(3)
    raw, scored = tmp_path / "raw", tmp_path / "scored"
    raw.mkdir(), scored.mkdir()
    for index in range(3):
        n = 7_000
        pq.write_table(pa.table({
            "age": rng.uniform(18, 90, n), "income": rng.normal(0, 20, n),
            "debt": rng.integers(0, 7, n).astype(float), "sex": rng.choice(np.array(["female", "male"]), n),
            "label": rng.integers(0, 2, n),
        }), raw / f"part-{index}.parquet")  # fmt: skip
    onnx.save(logistic(), tmp_path / "lr.onnx")
    with create_project(tmp_path / "score.tsproj") as project:
        add_model(project, tmp_path / "lr.onnx", name="lr")
        project.con.execute(f"CREATE TABLE t AS SELECT * FROM read_parquet('{raw}/*.parquet')")
        score_table(project, model="lr", table="t", provider="cpu")
        project.con.execute(f"COPY t TO '{scored}/scored.parquet' (FORMAT parquet)")
        dataset = open_dataset(str(raw))
        scoring = prepare_scoring(project, "lr", dataset, provider="cpu")
    request = FairnessRequest("label", ("sex",), ("score_lr",))
    local = count_fairness(get_engine("duckdb"), open_dataset(str(scored)), request, bins=100)
    engine = RayEngine(scorings=(scoring,))
    found = count_fairness(engine, dataset, request, bins=100, thresholds=local.thresholds)
    np.testing.assert_array_equal(found.counts["score_lr"], local.counts["score_lr"])
    assert found.versions["providers"] == "CPUExecutionProvider" and found.rows == 21_000
    assert found.versions["placement"] == "num_cpus=0.5, provider cpu, up to 2 actors"
    assert all(part.endswith(" CPUExecutionProvider") for part in found.versions["actors"].split("; "))


class Fails:
    """A block hook that raises in the worker (a user error: Ray does not retry it)."""

    def __call__(self) -> None:
        raise ValueError("bad block")


def test_a_failing_block_is_an_engine_error(ray_session: Any, scale_dataset: Path) -> None:
    from tradeoff_studio.core.engines import EngineError

    ray_session.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    with pytest.raises(EngineError, match=r"The Ray job failed on .*bad block.* Nothing was stored"):
        count_fairness(RayEngine(block_hook=Fails()), open_dataset(str(scale_dataset)), REQUEST, bins=5)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT delivery differs on Windows")
def test_ctrl_c_during_a_ray_run_leaves_the_project_unchanged(
    scale_dataset: Path, tmp_path: Path, state: Callable[[Project], Any]
) -> None:
    """The CLI in a child process starts its own local Ray; Ctrl-C once the Ray scan runs: exit 130,
    nothing stored, Ray's private temporary folder removed."""
    pytest.importorskip("ray")
    import subprocess

    path = tmp_path / "ctrl-c.tsproj"
    create_project(path).close()
    with open_project(path) as project:
        before = state(project)
    options = ["--engine", "ray", "--label", "label", "--sensitive", "sex", "--score", "score"]
    argv = [sys.executable, "-m", "tradeoff_studio.cli.main", "analyze", str(path), "fairness", "--dataset",
            str(scale_dataset), *options]  # fmt: skip
    temp = Path(tempfile.mkdtemp(prefix="ts-t-", dir="/tmp"))  # short: Ray's socket paths must fit 107 bytes
    child = subprocess.Popen(argv, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                             env=os.environ | {"TMPDIR": str(temp)})  # fmt: skip
    assert child.stderr is not None
    seen = []
    for line in child.stderr:
        seen.append(line)
        if "with Ray" in line:
            break
    child.send_signal(signal.SIGINT)
    _out, err = child.communicate(timeout=120)
    assert child.returncode == 130, "".join(seen) + err
    assert "Cancelled: nothing was written" in err
    with open_project(path) as project:
        assert state(project) == before
    left = list(temp.glob("ts-ray-*"))
    shutil.rmtree(temp)
    assert not left


def test_the_driver_in_a_child_process_gives_the_same_counts(ray_session: Any, scale_dataset: Path) -> None:
    """count_in_child joins this session's Ray from a spawned process; progress comes through the pipe."""
    from tradeoff_studio.core.engines.child import count_in_child

    dataset = open_dataset(str(scale_dataset))
    local = count_fairness(get_engine("duckdb"), dataset, REQUEST, bins=30)
    seen: list[str] = []
    job = {"bins": 30, "thresholds": local.thresholds}
    found = count_in_child(
        {}, dataset, REQUEST, job, progress=lambda _f, message: seen.append(message), cancel=CancelToken()
    )
    assert found.engine == "ray" and any("with Ray" in message for message in seen)
    for score in REQUEST.scores:
        np.testing.assert_array_equal(found.counts[score], local.counts[score])
