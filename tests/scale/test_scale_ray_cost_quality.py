"""Cost–quality over a Parquet log on Ray (issue #21): per-block (item, system) partials combined in
the driver equal the DuckDB engine's, also with a worker killed mid-run, and the analysis through
the child-process driver stores the same candidates as the DuckDB engine. Skipped without ``[ray]``."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from support.scale_data import write_eval_log
from tradeoff_studio.core.analyses.cost_quality import CostQualitySpec
from tradeoff_studio.core.analysis_workflows import get_candidates
from tradeoff_studio.core.dataset_workflows import analyze_cost_quality_dataset
from tradeoff_studio.core.engines import get_engine
from tradeoff_studio.core.engines.dataset import open_dataset
from tradeoff_studio.core.engines.pairs import PairsRequest, collect_pairs
from tradeoff_studio.core.engines.ray_engine import RayEngine
from tradeoff_studio.core.project import Project

pytestmark = [pytest.mark.slow, pytest.mark.ray]
REQUEST = PairsRequest("item", "system", ("correct", "cost", "latency_ms", "confidence"), "topic")


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """6 systems × 5,000 items (30,000 rows) shuffled across 6 files."""
    return write_eval_log(tmp_path_factory.mktemp("raycq") / "log", files=6, systems=6, items=5_000)


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


def test_ray_pairs_equal_duckdb_pairs_even_with_a_killed_worker(
    ray_session: Any, log: Path, tmp_path: Path
) -> None:
    ray_session.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    dataset = open_dataset(str(log))
    local = collect_pairs(get_engine("duckdb"), dataset, REQUEST)
    found = collect_pairs(get_engine("ray"), dataset, REQUEST)
    assert found.rows == local.rows == 30_000 and found.versions["ray"] == ray_session.__version__
    assert found.pairs.num_rows == 30_000 and found.pairs.equals(local.pairs)
    killed = collect_pairs(RayEngine(block_hook=KillOnce(tmp_path / "killed")), dataset, REQUEST)
    assert (tmp_path / "killed").exists()  # a worker did die, and Ray retried its block
    assert killed.pairs.equals(local.pairs)


def test_ray_analysis_equals_the_duckdb_engine_analysis(
    ray_session: Any, project: Project, log: Path
) -> None:
    """Through the child-process driver (joining this session's Ray): the same stored candidates."""
    spec = CostQualitySpec("dataset", item="item", system="system", correct="correct", cost="cost",
                           latency="latency_ms", confidence="confidence", resamples=20)  # fmt: skip
    seen: list[str] = []
    ours = analyze_cost_quality_dataset(
        project, spec, str(log), engine="ray", progress=lambda _f, message: seen.append(message)
    )
    theirs = analyze_cost_quality_dataset(project, spec, str(log), engine="duckdb")
    assert ours.spec["inputs"]["dataset"]["engine"] == "ray" and any("with Ray" in m for m in seen)
    mine, other = get_candidates(project, ours.name), get_candidates(project, theirs.name)
    assert len(mine.frame) > 50 and mine.frame.equals(other.frame)
    assert mine.notes == other.notes


def test_cli_engine_ray(
    ray_session: Any, log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from support.inprocess_cli import in_process_cli
    from tradeoff_studio.core.project import create_project

    path = tmp_path / "cli.tsproj"
    create_project(path).close()
    options = ["--item", "item", "--system", "system", "--correct", "correct", "--cost", "cost",
               "--resamples", "10"]  # fmt: skip
    status, out, err = in_process_cli(capsys)(
        "analyze", path, "cost-quality", "--dataset", log, "--engine", "ray", *options
    )
    assert status == 0, err
    assert "aggregated by the ray engine (ray " in out and "30,000 rows" in out


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT delivery differs on Windows")
def test_ctrl_c_leaves_the_project_unchanged(log: Path, tmp_path: Path, state: Any) -> None:
    """The CLI in a child process starts its own local Ray; Ctrl-C once the Ray pass reports (here as
    it ends, while Ray shuts down: the shutdown must not be cut short): exit 130, nothing stored,
    Ray's private temporary folder removed."""
    import shutil
    import subprocess
    import tempfile

    from tradeoff_studio.core.project import create_project, open_project

    path = tmp_path / "ctrl-c.tsproj"
    create_project(path).close()
    with open_project(path) as project:
        before = state(project)
    options = ["--engine", "ray", "--item", "item", "--system", "system", "--correct", "correct",
               "--cost", "cost"]  # fmt: skip
    command = [sys.executable, "-m", "tradeoff_studio.cli.main", "analyze", str(path), "cost-quality"]
    argv = [*command, "--dataset", str(log), *options]
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
    with open_project(path) as project:
        assert state(project) == before
    left = list(temp.glob("ts-ray-*"))
    shutil.rmtree(temp)
    assert not left
