"""Generate the synthetic daily asset-returns demo and its model portfolios (seeded, deterministic).

Usage::

    python resources/demo/make_returns_demo.py [--seed S] [--out PATH] [--portfolios-out PATH]

The story: a multi-asset investor holds 26 assets — 17 equity baskets (US sectors, small caps,
Europe, Japan, emerging markets, global quality), a REIT basket, six bond funds (short, 10-year and long
government bonds, inflation-linked, investment-grade and high-yield corporates), gold and a
broad commodity basket — and has their daily simple returns over every business day from
2019-01-02 to 2025-12-31. No real security or price is in it.

Each day's returns come from 13 factors: a market factor, seven sector factors (tech,
financials, health, energy, consumer, industrials, defensive) and an international one, a
rates factor (the return of one unit of duration: minus the change in yield), a credit-spread
factor, commodities and gold. An asset's return is its loadings times the factors plus its
own noise: equities load about 1 on the market and 1 on their sector, bonds load their
duration on rates (corporates also on credit), utilities and the REIT carry some duration,
banks a little negative duration, energy loads on commodities. Innovations are Student-t with
5 degrees of freedom (a multivariate t for the factors, so bad days hit every factor at once).

A hidden Markov chain switches between a calm and a stress state (stress starts on about 1
day in 150 and lasts about 20 days). In stress the market factor's volatility is 2.3 times
higher, credit's 3 times, the sector factors' and the assets' own noise rise less — so
correlations rise — and government bonds rally when stocks fall (stock–bond correlation more
negative). Two scripted episodes override the chain:

- a 2020-like crash, 2020-02-20 .. 2020-03-23: stress state with a market drift that loses about
  a third, yields falling ~0.8 points, spreads widening and commodities falling; then a
  rebound, 2020-03-24 .. 2020-06-05, still in the stress state, that recovers about half the loss;
- a 2022-like rates shock, 2022-01-03 .. 2022-10-14: a third state where yields rise ~2.2 points
  and stocks fall ~20 % with the stock–rates correlation turned positive, so stocks and bonds
  fall together while commodities gain.

Finally each asset's returns are shifted by one constant so that its realised annualised
arithmetic mean (252 × daily mean) equals its designed long-run mean (2–12 %): the sample's
noise would otherwise give a 7-year mean of ±8 % around it, and a frontier demo needs equities
to pay more than bonds.

``asset_returns.parquet`` (zstd): a ``date`` column (DATE) and one DOUBLE column per asset, wide.
``model_portfolios.parquet`` (zstd): ``portfolio, asset, weight`` (long), four portfolios whose
weights sum to 1: ``sixty_forty``, ``equal_weight``, ``all_equity`` and ``risk_parity`` (weights
proportional to 1 / realised volatility).

No step uses BLAS or LAPACK (their sums depend on the thread count and the CPU kernel): the
Cholesky factors and the factor-to-asset products are summed in a fixed order, so the files
are the same bits on every machine.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray

DEFAULT_SEED = 20261127
HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "asset_returns.parquet"
DEFAULT_PORTFOLIOS_OUT = HERE / "model_portfolios.parquet"
START, END = "2019-01-02", "2025-12-31"
DAYS_PER_YEAR = 252
TAIL_DF = 5  # Student-t degrees of freedom of every innovation

FACTORS = (
    "market", "tech", "financials", "health", "energy", "consumer", "industrials", "defensive",
    "international", "rates", "credit", "commodities", "gold",
)  # fmt: skip
# Annualised calm-state volatility of each factor (rates and credit: per unit of duration).
FACTOR_VOL = (0.12, 0.08, 0.07, 0.06, 0.12, 0.06, 0.06, 0.05, 0.07, 0.008, 0.005, 0.16, 0.13)
CALM, STRESS, RATES_SHOCK = 0, 1, 2
# Per state: volatility multiplier of each factor, and of the assets' own noise.
STATE_VOL = (
    (1.0,) * len(FACTORS),
    (2.3, 1.5, 1.6, 1.3, 1.7, 1.4, 1.5, 1.3, 1.5, 1.4, 3.0, 1.8, 1.4),
    (1.6, 1.6, 1.3, 1.2, 1.5, 1.3, 1.3, 1.2, 1.3, 1.9, 1.8, 1.5, 1.2),
)
STATE_NOISE = (1.0, 1.35, 1.2)
# Per state: correlations between factors (the rest are 0). Rates is a bond *return* factor.
STATE_CORRELATION = (
    {("market", "rates"): -0.25, ("market", "credit"): 0.5, ("market", "commodities"): 0.3,
     ("rates", "gold"): 0.3, ("commodities", "gold"): 0.3, ("market", "international"): 0.2},
    {("market", "rates"): -0.45, ("market", "credit"): 0.65, ("market", "commodities"): 0.4,
     ("rates", "gold"): 0.35, ("commodities", "gold"): 0.3, ("market", "international"): 0.35,
     ("rates", "credit"): -0.3},
    {("market", "rates"): 0.55, ("market", "credit"): 0.6, ("market", "commodities"): 0.1,
     ("rates", "gold"): 0.3, ("commodities", "gold"): 0.2, ("market", "international"): 0.3,
     ("rates", "credit"): 0.3},
)  # fmt: skip
ENTER_STRESS, LEAVE_STRESS = 1 / 150, 1 / 20  # daily transition probabilities of the chain


@dataclass(frozen=True)
class Episode:
    """A scripted stretch of days: the state it forces and each factor's cumulative move over it."""

    name: str
    start: str
    end: str
    state: int
    moves: dict[str, float]  # drift added to the factor over the episode (≈ its log-return there)


EPISODES = (
    Episode("2020 crash", "2020-02-20", "2020-03-23", STRESS,
            {"market": -0.42, "rates": 0.008, "credit": -0.025, "commodities": -0.35, "gold": -0.03}),
    Episode("2020 rebound", "2020-03-24", "2020-06-05", STRESS,
            {"market": 0.4, "credit": 0.018, "commodities": 0.15, "gold": 0.1}),
    Episode("2022 rates shock", "2022-01-03", "2022-10-14", RATES_SHOCK,
            {"market": -0.3, "rates": -0.022, "credit": -0.012, "commodities": 0.2, "gold": -0.03}),
)  # fmt: skip


@dataclass(frozen=True)
class Asset:
    """One column: its class, designed annual mean, own annual noise and factor loadings."""

    name: str
    kind: str
    mean: float
    noise: float
    loadings: dict[str, float]


def _equity(name: str, mean: float, noise: float, beta: float, **loadings: float) -> Asset:
    """An equity basket: market beta ``beta`` plus other loadings."""
    return Asset(name, "equity", mean, noise, {"market": beta, **loadings})


def _bond(name: str, mean: float, noise: float, duration: float, **loadings: float) -> Asset:
    """A bond fund: ``duration`` on the rates factor plus other loadings."""
    return Asset(name, "bond", mean, noise, {"rates": duration, **loadings})


ASSETS = (
    _equity("us_software", 0.115, 0.14, 1.15, tech=1.0, rates=2.0),
    _equity("us_semiconductors", 0.12, 0.20, 1.35, tech=1.3, rates=2.0),
    _equity("us_hardware", 0.105, 0.13, 1.1, tech=0.9, rates=1.5),
    _equity("us_banks", 0.09, 0.13, 1.15, financials=1.3, rates=-2.0),
    _equity("us_insurance", 0.08, 0.10, 0.9, financials=1.0),
    _equity("us_pharma", 0.075, 0.10, 0.7, health=1.0, rates=1.0),
    _equity("us_medtech", 0.085, 0.11, 0.9, health=1.0, rates=1.5),
    _equity("us_energy", 0.07, 0.16, 1.0, energy=1.3, commodities=0.45),
    _equity("us_consumer_staples", 0.065, 0.08, 0.6, consumer=0.6, defensive=1.0, rates=1.5),
    _equity("us_consumer_discretionary", 0.10, 0.12, 1.15, consumer=1.2),
    _equity("us_industrials", 0.09, 0.10, 1.05, industrials=1.2, commodities=0.1),
    _equity("us_utilities", 0.06, 0.08, 0.6, defensive=1.1, rates=3.5),
    _equity("us_small_caps", 0.095, 0.12, 1.2, industrials=0.5, financials=0.5),
    _equity("europe_equity", 0.075, 0.09, 0.9, international=1.0),
    _equity("japan_equity", 0.07, 0.11, 0.7, international=0.9),
    _equity("emerging_equity", 0.08, 0.12, 0.9, international=1.3, commodities=0.2),
    _equity("global_quality", 0.085, 0.05, 0.85, defensive=0.6, international=0.4, rates=1.0),
    Asset("us_reit", "real_estate", 0.07, 0.13, {"market": 0.8, "defensive": 0.5, "rates": 5.0}),
    _bond("govt_bond_1_3y", 0.02, 0.010, 1.9),
    _bond("govt_bond_10y", 0.025, 0.012, 8.5),
    _bond("govt_bond_20y_plus", 0.03, 0.025, 17.0),
    _bond("inflation_linked_bond", 0.03, 0.020, 6.5, commodities=0.04),
    _bond("corp_bond_investment_grade", 0.035, 0.015, 7.0, credit=7.0, market=0.02),
    _bond("corp_bond_high_yield", 0.055, 0.025, 3.5, credit=4.0, market=0.2),
    Asset("gold", "commodity", 0.06, 0.04, {"gold": 1.0, "rates": 1.0}),
    Asset("commodities_broad", "commodity", 0.04, 0.07, {"commodities": 1.0, "market": 0.15}),
)
ASSET_NAMES = tuple(asset.name for asset in ASSETS)
EQUITIES = tuple(asset.name for asset in ASSETS if asset.kind == "equity")
SIXTY_FORTY = {
    "us_software": 0.07, "us_semiconductors": 0.04, "us_hardware": 0.05, "us_banks": 0.04,
    "us_insurance": 0.02, "us_pharma": 0.04, "us_medtech": 0.03, "us_energy": 0.02,
    "us_consumer_staples": 0.03, "us_consumer_discretionary": 0.05, "us_industrials": 0.04,
    "us_utilities": 0.02, "us_small_caps": 0.03, "europe_equity": 0.06, "japan_equity": 0.03,
    "emerging_equity": 0.03, "govt_bond_1_3y": 0.04, "govt_bond_10y": 0.18,
    "inflation_linked_bond": 0.04, "corp_bond_investment_grade": 0.12, "corp_bond_high_yield": 0.02,
}  # fmt: skip


def _correlation(state: int) -> NDArray[np.float64]:
    """The factor correlation matrix of ``state``."""
    index = {name: i for i, name in enumerate(FACTORS)}
    matrix = np.eye(len(FACTORS))
    for (a, b), value in STATE_CORRELATION[state].items():
        matrix[index[a], index[b]] = matrix[index[b], index[a]] = value
    return matrix


def cholesky(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    """Lower Cholesky factor, computed in Python floats in a fixed order (no LAPACK: same bits anywhere)."""
    size = len(matrix)
    lower = np.zeros((size, size))
    for i in range(size):
        for j in range(i + 1):
            total = float(matrix[i, j])
            for k in range(j):
                total -= float(lower[i, k]) * float(lower[j, k])
            lower[i, j] = math.sqrt(total) if i == j else total / float(lower[j, j])
    return lower


def fixed_order_matmul(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """``a @ b`` summed over the inner axis one term at a time, in index order.

    BLAS splits and orders that sum by its thread count and CPU kernel (and may fuse the
    multiply-adds), so ``@`` can differ in the last bit between machines; elementwise multiplies
    and adds are exactly rounded, so this gives the same bits on any machine.
    """
    out = np.zeros((a.shape[0], b.shape[1]))
    for k in range(a.shape[1]):
        out += a[:, k, None] * b[None, k, :]
    return out


def business_days() -> pd.DatetimeIndex:
    """Every Monday–Friday from ``START`` to ``END`` (no holiday calendar)."""
    return pd.bdate_range(START, END)


def states(days: pd.DatetimeIndex, rng: np.random.Generator) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Each day's state (Markov chain, episodes forced) and each day's factor drift (the episodes')."""
    chain = np.zeros(len(days), dtype=np.int64)
    draws = rng.random(len(days))
    for day in range(1, len(days)):
        leave = LEAVE_STRESS if chain[day - 1] else ENTER_STRESS
        chain[day] = 1 - chain[day - 1] if draws[day] < leave else chain[day - 1]
    drift = np.zeros((len(days), len(FACTORS)))
    for episode in EPISODES:
        inside = (days >= episode.start) & (days <= episode.end)
        chain[inside] = episode.state
        for factor, move in episode.moves.items():
            drift[inside, FACTORS.index(factor)] = move / inside.sum()
    return chain, drift


def _t_scale(rng: np.random.Generator, shape: tuple[int, ...]) -> NDArray[np.float64]:
    """Scales that make standard normal draws unit-variance Student-t ones (a shared scale: a joint t)."""
    return np.sqrt((TAIL_DF - 2) / rng.chisquare(TAIL_DF, size=shape))


def factor_returns(
    chain: NDArray[np.int64], drift: NDArray[np.float64], rng: np.random.Generator
) -> NDArray[np.float64]:
    """Daily factor returns: episode drift plus multivariate-t shocks (the state's vols and correlations)."""
    days = len(chain)
    shocks = rng.standard_normal((days, len(FACTORS)))
    out = np.empty_like(shocks)
    daily_vol = np.asarray(FACTOR_VOL) / np.sqrt(DAYS_PER_YEAR)
    for state in (CALM, STRESS, RATES_SHOCK):
        rows = chain == state
        lower = cholesky(_correlation(state))
        out[rows] = fixed_order_matmul(shocks[rows], lower.T) * (daily_vol * np.asarray(STATE_VOL[state]))
    return drift + out * _t_scale(rng, (days, 1))


def asset_returns(
    factors: NDArray[np.float64], chain: NDArray[np.int64], rng: np.random.Generator
) -> NDArray[np.float64]:
    """Daily simple returns: loadings × factors plus own t noise, recentred on the designed means."""
    loadings = np.array([[asset.loadings.get(factor, 0.0) for factor in FACTORS] for asset in ASSETS])
    noise_vol = np.array([asset.noise for asset in ASSETS]) / np.sqrt(DAYS_PER_YEAR)
    noise = rng.standard_normal((len(chain), len(ASSETS))) * _t_scale(rng, (len(chain), len(ASSETS)))
    systematic = fixed_order_matmul(factors, loadings.T)
    returns = systematic + noise * noise_vol * np.asarray(STATE_NOISE)[chain][:, None]
    designed = np.array([asset.mean for asset in ASSETS])
    return returns + (designed - DAYS_PER_YEAR * returns.mean(axis=0)) / DAYS_PER_YEAR


def generate(seed: int = DEFAULT_SEED) -> tuple[pa.Table, pa.Table, NDArray[np.int64]]:
    """The wide returns table, the long model-portfolio table and each day's state."""
    rng = np.random.default_rng(seed)
    days = business_days()
    chain, drift = states(days, rng)
    returns = asset_returns(factor_returns(chain, drift, rng), chain, rng)
    columns = {"date": pa.array(days.date, type=pa.date32())}
    columns |= {name: pa.array(returns[:, i]) for i, name in enumerate(ASSET_NAMES)}
    return pa.table(columns), portfolios(returns), chain


def portfolios(returns: NDArray[np.float64]) -> pa.Table:
    """Four model portfolios in long form; each one's weights sum to 1 (to rounding error)."""
    inverse_vol = 1.0 / returns.std(axis=0)
    weights = {
        "sixty_forty": SIXTY_FORTY,
        "equal_weight": dict.fromkeys(ASSET_NAMES, 1.0 / len(ASSET_NAMES)),
        "all_equity": {name: weight / 0.6 for name, weight in SIXTY_FORTY.items() if name in EQUITIES},
        "risk_parity": dict(zip(ASSET_NAMES, inverse_vol / inverse_vol.sum(), strict=True)),
    }
    rows = [
        (portfolio, asset, float(weight))
        for portfolio, mix in weights.items()
        for asset, weight in mix.items()
    ]
    portfolio_names, assets, values = zip(*rows, strict=True)
    return pa.table({"portfolio": list(portfolio_names), "asset": list(assets), "weight": list(values)})


def describe(table: pa.Table, chain: NDArray[np.int64]) -> str:
    """Realised statistics for the README: mean and vol ranges, correlations by state, episode moves."""
    returns = np.column_stack([table[name].to_numpy() for name in ASSET_NAMES])
    mean, vol = returns.mean(axis=0) * DAYS_PER_YEAR, returns.std(axis=0, ddof=1) * np.sqrt(DAYS_PER_YEAR)
    column = ASSET_NAMES.index
    equity = [column(name) for name in EQUITIES]
    bonds = [i for i, asset in enumerate(ASSETS) if asset.kind == "bond"]
    lines = [
        f"{returns.shape[0]} days x {returns.shape[1]} assets; annualised mean {mean.min():.1%} .. "
        f"{mean.max():.1%}, vol {vol.min():.1%} .. {vol.max():.1%}",
        f"days per state: calm {np.sum(chain == CALM)}, stress {np.sum(chain == STRESS)}, "
        f"rates shock {np.sum(chain == RATES_SHOCK)}",
    ]
    subsets = {"all days": chain >= 0, "calm": chain == CALM, "stress": chain == STRESS}
    for label, rows in (subsets | {"rates shock": chain == RATES_SHOCK}).items():
        corr = np.corrcoef(returns[rows], rowvar=False)
        within = corr[np.ix_(equity, equity)][np.triu_indices(len(equity), 1)]
        lines.append(
            f"{label}: equity-equity corr mean {within.mean():.2f} (range {within.min():.2f} .. "
            f"{within.max():.2f}), equity-govt10y corr {corr[equity, column('govt_bond_10y')].mean():.2f}, "
            f"equity-bond corr {corr[np.ix_(equity, bonds)].mean():.2f}"
        )
    days = pd.DatetimeIndex(table["date"].to_pandas())
    for episode in EPISODES:
        inside = (days >= episode.start) & (days <= episode.end)
        growth = np.prod(1.0 + returns[inside], axis=0) - 1.0
        lines.append(
            f"{episode.name} ({episode.start} .. {episode.end}): equities {np.mean(growth[equity]):+.1%} "
            f"(mean of baskets), govt 10y {growth[column('govt_bond_10y')]:+.1%}, "
            f"20y+ {growth[column('govt_bond_20y_plus')]:+.1%}, gold {growth[column('gold')]:+.1%}"
        )
    return "\n".join(lines)


def write(table: pa.Table, out: Path) -> None:
    """Write ``table`` as zstd Parquet, replacing ``out`` only once the file is complete."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    pq.write_table(table, partial, compression="zstd")
    partial.replace(out)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="returns Parquet file to write")
    parser.add_argument("--portfolios-out", type=Path, default=DEFAULT_PORTFOLIOS_OUT, help="portfolios file")
    args = parser.parse_args(argv)
    returns, model_portfolios, chain = generate(args.seed)
    write(returns, args.out)
    write(model_portfolios, args.portfolios_out)
    print(f"wrote {args.out} and {args.portfolios_out}\n{describe(returns, chain)}")


if __name__ == "__main__":
    main()
