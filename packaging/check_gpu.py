"""GPU scoring check (run by ``check_gpu.sh``): CUDA must be what scores, and how much faster it is.

Scores the demo's credit table (60,000 rows) with each sample model and a ≥ 10M-parameter MLP
(``models/make_large_mlp.py``) through the app's own scoring path, once with ``provider='cuda'``
and once on the CPU; asserts that onnxruntime reports CUDAExecutionProvider as the provider that
scored, and prints rows per second on each and the ratio. Exits 1 with "no CUDA device" when
onnxruntime's CUDA provider does not initialise here.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "app"))
sys.path.insert(0, str(ROOT / "models"))

CUDA = "CUDAExecutionProvider"
SAMPLE_MODELS = ("credit_logreg", "credit_gbt", "credit_mlp")


def _cuda_or_exit() -> None:
    import onnxruntime

    if hasattr(onnxruntime, "preload_dlls"):
        onnxruntime.preload_dlls()  # CUDA and cuDNN from NVIDIA's wheels, when installed
    from tradeoff_studio.core.inference.providers import working_providers

    working = working_providers()
    if CUDA not in working:
        found = f"onnxruntime {onnxruntime.__version__}, working providers: {', '.join(working)}"
        print(f"check_gpu: no CUDA device: onnxruntime's CUDA provider does not initialise here ({found})",
              file=sys.stderr)  # fmt: skip
        raise SystemExit(1)


def _score_both(project: object, model: str) -> tuple[float, float]:
    """Rows per second on CUDA and on the CPU for ``model``; asserts CUDA scored the first run."""
    from tradeoff_studio.core.inference.runner import score_table

    rates = []
    for provider in ("cuda", "cpu"):
        record = score_table(project, model=model, table="credit_applications",  # type: ignore[arg-type]
                             output_column=f"s_{model}_{provider}", provider=provider)  # fmt: skip
        if provider == "cuda" and record.provider != CUDA:
            raise SystemExit(f"check_gpu: {model} was scored on {record.provider}, not {CUDA}")
        rates.append(record.row_count / record.seconds)
    return rates[0], rates[1]


def main() -> int:
    """Run the check; 0 when CUDA scored every model."""
    _cuda_or_exit()
    import onnx
    from make_large_mlp import large_mlp, parameter_count

    from tradeoff_studio.core.data.importer import import_files
    from tradeoff_studio.core.inference.registry import add_model
    from tradeoff_studio.core.paths import models_dir, resources_dir
    from tradeoff_studio.core.project import create_project

    with tempfile.TemporaryDirectory() as folder:
        large = Path(folder) / "large_mlp.onnx"
        model = large_mlp()
        onnx.save(model, str(large))
        with create_project(Path(folder) / "gpu.tsproj") as project:
            import_files(project, [resources_dir() / "demo" / "credit_applications.parquet"])
            paths = [models_dir() / f"{name}.onnx" for name in SAMPLE_MODELS] + [large]
            for path in paths:
                add_model(project, path)
            print(f"large_mlp: {parameter_count(model):,} parameters")
            for path in paths:
                cuda, cpu = _score_both(project, path.stem)
                rates = f"cuda_rows_per_s={cuda:,.0f} cpu_rows_per_s={cpu:,.0f} speedup={cuda / cpu:.2f}"
                print(f"{path.stem}: {rates}")
    print(f"check_gpu: passed (every model scored on {CUDA})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
