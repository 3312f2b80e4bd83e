"""The wheel as a user gets it: built from the checkout, installed with its runtime dependencies
(no dev extras, no dev pins) into a fresh virtualenv, and run from a folder outside the checkout.

One slow test (about two minutes: the install takes ~30 s from a warm pip cache, ``--smoke`` ~60 s,
most of it building the demo). It needs pip to reach an index, as CI's own set-up does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tradeoff_studio import __version__

REPO = Path(__file__).resolve().parents[2]
LEFT_BEHIND = (".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache",
               ".hypothesis", "scratch", "*.tsproj", "*.tsproj.wal")  # fmt: skip


def _run(command: list[str | Path], cwd: Path, env: dict[str, str], timeout: int = 600) -> str:
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{command}\nstdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.mark.slow
@pytest.mark.timeout(1200)  # a minute or two on an idle machine; much longer on a shared, loaded one
def test_built_wheel_installs_and_runs_the_demo_outside_the_checkout(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env.update(
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    source = tmp_path / "source"  # a clean copy: no stale build/ or egg-info from the checkout gets in
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(*LEFT_BEHIND))
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp_path / "dist", "."], source, env)
    (wheel,) = (tmp_path / "dist").glob("tradeoff_studio-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "tradeoff_studio/resources/demo/credit_applications.parquet",
        "tradeoff_studio/models/credit_mlp.onnx",
        "tradeoff_studio/resources/icons/app.svg",
        "tradeoff_studio/resources/styles/palettes.json",
    } <= names
    assert not [name for name in names if name.endswith("make_models.py") or "screenshots/" in name]

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], tmp_path, env)
    _run([venv / "bin" / "python", "-m", "pip", "install", "-q", wheel], tmp_path, env)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # Both launchers, as `pipx install .` puts them on PATH.
    for launcher in ("tradeoff-studio", "tradeoff-studio-app"):
        assert _run([venv / "bin" / launcher, "--version"], elsewhere, env).split() == [launcher, __version__]
    where = _run(
        [
            venv / "bin" / "python",
            "-c",
            "import tradeoff_studio.core.paths as p; print(p.resources_dir()); print(p.models_dir())",
        ],
        elsewhere,
        env,
    ).split()
    assert all(Path(line).is_relative_to(venv) for line in where), where
    # The runtime set resolves on its own: the dev extra's `protobuf<7` pin does not hold it back.
    installed = _run([venv / "bin" / "python", "-m", "pip", "list", "--format=json"], elsewhere, env)
    names_installed = {item["name"].lower() for item in json.loads(installed)}
    assert not {"pytest", "scikit-learn", "skl2onnx", "fairlearn", "ruff"} & names_installed

    # The installed app end to end, headless: demo build (imports, scoring, every analysis, model
    # variants in child processes), a JSON import (child process), a decision, a PDF report, the window.
    smoke = _run(
        [venv / "bin" / "tradeoff-studio-app", "--smoke"], elsewhere, env | {"QT_QPA_PLATFORM": "offscreen"}
    )
    assert "smoke: demo project: ok (5 tables, 3 models, 5 analyses, 5 decisions" in smoke
    assert "smoke: PDF report: ok (" in smoke
    assert smoke.splitlines()[-1] == "smoke: passed"
    assert not (tmp_path / "data").exists()  # the smoke ran in its own temporary data folder
