"""Generate the synthetic off-policy-evaluation demo table (seeded, same rows per seed).

Usage::

    python resources/demo/make_ope_demo.py [--policies N] [--seed S] [--out PATH]

The story: a recommender team has N candidate policies and one behaviour policy (the one that
logged the data, ``policy_00``). Each candidate's *true* value (expected reward, e.g. a click
rate) is drawn around the behaviour policy's 0.50: some candidates are better, many worse. Four
OPE estimators estimate every policy's value from the logged data, each with its typical
error profile:

- ``DM`` (direct method, a reward model): low variance, but **biased**: it shrinks values
  towards 0.5 and over-rates policies far from the behaviour policy (a systematic error that
  grows with the policy's distance from the logger).
- ``IPS`` (inverse propensity scoring): unbiased but **high variance**, more so for policies
  far from the behaviour policy (large importance weights).
- ``SNIPS`` (self-normalised IPS): a little bias, much less variance than IPS.
- ``DR`` (doubly robust): in between: small bias and moderate variance.

The behaviour policy is estimated almost exactly by every estimator (on-policy data).

Columns: ``policy`` (VARCHAR), ``estimator`` (VARCHAR), ``estimated_value`` (DOUBLE),
``true_value`` (DOUBLE), ``is_behaviour`` (BOOLEAN). One row per (policy, estimator). The file
is written with DuckDB.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb
import numpy as np

DEFAULT_POLICIES = 40  # candidates, besides the behaviour policy
DEFAULT_SEED = 20261127
DEFAULT_OUT = Path(__file__).resolve().parent / "ope_results.parquet"
BEHAVIOUR_VALUE = 0.50
ESTIMATORS = ("DM", "IPS", "SNIPS", "DR")
# Per estimator: shrinkage towards 0.5, bias per unit distance, noise sd, noise sd per unit distance.
ERRORS = {
    "DM": (0.45, 0.06, 0.010, 0.00),
    "IPS": (0.00, 0.00, 0.020, 0.10),
    "SNIPS": (0.05, 0.00, 0.012, 0.04),
    "DR": (0.10, 0.01, 0.012, 0.03),
}


def make_rows(policies: int = DEFAULT_POLICIES, seed: int = DEFAULT_SEED) -> list[tuple[object, ...]]:
    """Rows ``(policy, estimator, estimated_value, true_value, is_behaviour)``, behaviour first."""
    rng = np.random.default_rng(seed)
    distance = np.concatenate([[0.0], rng.uniform(0.1, 1.0, policies)])  # how far from the logger
    true = np.concatenate([[BEHAVIOUR_VALUE], BEHAVIOUR_VALUE + rng.normal(-0.01, 0.05, policies)])
    true = np.round(np.clip(true, 0.0, 1.0), 4)
    rows: list[tuple[object, ...]] = []
    for estimator in ESTIMATORS:
        shrink, bias, sd, sd_far = ERRORS[estimator]
        noise = rng.normal(0.0, 1.0, policies + 1) * (sd + sd_far * distance)
        estimate = true + shrink * (0.5 - true) + bias * distance + noise
        estimate[0] = true[0] + rng.normal(0.0, 0.002)  # on-policy: nearly exact
        for index in range(policies + 1):
            rows.append(
                (f"policy_{index:02d}", estimator, round(float(estimate[index]), 4),
                 float(true[index]), index == 0)
            )  # fmt: skip
    return rows


def write(rows: list[tuple[object, ...]], out: Path) -> None:
    """Write the rows to Parquet with DuckDB."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE ope (policy VARCHAR, estimator VARCHAR, estimated_value DOUBLE, "
        "true_value DOUBLE, is_behaviour BOOLEAN)"
    )
    con.executemany("INSERT INTO ope VALUES (?, ?, ?, ?, ?)", rows)
    con.execute(f"COPY (SELECT * FROM ope) TO '{str(out).replace(chr(39), chr(39) * 2)}' (FORMAT parquet)")
    con.close()


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=DEFAULT_POLICIES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    rows = make_rows(args.policies, args.seed)
    write(rows, args.out)
    print(
        f"Wrote {len(rows)} rows ({args.policies + 1} policies x {len(ESTIMATORS)} estimators) to {args.out}"
    )


if __name__ == "__main__":
    main()
