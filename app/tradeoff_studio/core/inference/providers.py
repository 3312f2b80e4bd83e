"""onnxruntime sessions on the best execution provider that actually works here.

``onnxruntime-gpu`` lists CUDA as available even on machines without a GPU and silently falls
back to the CPU, after printing a loader error. So a provider counts as used only when the
created session reports it in ``get_providers()``, and the loader's noise is silenced while a
session is created. onnxruntime is imported lazily, so importing this module stays cheap.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import TYPE_CHECKING

from ..errors import ModelError

if TYPE_CHECKING:
    import onnxruntime

PROVIDER_CHOICES = ("auto", "cuda", "cpu")
CPU = "CPUExecutionProvider"
CUDA = "CUDAExecutionProvider"
# Tried in this order by 'auto' when onnxruntime offers them. TensorRT is never tried by default:
# it compiles engines for minutes before the first batch.
AUTO_ACCELERATORS = (
    CUDA,
    "ROCMExecutionProvider",
    "MIGraphXExecutionProvider",
    "DmlExecutionProvider",
    "CoreMLExecutionProvider",
)
_QUIET = 4  # FATAL only: the CUDA loader logs its failure at ERROR level
_DEFAULT_SEVERITY = 2  # onnxruntime's own default (WARNING)
# Thread rule: onnxruntime's default thread count (one per physical core) with spinning OFF.
# Measured on the 2-vCPU dev VM (python tests/benchmarks/bench_scoring.py --threads --repeat 5),
# 1M rows of the demo credit table (19 float32 [N, 1] inputs), batches of 65,536 rows, CPU,
# million rows/s, median of 5:
#
#   model                      run        default   1 thread   spinning off   1 thread + spinning off
#   HistGradientBoosting 150   ORT alone    0.37      0.26         0.39           0.26
#                              pipeline     0.26      0.24         0.34           0.25
#   LogisticRegression         ORT alone   17.7      10.6         16.4           11.4
#                              pipeline     2.56      3.36         3.34           3.09
#   MLP (32, 16)               ORT alone   10.8       6.7         10.3            6.9
#                              pipeline     2.49      2.96         3.16           2.78
#
# Spinning off is as fast as the default alone and the fastest in the pipeline, where spinning
# workers steal the core that DuckDB's reader thread needs; an earlier sweep also saw the default
# drop to 0.13 M rows/s on the tree model under contention. One thread loses a third on the tree
# model here (the probe's "2x faster on one thread" was measured against the spinning default), and
# would waste the cores of larger machines.
ALLOW_SPINNING = "0"
INTRA_OP_THREADS = 0  # 0 = onnxruntime's default


def create_session(
    model_bytes: bytes, provider: str = "auto", *, label: str = "the model", threads: int | None = None
) -> tuple[onnxruntime.InferenceSession, str]:
    """An inference session for ``model_bytes`` and the onnxruntime name of the provider it runs on
    (e.g. ``CPUExecutionProvider``, ``CUDAExecutionProvider``), as the session itself reports it.

    ``provider`` is ``'auto'`` (the first accelerator that initialises, else the CPU), ``'cuda'``
    (a :class:`ModelError` when CUDA cannot be used: no silent fallback) or ``'cpu'``.
    ``label`` names the model in error messages; ``threads`` sets ``intra_op_num_threads`` (default:
    the measured rule, :data:`INTRA_OP_THREADS`).
    """
    if provider not in PROVIDER_CHOICES:
        raise ModelError(f"Unknown provider '{provider}'. Choose one of: {', '.join(PROVIDER_CHOICES)}.")
    ort = _onnxruntime()
    if provider == "cpu":
        return _cpu_session(ort, model_bytes, label, threads), CPU
    wanted = [CUDA] if provider == "cuda" else [p for p in AUTO_ACCELERATORS if p in _available(ort)]
    for name in wanted:
        session = _accelerated_session(ort, model_bytes, name, label, threads)
        if session is not None:
            return session, name
    if provider == "cuda":
        raise ModelError(_cuda_unavailable_message(ort))
    return _cpu_session(ort, model_bytes, label, threads), CPU


def session_options(threads: int | None = None) -> onnxruntime.SessionOptions:
    """Session options with the measured thread rule (or ``threads``) and onnxruntime's logging quietened."""
    ort = _onnxruntime()
    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.intra_op_num_threads = INTRA_OP_THREADS if threads is None else threads
    options.add_session_config_entry("session.intra_op.allow_spinning", ALLOW_SPINNING)
    return options


def working_providers() -> list[str]:
    """onnxruntime names of the providers that initialise on this machine (TensorRT is not tried)."""
    return list(_working())


@functools.cache
def _onnxruntime() -> ModuleType:
    """Import onnxruntime once, preloading NVIDIA's pip-installed CUDA libraries when present."""
    import onnxruntime

    ort: ModuleType = onnxruntime
    if hasattr(ort, "preload_dlls") and importlib.util.find_spec("nvidia") is not None:
        # CUDA/cuDNN from the nvidia-* wheels of the '[cuda]' extra; should that fail, CUDA does not
        # initialise and 'auto' goes on to another provider.
        with contextlib.suppress(OSError, RuntimeError, ValueError):
            ort.preload_dlls()
    return ort


def _available(ort: ModuleType) -> list[str]:
    return list(ort.get_available_providers())


@contextmanager
def _quiet_loader(ort: ModuleType) -> Iterator[None]:
    """Silence the provider loader's errors (printed when CUDA libraries are missing)."""
    ort.set_default_logger_severity(_QUIET)
    try:
        yield
    finally:
        ort.set_default_logger_severity(_DEFAULT_SEVERITY)


def _cpu_session(
    ort: ModuleType, model_bytes: bytes, label: str, threads: int | None = None
) -> onnxruntime.InferenceSession:
    try:
        with _quiet_loader(ort):
            return ort.InferenceSession(model_bytes, session_options(threads), providers=[CPU])
    except Exception as error:  # onnxruntime's pybind errors share no base below Exception
        raise ModelError(f"onnxruntime cannot load {label}: {_first_line(error)}") from None


def _accelerated_session(
    ort: ModuleType, model_bytes: bytes, provider: str, label: str, threads: int | None = None
) -> onnxruntime.InferenceSession | None:
    """A session on ``provider``, or None when that provider does not initialise."""
    if provider not in _working():
        return None
    try:
        with _quiet_loader(ort):
            session = ort.InferenceSession(model_bytes, session_options(threads), providers=[provider, CPU])
    except Exception as error:  # onnxruntime's pybind errors share no base below Exception
        raise ModelError(f"onnxruntime cannot load {label} on {provider}: {_first_line(error)}") from None
    return session if session.get_providers()[0] == provider else None


@functools.cache
def _working() -> tuple[str, ...]:
    """Providers that really initialise, probed once per process with a one-node model."""
    ort = _onnxruntime()
    probe = _probe_model()
    working = []
    for name in _available(ort):
        if name not in (*AUTO_ACCELERATORS, CPU):
            continue
        try:
            with _quiet_loader(ort):
                session = ort.InferenceSession(probe, providers=[name, CPU] if name != CPU else [CPU])
        except Exception:  # a provider that cannot even start is simply not working
            continue
        if session.get_providers()[0] == name:
            working.append(name)
    return tuple(working)


def _probe_model() -> bytes:
    from onnx import TensorProto, helper

    value = helper.make_tensor_value_info("x", TensorProto.FLOAT, [None])
    result = helper.make_tensor_value_info("y", TensorProto.FLOAT, [None])
    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "probe", [value], [result])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    return bytes(model.SerializeToString())


def _cuda_unavailable_message(ort: ModuleType) -> str:
    working = ", ".join(_working()) or "none"
    if CUDA not in _available(ort):
        reason = "this onnxruntime build has no CUDA support (install onnxruntime-gpu)"
    else:
        reason = (
            "onnxruntime could not initialise CUDA (no NVIDIA GPU, or the CUDA 13 / cuDNN 9 libraries "
            "are missing: install the '[cuda]' extra)"
        )
    return (
        f"CUDA was requested but cannot be used here: {reason}. "
        f"Providers that work on this machine: {working}. Use --provider auto or --provider cpu."
    )


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
