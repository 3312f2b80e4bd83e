"""Decisions of the Ray engine that need no Ray (issue #21): the progress relay (monotone, capped,
silent once stopped) and where the scoring actors run (a GPU each when the cluster has GPUs)."""

from __future__ import annotations

import pytest

from tradeoff_studio.core.engines import EngineError
from tradeoff_studio.core.engines.placement import ActorPlan, scoring_actors
from tradeoff_studio.core.engines.ray_progress import Poller


def test_poller_reports_only_increases_up_to_the_total() -> None:
    seen: list[tuple[float, str]] = []
    with Poller(lambda f, m: seen.append((f, m)), 1_000, "Counting", None) as poller:
        for rows in (100, 50, 100, 400, 1_200, 1_000):
            poller.report(rows)
    poller.report(1_000)  # after the pass: nothing more
    assert seen == [
        (0.1, "Counting with Ray: 100 of 1,000 rows"),
        (0.4, "Counting with Ray: 400 of 1,000 rows"),
        (1.0, "Counting with Ray: 1,000 of 1,000 rows"),  # a retried block counted twice is capped
    ]


@pytest.mark.parametrize(
    ("resources", "provider", "expected"),
    [
        ({"CPU": 2.0}, "auto", ActorPlan(0.5, 0.0, (1, 2), "auto")),
        ({"CPU": 16.0, "GPU": 0.0}, "auto", ActorPlan(0.5, 0.0, (1, 30), "auto")),
        ({"CPU": 1.0}, "cpu", ActorPlan(0.5, 0.0, (1, 1), "cpu")),
        ({"CPU": 64.0, "GPU": 4.0}, "auto", ActorPlan(0.5, 1.0, (1, 4), "cuda")),
        ({"CPU": 64.0, "GPU": 4.0}, "cuda", ActorPlan(0.5, 1.0, (1, 4), "cuda")),
        ({"CPU": 64.0, "GPU": 4.0}, "cpu", ActorPlan(0.5, 0.0, (1, 126), "cpu")),
    ],
)
def test_scoring_actors_take_a_gpu_each_when_the_cluster_has_gpus(
    resources: dict[str, float], provider: str, expected: ActorPlan
) -> None:
    plan = scoring_actors(resources, provider)
    assert plan == expected and plan.batch_size == 65_536
    assert plan.describe().startswith("num_gpus=1" if expected.num_gpus else "num_cpus=0.5")


def test_cuda_without_gpus_is_refused() -> None:
    with pytest.raises(EngineError, match="no GPU"):
        scoring_actors({"CPU": 8.0}, "cuda")
