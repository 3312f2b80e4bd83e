"""Where the ONNX scoring actors run (issue #21): one GPU each when the cluster has GPUs, else CPU.

A pure decision on the cluster's resources (``ray.cluster_resources()``), so it is tested without
a cluster. With GPUs, each actor reserves ``num_gpus=1`` and asks onnxruntime for CUDA with no
silent fallback (an actor holding a GPU it cannot use is a configuration error to fix: install
``onnxruntime-gpu`` matching the nodes' CUDA/cuDNN), at most one actor per GPU, and a fixed batch
size (Ray needs one with GPUs, ray#42340). Without, half a CPU each and one CPU left free: an
actor pool claiming every CPU can deadlock Ray's own file listing (ray#44687).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .base import EngineError

SCORE_BATCH_ROWS = 65_536
ACTOR_CPUS = 0.5


@dataclass(frozen=True)
class ActorPlan:
    """The resources and the onnxruntime provider of the scoring actors."""

    num_cpus: float
    num_gpus: float
    concurrency: tuple[int, int]  # (least, most) actors
    provider: str  # what each actor asks onnxruntime for: cuda, cpu or auto
    batch_size: int = SCORE_BATCH_ROWS

    def describe(self) -> str:
        """One line for the provenance, e.g. ``num_gpus=1, provider cuda, up to 4 actors``."""
        unit = f"num_gpus={self.num_gpus:g}" if self.num_gpus else f"num_cpus={self.num_cpus:g}"
        return f"{unit}, provider {self.provider}, up to {self.concurrency[1]} actors"


def scoring_actors(resources: Mapping[str, float], provider: str = "auto") -> ActorPlan:
    """The scoring actors' plan on a cluster with ``resources`` (``{"CPU": 16.0, "GPU": 2.0, …}``).

    ``provider`` ``auto`` or ``cuda`` takes the GPUs when there are any; ``cpu`` never does; ``cuda``
    on a cluster without GPUs is refused.
    """
    gpus = int(resources.get("GPU", 0) or 0)
    if gpus >= 1 and provider in ("auto", "cuda"):
        return ActorPlan(ACTOR_CPUS, 1.0, (1, gpus), "cuda")
    if provider == "cuda":
        raise EngineError(
            "The scoring was asked to run on CUDA, but the Ray cluster has no GPU. Add GPU nodes or score "
            "on the CPU (provider auto or cpu)."
        )
    cpus = float(resources.get("CPU", 1) or 1)
    actors = max(1, int((cpus - 1) / ACTOR_CPUS))  # the actors together leave one CPU to the reads
    return ActorPlan(ACTOR_CPUS, 0.0, (1, actors), provider)
