"""The bundled demo project: every demo table, the three sample models and their scores, and one
analysis with a recorded decision per trade-off (:mod:`.demo_analyses`).

It is built once into the user's data folder, in a staging file renamed into place at the
end, so an interrupted build never leaves a half-made demo behind.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from .data.importer import import_files
from .demo_analyses import run_demo_analyses
from .inference import registry, runner
from .jobs import CancelToken, Progress, no_progress, scaled
from .paths import models_dir, resources_dir, user_data_dir
from .project import create_project

DEMO_TABLE = "credit_applications"
DEMO_FILES = ("credit_applications.parquet", "asset_returns.parquet", "model_portfolios.parquet",
              "ope_results.parquet", "llm_eval_log.parquet")  # fmt: skip
DEMO_MODELS = ("credit_logreg", "credit_gbt", "credit_mlp")


def demo_project_path() -> Path:
    """Where the demo project lives."""
    # -4: a fifth analysis (model variants); -3: the credit story changed (favourable = approval,
    # global rules). Older demos are left alone.
    return user_data_dir() / "demo-4.tsproj"


def ensure_demo_project(progress: Progress = no_progress, cancel: CancelToken | None = None) -> Path:
    """The demo project's path, building it first when it does not exist yet."""
    target = demo_project_path()
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".demo-{uuid.uuid4().hex}.tsproj")
    try:
        _build(staging, progress, cancel or CancelToken())
        os.replace(staging, target)
    finally:
        for leftover in (staging, staging.with_name(staging.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return target


def _build(path: Path, progress: Progress, cancel: CancelToken) -> None:
    with create_project(path) as project:
        files = [resources_dir() / "demo" / name for name in DEMO_FILES]
        import_files(project, files, progress=scaled(progress, 0.0, 0.1), cancel=cancel)
        for index, name in enumerate(DEMO_MODELS):
            registry.add_model(project, models_dir() / f"{name}.onnx")
            share = 0.1 + 0.4 * index / len(DEMO_MODELS), 0.1 + 0.4 * (index + 1) / len(DEMO_MODELS)
            runner.score_table(project, model=name, table=DEMO_TABLE, progress=scaled(progress, *share),
                               cancel=cancel)  # fmt: skip
        run_demo_analyses(project, scaled(progress, 0.5, 1.0), cancel)
