"""Generate the synthetic credit-applications demo table (seeded, byte-identical per seed).

Usage::

    python resources/demo/make_credit_demo.py [--rows N] [--seed S] [--out PATH]

The generative story, in the order the columns are drawn:

1. **Protected attributes.** ``sex`` is "female" for 38 % of applicants and "male" for 62 %;
   ``ethnicity`` is "group_a" 68 %, "group_b" 17 %, "group_c" 10 %, "group_d" 5 %. ``age``
   (21-80) is roughly normal around 42, a little younger in groups c and d.
2. **Where people live.** ``region_index`` (0-100, higher = poorer home area) is a location
   proxy: residential segregation makes it higher on average for groups b, c and d.
3. **Hidden traits, never written out.** ``skill`` (earning potential, standard normal) and,
   later, ``stress`` (financial strain) are latent.
4. **Income and assets.** ``employment_years`` grows with age and skill and is shorter for
   women (career breaks). log ``income`` rises with skill, age (concave) and tenure and falls
   with ``region_index``; historical disadvantage lowers it further for women (-0.20 on the
   log scale) and for groups b, c and d (-0.06 to -0.18), so incomes are log-normal with group
   gaps. ``home_owner`` depends on age, income and area; ``savings_balance`` (log-normal,
   some zeros) on income, ownership and skill; ``num_dependents`` is Poisson, higher in
   mid-life.
5. **Credit file.** ``credit_history_months`` is a share of the adult years that is smaller
   for groups b, c and d (recent arrivals, thin files) and for women. ``stress`` falls with
   income and rises with dependents and area; it drives ``debt_to_income``, ``revolving_utilization``,
   ``delinquencies_2y``, ``public_records``, ``inquiries_6m`` (Poisson counts) and
   ``months_since_last_delinquency`` (120 = none in the last ten years).
   ``num_open_accounts`` grows with history; ``years_at_address`` with age.
6. **The loan.** ``loan_amount`` scales with income; longer ``loan_term_months`` for larger
   loans; ``payment_to_income`` is the yearly instalment at 9 % APR over income.
7. **The label.** ``default`` (about 19 %) is Bernoulli with a logit that depends on the
   features above (mostly additively, plus a few thresholds and interactions: utilisation
   over 80 %, a large instalment with no savings, very young or old age, new jobs, fresh
   delinquencies with many inquiries), on the unobserved ``stress`` and on unforeseeable life
   events (noise), so the best test AUC is about 0.8 as in real scorecards. It *never*
   depends directly on ``sex`` or ``ethnicity``. Their default rates still differ, because
   disadvantage runs through income, credit history and region: any accurate model therefore
   selects groups at different rates, and closing that gap costs accuracy. That is the
   trade-off the demo is built to show.

All feature columns are non-null DOUBLE or BIGINT; ``applicant_id`` and ``default`` are BIGINT.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

DEFAULT_ROWS = 60_000
DEFAULT_SEED = 20261127
DEFAULT_OUT = Path(__file__).resolve().parent / "credit_applications.parquet"

ID_COLUMN = "applicant_id"
LABEL_COLUMN = "default"
PROTECTED_COLUMNS = ("sex", "ethnicity")
SEX_LABELS = np.array(["female", "male"])
ETHNICITY_LABELS = np.array(["group_a", "group_b", "group_c", "group_d"])
ETHNICITY_SHARES = np.array([0.68, 0.17, 0.10, 0.05])

# Per ethnicity group (a, b, c, d): mean of region_index / 100, log-income gap, history gap.
REGION_MEAN = np.array([0.36, 0.52, 0.47, 0.58])
INCOME_GAP = np.array([0.0, -0.14, -0.06, -0.18])
HISTORY_GAP = np.array([0.0, -0.35, -0.80, -0.50])
AGE_GAP = np.array([0.0, -1.0, -3.0, -4.0])
FEMALE_INCOME_GAP = -0.20
FEMALE_HISTORY_GAP = -0.30
FEMALE_TENURE_FACTOR = 0.8  # career breaks
LOAN_TERMS = np.array([12, 24, 36, 48, 60, 72])
APR = 0.09
DEFAULT_INTERCEPT = -3.2  # sets the overall default rate (about 19 %)
LIFE_EVENT_SD = 1.8  # job loss, illness: unknowable at application; keeps AUC near real scorecards'

INTEGER_FEATURES = (
    "age", "credit_history_months", "num_open_accounts", "delinquencies_2y", "public_records",
    "inquiries_6m", "loan_term_months", "num_dependents", "months_since_last_delinquency",
    "home_owner",
)
FEATURE_COLUMNS = (
    "age", "income", "employment_years", "home_owner", "num_dependents", "years_at_address",
    "savings_balance", "region_index", "credit_history_months", "num_open_accounts",
    "revolving_utilization", "debt_to_income", "delinquencies_2y", "months_since_last_delinquency",
    "public_records", "inquiries_6m", "loan_amount", "loan_term_months", "payment_to_income",
)

Columns = dict[str, np.ndarray]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _demographics(rng: np.random.Generator, n: int) -> Columns:
    """Protected attributes, age, home area and the hidden earning potential."""
    female = rng.random(n) < 0.38
    group = rng.choice(len(ETHNICITY_SHARES), size=n, p=ETHNICITY_SHARES)
    age = np.clip(np.rint(rng.normal(42.0 + AGE_GAP[group], 12.0)), 21, 80)
    concentration = 6.0
    mean = REGION_MEAN[group]
    region = 100.0 * rng.beta(mean * concentration, (1.0 - mean) * concentration)
    return {
        "_female": female,
        "_group": group,
        "_skill": rng.standard_normal(n),
        "age": age,
        "region_index": np.round(region, 1),
    }


def _income_and_assets(rng: np.random.Generator, c: Columns) -> None:
    """Employment, log-normal income, home ownership, savings and dependents."""
    n = len(c["age"])
    adult_years = c["age"] - 18.0
    tenure = rng.gamma(2.0, 2.0 + 0.08 * adult_years) * np.exp(0.2 * c["_skill"])
    tenure *= np.where(c["_female"], FEMALE_TENURE_FACTOR, 1.0)
    c["employment_years"] = np.round(np.minimum(tenure, adult_years), 1)
    log_income = (
        10.70 + 0.30 * c["_skill"] + 0.030 * adult_years - 0.00045 * adult_years**2
        + 0.015 * np.minimum(c["employment_years"], 20.0) - 0.005 * (c["region_index"] - 40.0)
        + INCOME_GAP[c["_group"]] + FEMALE_INCOME_GAP * c["_female"] + rng.normal(0.0, 0.35, n)
    )
    c["income"] = np.round(np.clip(np.exp(log_income), 12_000.0, 1_500_000.0))
    c["_log_income"] = np.log(c["income"])
    owner_logit = -1.6 + 0.06 * adult_years + (c["_log_income"] - 10.9) - 0.02 * (c["region_index"] - 40.0)
    c["home_owner"] = (rng.random(n) < _sigmoid(owner_logit)).astype(np.int64)
    log_savings = c["_log_income"] - 1.8 + 0.7 * c["home_owner"] + 0.4 * c["_skill"] + rng.normal(0.0, 1.1, n)
    no_savings = rng.random(n) < _sigmoid(-2.0 - 0.8 * (c["_log_income"] - 10.8))
    c["savings_balance"] = np.where(no_savings, 0.0, np.round(np.clip(np.exp(log_savings), 0.0, 2e6), 2))
    mid_life = (c["age"] >= 28) & (c["age"] <= 55)
    c["num_dependents"] = np.minimum(rng.poisson(0.35 + 0.95 * mid_life), 7)
    c["years_at_address"] = np.round(np.minimum(rng.gamma(1.5, 1.0 + 0.12 * adult_years), adult_years), 1)


def _credit_file(rng: np.random.Generator, c: Columns) -> None:
    """History length, hidden financial stress and the bureau counts and ratios it drives."""
    n = len(c["age"])
    history_share = _sigmoid(
        0.9 + 0.35 * c["_skill"] + HISTORY_GAP[c["_group"]] + FEMALE_HISTORY_GAP * c["_female"]
        + rng.normal(0.0, 0.8, n)
    )
    c["credit_history_months"] = np.rint(12.0 * (c["age"] - 18.0) * history_share)
    stress = (
        rng.standard_normal(n) - 0.6 * (c["_log_income"] - 10.8) + 0.15 * c["num_dependents"]
        + 0.006 * (c["region_index"] - 40.0)
    )
    c["_stress"] = stress
    history_years = c["credit_history_months"] / 12.0
    c["num_open_accounts"] = rng.poisson(np.exp(0.8 + 0.35 * np.log1p(history_years) + 0.1 * stress))
    c["debt_to_income"] = np.round(np.clip(rng.beta(2.2, 6.0, n) * np.exp(0.3 * stress), 0.0, 0.95), 4)
    c["revolving_utilization"] = np.round(np.clip(rng.beta(1.6, 3.2, n) * np.exp(0.4 * stress), 0.0, 1.2), 4)
    exposure = np.minimum(1.0, c["credit_history_months"] / 24.0)
    c["delinquencies_2y"] = rng.poisson(exposure * np.exp(-2.0 + 0.8 * stress))
    c["public_records"] = rng.poisson(np.minimum(1.0, history_years / 5.0) * np.exp(-3.5 + 0.6 * stress))
    c["inquiries_6m"] = rng.poisson(np.exp(-0.3 + 0.35 * stress - 0.015 * (c["age"] - 21.0)))
    c["months_since_last_delinquency"] = _months_since_delinquency(rng, c)


def _months_since_delinquency(rng: np.random.Generator, c: Columns) -> np.ndarray:
    """Recent if there was one in two years, else maybe an older one, else 120 (none in ten years)."""
    n = len(c["age"])
    recent = rng.integers(0, 24, n)
    older = rng.integers(24, 120, n)
    had_older = (rng.random(n) < _sigmoid(-1.5 + 0.7 * c["_stress"])) & (c["credit_history_months"] > older)
    return np.where(c["delinquencies_2y"] > 0, recent, np.where(had_older, older, 120))


def _loan(rng: np.random.Generator, c: Columns) -> None:
    """Requested amount, term and the yearly instalment as a share of income."""
    n = len(c["age"])
    log_amount = c["_log_income"] - 1.4 + 0.15 * c["_stress"] + rng.normal(0.0, 0.45, n)
    amount = np.round(np.clip(np.exp(log_amount), 1_000.0, 150_000.0) / 50.0) * 50.0
    term_index = np.clip(np.rint(1.8 + 0.9 * (np.log(amount) - 9.3) + rng.normal(0.0, 0.9, n)), 0, 5)
    term = LOAN_TERMS[term_index.astype(np.int64)]
    monthly_rate = APR / 12.0
    instalment = amount * monthly_rate / (1.0 - (1.0 + monthly_rate) ** -term)
    c["loan_amount"] = amount
    c["loan_term_months"] = term
    c["payment_to_income"] = np.round(12.0 * instalment / c["income"], 4)


def _default(rng: np.random.Generator, c: Columns) -> np.ndarray:
    """Bernoulli default from features, hidden stress and life events; no protected-attribute term."""
    life_events = rng.normal(0.0, LIFE_EVENT_SD, len(c["age"]))
    logit = DEFAULT_INTERCEPT + _linear_risk(c) + _nonlinear_risk(c) + 0.45 * c["_stress"] + life_events
    return (rng.random(len(logit)) < _sigmoid(logit)).astype(np.int64)


def _linear_risk(c: Columns) -> np.ndarray:
    return (
        2.0 * c["debt_to_income"] + 1.3 * c["revolving_utilization"]
        + 0.45 * np.minimum(c["delinquencies_2y"], 4.0) + 0.5 * np.minimum(c["public_records"], 2.0)
        + 0.12 * np.minimum(c["inquiries_6m"], 8.0) + 0.3 * (c["months_since_last_delinquency"] < 60)
        - 0.30 * np.log1p(c["credit_history_months"] / 12.0) - 0.50 * (c["_log_income"] - 10.8)
        + 4.0 * c["payment_to_income"] - 0.03 * np.minimum(c["employment_years"], 15.0)
        - 0.10 * np.log1p(c["savings_balance"] / 1000.0) - 0.25 * c["home_owner"]
        + 0.008 * (c["region_index"] - 40.0)
    )


def _nonlinear_risk(c: Columns) -> np.ndarray:
    """Thresholds and interactions a linear score cannot express, so flexible models can do better."""
    over_limit = np.maximum(c["revolving_utilization"] - 0.8, 0.0)
    no_buffer = c["savings_balance"] < 2_000.0
    return (
        4.0 * over_limit + 6.0 * c["payment_to_income"] * no_buffer
        + 0.04 * np.maximum(30.0 - c["age"], 0.0) + 0.02 * np.maximum(c["age"] - 65.0, 0.0)
        + 0.5 * (c["employment_years"] < 1.0)
        + 0.7 * ((c["delinquencies_2y"] > 0) & (c["inquiries_6m"] >= 3))
    )


def generate(rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED) -> pa.Table:
    """The demo table: id, label, protected attributes, then the features in FEATURE_COLUMNS order."""
    rng = np.random.default_rng(seed)
    columns = _demographics(rng, rows)
    _income_and_assets(rng, columns)
    _credit_file(rng, columns)
    _loan(rng, columns)
    arrays: dict[str, pa.Array] = {
        ID_COLUMN: pa.array(np.arange(10_000_001, 10_000_001 + rows, dtype=np.int64)),
        LABEL_COLUMN: pa.array(_default(rng, columns)),
        "sex": pa.array(np.where(columns["_female"], SEX_LABELS[0], SEX_LABELS[1])),
        "ethnicity": pa.array(ETHNICITY_LABELS[columns["_group"]]),
    }
    for name in FEATURE_COLUMNS:
        dtype = np.int64 if name in INTEGER_FEATURES else np.float64
        arrays[name] = pa.array(columns[name].astype(dtype))
    return pa.table(arrays)


def write(table: pa.Table, out: Path) -> None:
    """Write ``table`` as zstd Parquet, replacing ``out`` only once the file is complete."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    pq.write_table(table, partial, compression="zstd", row_group_size=256 * 1024)
    partial.replace(out)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="number of applicants")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Parquet file to write")
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    start = time.perf_counter()
    table = generate(args.rows, args.seed)
    write(table, args.out)
    rate = float(np.mean(table[LABEL_COLUMN].to_numpy()))
    elapsed = time.perf_counter() - start
    print(f"wrote {args.out} ({table.num_rows:,} rows, default rate {rate:.3f}) in {elapsed:.2f} s")


if __name__ == "__main__":
    main()
