"""Generate the synthetic LLM evaluation log for the cost–quality demo (seeded, same rows per seed).

Usage::

    python resources/demo/make_cost_quality_demo.py [--items N] [--seed S] [--out PATH]

The story: an ML platform team evaluates seven LLM-like systems on N benchmark items (default
2,400) and must choose what to serve: one system, a random mixture of two, or a cascade (a
cheap model answers; when its confidence is low the item goes to a stronger one).

- **Items** have a latent difficulty ``d ~ Normal(0, 1)`` and a prompt of ``input_tokens ~
  LogNormal`` (harder items have longer prompts). 3 % of the items are *broken* (wrong
  reference answer): no system can get them right, but the systems do not know it.
- **Systems** (``SYSTEMS``) have an ability ``a``, per-token prices (USD per 1M input and
  output tokens), a typical answer length and a speed. ``reasoner-xl`` writes long hidden
  reasoning (many output tokens); ``legacy-13b`` is dear for its ability (dominated).
- Each system sees its own difficulty ``d_s = d + Normal(0, 0.9)`` (systems have different
  strengths), and answers item ``i`` correctly with probability ``sigmoid(1.7·(a − d_s))``
  (0 on broken items); ``correct`` is that Bernoulli draw (BOOLEAN).
- ``confidence`` in [0, 1] is calibrated but imperfect: ``sigmoid(c·logit(p̂) + noise)``, where
  ``p̂ = sigmoid(1.7·(a − d_s))`` is what the system *believes* (broken items included), ``c`` its
  (over)confidence and noise Normal(0, 0.6).
- ``output_tokens ~ LogNormal`` around the system's answer length, longer on items hard for it;
  ``cost_usd = (input_tokens·input_price + output_tokens·output_price) / 1e6``.
- ``latency_ms = overhead·LogNormal(0, 0.3) + output_tokens / speed · 1000``: log-normal-ish,
  right-skewed, so p95 is well above p50.

Columns of ``llm_eval_log.parquet`` (zstd), one row per (item, system): ``item`` (VARCHAR),
``system`` (VARCHAR), ``correct`` (BOOLEAN), ``confidence`` (DOUBLE), ``input_tokens``,
``output_tokens`` (BIGINT), ``cost_usd``, ``latency_ms`` (DOUBLE). ``llm_prices.csv`` beside it
holds ``system, input_price, output_price`` (USD per 1M tokens) for the token-priced cost axis.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

DEFAULT_ITEMS = 2_400
DEFAULT_SEED = 20261127
HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "llm_eval_log.parquet"
BROKEN_SHARE = 0.03
SKILL_SPREAD = 0.9  # sd of a system's own item difficulty around the shared one
# name: ability, input USD/1M, output USD/1M, answer tokens, overhead ms, tokens/s, overconfidence
SYSTEMS = {
    "nano-1b": (-1.3, 0.04, 0.10, 180, 120, 400, 1.4),
    "mini-8b": (-0.5, 0.15, 0.60, 220, 180, 250, 1.2),
    "legacy-13b": (-0.7, 0.80, 0.80, 260, 300, 120, 1.5),
    "mid-70b": (0.2, 0.60, 2.40, 260, 300, 120, 1.0),
    "large-400b": (0.8, 2.50, 10.0, 300, 450, 80, 0.9),
    "frontier-xl": (1.2, 5.00, 25.0, 320, 600, 60, 0.9),
    "reasoner-xl": (1.7, 10.0, 40.0, 2_000, 900, 90, 0.8),
}


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _system_rows(
    rng: np.random.Generator, name: str, difficulty: np.ndarray, broken: np.ndarray, prompt: np.ndarray
) -> dict[str, np.ndarray]:
    """One system's rows: correctness, confidence, tokens, cost and latency per item."""
    ability, p_in, p_out, length, overhead, speed, overconfidence = SYSTEMS[name]
    items = len(difficulty)
    own = difficulty + rng.normal(0.0, SKILL_SPREAD, items)  # this system's strengths and gaps
    believed = _sigmoid(1.7 * (ability - own))
    correct = (rng.random(items) < believed) & ~broken
    logit = np.log(believed / (1.0 - believed))
    confidence = _sigmoid(overconfidence * logit + rng.normal(0.0, 0.6, items))
    answer = np.round(rng.lognormal(np.log(length) + 0.2 * own, 0.4)).astype(np.int64)
    latency = overhead * rng.lognormal(0.0, 0.3, items) + answer / speed * 1000.0
    return {
        "item": np.array([f"q{i:05d}" for i in range(items)]),
        "system": np.full(items, name),
        "correct": correct,
        "confidence": np.round(confidence, 4),
        "input_tokens": prompt,
        "output_tokens": answer,
        "cost_usd": np.round((prompt * p_in + answer * p_out) / 1e6, 8),
        "latency_ms": np.round(latency, 1),
    }


def make_table(items: int = DEFAULT_ITEMS, seed: int = DEFAULT_SEED) -> pa.Table:
    """The log, one row per (item, system), items in order within each system."""
    rng = np.random.default_rng(seed)
    difficulty = rng.normal(0.0, 1.0, items)
    broken = rng.random(items) < BROKEN_SHARE
    prompt = np.round(rng.lognormal(np.log(600) + 0.25 * difficulty, 0.5)).astype(np.int64)
    parts = [_system_rows(rng, name, difficulty, broken, prompt) for name in SYSTEMS]
    return pa.table({key: np.concatenate([part[key] for part in parts]) for key in parts[0]})


def write(table: pa.Table, out: Path) -> None:
    """Write the log as zstd Parquet and the price table as CSV beside it."""
    pq.write_table(table, out, compression="zstd")
    with (out.parent / "llm_prices.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["system", "input_price", "output_price"])
        for name, values in SYSTEMS.items():
            writer.writerow([name, values[1], values[2]])


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=DEFAULT_ITEMS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    table = make_table(args.items, args.seed)
    write(table, args.out)
    print(f"Wrote {table.num_rows:,} rows ({args.items:,} items x {len(SYSTEMS)} systems) to {args.out}")


if __name__ == "__main__":
    main()
