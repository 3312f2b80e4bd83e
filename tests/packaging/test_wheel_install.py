"""The wheel as a user gets it: built from the checkout, installed with its runtime dependencies
(no dev extras, no dev pins) into a fresh virtualenv, and run from a folder outside the checkout.

One slow test (about a minute and a half: the install takes ~30 s from a warm pip cache, the demo
build ~25 s). It needs pip to reach an index, as CI's own set-up does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _run(command: list[str | Path], cwd: Path, env: dict[str, str], timeout: int = 600) -> str:
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{command}\nstdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.mark.slow
def test_built_wheel_installs_and_runs_the_demo_outside_the_checkout(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env.update(
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp_path / "dist", REPO], REPO, env)
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

    _run(
        [
            venv / "bin" / "python",
            "-c",
            "from tradeoff_studio.core.demo import ensure_demo_project; ensure_demo_project()",
        ],
        elsewhere,
        env,
    )
    demo = next((tmp_path / "data" / "tradeoff-studio").glob("demo-*.tsproj"))
    info = json.loads(_run([venv / "bin" / "tradeoff-studio", "info", demo, "--json"], elsewhere, env))
    assert {"credit_applications", "asset_returns"} <= {table["name"] for table in info["tables"]}
    assert {"credit_logreg", "credit_gbt", "credit_mlp"} <= {model["name"] for model in info["models"]}
