"""Execution providers: the one really used is reported, CUDA is never a silent fallback, no noise."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import onnx
import pytest

from support.onnx_builders import logistic
from tradeoff_studio.core.errors import ModelError
from tradeoff_studio.core.inference import providers
from tradeoff_studio.core.inference.providers import create_session, session_options, working_providers

MODEL = logistic().SerializeToString()
no_cuda = pytest.mark.skipif(
    "CUDAExecutionProvider" in working_providers(), reason="CUDA works on this machine"
)


def test_cpu_is_used_when_asked() -> None:
    session, used = create_session(MODEL, "cpu")
    assert used == "CPUExecutionProvider"
    assert session.get_providers() == ["CPUExecutionProvider"]


def test_auto_reports_the_provider_it_got() -> None:
    session, used = create_session(MODEL, "auto")
    assert used in working_providers()
    assert session.get_providers()[0] == used


@no_cuda
def test_cuda_requested_without_cuda_is_a_clear_error() -> None:
    with pytest.raises(ModelError) as caught:
        create_session(MODEL, "cuda")
    message = str(caught.value)
    assert message.startswith("CUDA was requested but cannot be used here")
    assert "Providers that work on this machine: CPUExecutionProvider." in message
    assert "--provider auto or --provider cpu" in message


def test_unknown_provider_and_unloadable_model() -> None:
    with pytest.raises(ModelError, match=r"Unknown provider 'gpu'\. Choose one of: auto, cuda, cpu"):
        create_session(MODEL, "gpu")
    broken = logistic()
    broken.graph.node[1].op_type = "NoSuchOp"
    with pytest.raises(ModelError, match="onnxruntime cannot load model 'x'"):
        create_session(broken.SerializeToString(), "cpu", label="model 'x'")


def test_session_options_follow_the_measured_thread_rule() -> None:
    options = session_options()
    assert options.intra_op_num_threads == providers.INTRA_OP_THREADS
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == providers.ALLOW_SPINNING


def _run_child(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=60, check=False
    )


def test_no_onnxruntime_loader_noise_on_stderr(
    tmp_path: Path, save_model: Callable[[onnx.ModelProto, str], Path]
) -> None:
    path = save_model(logistic(), "lr")
    result = _run_child(
        f"""
        import numpy as np
        from tradeoff_studio.core.errors import ModelError
        from tradeoff_studio.core.inference.providers import create_session
        model = open({str(path)!r}, "rb").read()
        for provider in ("auto", "cuda", "auto"):
            try:
                session, used = create_session(model, provider)
            except ModelError:
                continue
            x = np.ones((3, 1), np.float32)
            session.run(["probabilities"], {{"age": x, "income": x, "debt": x}})
            print(used)
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.split()[0] in working_providers()


def test_importing_the_inference_modules_does_not_load_onnxruntime(tmp_path: Path) -> None:
    result = _run_child(
        """
        import sys
        from tradeoff_studio.core.inference import mapping, providers, registry, runner
        print("onnxruntime" in sys.modules)
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
