"""OPE benchmark: ``ope-estimate`` on a large bandit log, beside a NumPy implementation of the same.

Usage::

    python tests/benchmarks/bench_ope.py [--rounds 10000000] [--actions 80] [--policies 10]
                                         [--resamples 1000] [--provider cpu]

Ours is the whole pipeline: the log streamed out of DuckDB in record batches, 10 float32 softmax
policies run by onnxruntime on every batch, IPW + SNIPW + DR (reward model: the log's mean
reward per action) reduced to per-group sums, 1,000 bootstrap resamples over rounds, the
result table written and audited. The anchor is NumPy alone on the same log already in memory
(its load time is not counted): each policy's softmax in float32 chunks, the same estimators and
the same grouped bootstrap. Both report their estimates; the largest difference is printed.
Goal: ours under 30 s for 10M rounds on this machine's CPU. Prints ``key=value`` lines.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx

from tradeoff_studio.core.analyses.ope import estimators as est
from tradeoff_studio.core.analyses.ope.estimate import OpeEstimateSpec, estimate_ope
from tradeoff_studio.core.inference.registry import add_model
from tradeoff_studio.core.project import Project, create_project

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the shared support helpers
from support.ope_models import policy_model

ESTIMATORS = ("ipw", "snipw", "dr")
CHUNK = 262_144


def make_log(project: Project, rounds: int, actions: int) -> None:
    """A uniform-random logger (pscore = 1/actions), three contexts, click rewards of 2-8 %."""
    project.con.execute("SELECT setseed(0.25)")
    project.con.execute(
        f"CREATE TABLE log AS SELECT random() * 2 - 1 AS x0, random() * 2 - 1 AS x1, random() * 2 - 1 AS x2, "
        f"CAST(floor(random() * {actions}) AS BIGINT) AS action, 1.0 / {actions} AS pscore FROM range(?)",
        [rounds],
    )
    project.con.execute(
        "CREATE OR REPLACE TABLE log AS SELECT *, CAST(random() < 0.02 + 0.06 * ((action * 7919) % 100) "
        "/ 100.0 + 0.01 * x0 AS DOUBLE) AS reward FROM log"
    )


def weights(count: int, actions: int) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(0)
    return [(rng.normal(0, 1, (3, actions)), rng.normal(0, 0.5, actions)) for _ in range(count)]


def numpy_estimates(
    project: Project, policies: list[tuple[np.ndarray, np.ndarray]], resamples: int
) -> tuple[dict[str, float], float]:
    """The same estimators in NumPy on the log in memory; (estimates, seconds without the load)."""
    frame = project.con.execute(
        "SELECT rowid, x0, x1, x2, action, pscore, reward FROM log ORDER BY rowid"
    ).fetchnumpy()
    x = np.column_stack([frame["x0"], frame["x1"], frame["x2"]]).astype(np.float32)
    a, p, r = frame["action"], frame["pscore"], frame["reward"].astype(np.float64)
    started, cpu = time.perf_counter(), time.process_time()
    n, actions = len(a), policies[0][0].shape[1]
    q = np.bincount(a, weights=r, minlength=actions) / np.maximum(np.bincount(a, minlength=actions), 1)
    groups = min(est.DEFAULT_GROUPS, n)
    rowid = frame["rowid"].astype(np.int64)
    counts = est.resample_counts(groups, resamples, 20261204)
    out = {}
    for index, (w, b) in enumerate(policies):
        pi_logged, q_pi = np.empty(n), np.empty(n)
        for start in range(0, n, CHUNK):
            logits = x[start : start + CHUNK] @ w.astype(np.float32) + b.astype(np.float32)
            dist = np.exp(logits - logits.max(axis=1, keepdims=True))
            dist /= dist.sum(axis=1, keepdims=True)
            pi_logged[start : start + CHUNK] = dist[np.arange(len(dist)), a[start : start + CHUNK]]
            q_pi[start : start + CHUNK] = dist @ q.astype(np.float32)
        terms = est.round_terms(pi_logged, p, r, q[a], q_pi, tau=100.0)
        ids = rowid % groups  # the grouping ope-estimate uses, by bincount alone
        sums = np.stack(
            [
                np.bincount(ids, minlength=groups),
                *(np.bincount(ids, weights=t, minlength=groups) for t in terms),
            ]
        )
        point, boot = est.estimates(sums.sum(axis=1)), est.estimates(sums @ counts.T)
        for name in ESTIMATORS:
            out[f"pi{index}:{name}"] = float(point[name])
            out[f"pi{index}:{name}:lo"] = float(np.percentile(boot[name], 2.5))
    print(f"numpy_cpu_seconds={time.process_time() - cpu:.2f}")
    return out, time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10_000_000)
    parser.add_argument("--actions", type=int, default=80)
    parser.add_argument("--policies", type=int, default=10)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--provider", default="cpu")
    args = parser.parse_args(argv)
    policies = weights(args.policies, args.actions)
    with tempfile.TemporaryDirectory() as folder:
        project = create_project(Path(folder) / "bench.tsproj")
        try:
            started = time.perf_counter()
            make_log(project, args.rounds, args.actions)
            print(f"log_seconds={time.perf_counter() - started:.2f}")
            for index, (w, b) in enumerate(policies):
                path = Path(folder) / f"pi{index}.onnx"
                onnx.save(policy_model(w, b, actions=args.actions, dtype=onnx.TensorProto.FLOAT), path)
                add_model(project, path, name=f"pi{index}")
            names = tuple(f"pi{i}" for i in range(args.policies))
            spec = OpeEstimateSpec(
                "log", action="action", reward="reward", pscore="pscore", policies=names, into="estimates",
                estimators=ESTIMATORS, resamples=args.resamples, provider=args.provider,
            )  # fmt: skip
            cpu = time.process_time()
            result = estimate_ope(project, spec)
            cpu = time.process_time() - cpu
            ours = {f"{row.policy}:{row.estimator}": row.estimated_value for row in result.frame.itertuples()}
            ours |= {
                f"{row.policy}:{row.estimator}:lo": row.estimated_value_lo
                for row in result.frame.itertuples()
            }
            anchor, anchor_seconds = numpy_estimates(project, policies, args.resamples)
        finally:
            project.close()
    diff = max(abs(ours[key] - value) for key, value in anchor.items())
    print(f"rounds={args.rounds} actions={args.actions} policies={args.policies} resamples={args.resamples}")
    print(f"provider={','.join(sorted(set(result.providers.values())))}")
    print(f"ours_seconds={result.seconds:.2f}")
    print(f"ours_cpu_seconds={cpu:.2f}")  # all threads; on a shared machine wall time exceeds it
    print(f"numpy_seconds={anchor_seconds:.2f}")
    print(f"max_abs_difference={diff:.3g}")
    print(f"goal_30s_met={result.seconds < 30}")


if __name__ == "__main__":
    main()
