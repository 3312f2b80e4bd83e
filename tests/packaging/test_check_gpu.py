"""packaging/check_gpu.sh and its parts, as far as a machine without a GPU can check them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "packaging" / "check_gpu.sh"
sys.path.insert(0, str(REPO / "models"))
from make_large_mlp import large_mlp, parameter_count  # noqa: E402


def _cuda_works() -> bool:
    from tradeoff_studio.core.inference.providers import working_providers

    return "CUDAExecutionProvider" in working_providers()


def test_without_a_gpu_driver_the_script_says_no_cuda_device(tmp_path: Path) -> None:
    tools = tmp_path / "bin"  # a PATH with the shell's helpers but no nvidia-smi
    tools.mkdir()
    for tool in ("dirname", "python3"):
        (tools / tool).symlink_to(shutil.which(tool) or f"/usr/bin/{tool}")
    bash = shutil.which("bash") or "/bin/bash"
    done = subprocess.run([bash, str(SCRIPT), str(tmp_path)], env={"PATH": str(tools)}, capture_output=True,
                          text=True, check=False, timeout=60)  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip().startswith("check_gpu: no CUDA device")


def test_the_script_wants_a_wheel_folder() -> None:
    done = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 2 and "usage: packaging/check_gpu.sh WHEEL_DIR" in done.stderr


@pytest.mark.skipif(_cuda_works(), reason="a CUDA device is present: check_gpu.py would run the full check")
def test_the_python_check_refuses_when_cuda_does_not_initialise() -> None:
    done = subprocess.run([sys.executable, str(REPO / "packaging" / "check_gpu.py")], capture_output=True,
                          text=True, check=False, timeout=120)  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("check_gpu: no CUDA device")


def test_the_large_mlp_has_10m_parameters_and_scores_like_the_sample_mlp() -> None:
    import onnx
    import onnxruntime

    model = large_mlp()
    assert parameter_count(model) >= 10_000_000
    template = onnx.load(str(REPO / "models" / "credit_mlp.onnx"))
    assert [item.name for item in model.graph.input] == [item.name for item in template.graph.input]
    session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    feeds = {item.name: np.full((4, 1), 1.5, dtype=np.float32) for item in session.get_inputs()}
    (probabilities,) = session.run(["probabilities"], feeds)
    assert probabilities.shape == (4, 2) and np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
