"""Expected returns and covariance from a matrix of periodic returns, annualised.

The expected return is the arithmetic mean per period times the periods per year, and the
covariance the per-period covariance times the periods per year (so a volatility is the
per-period standard deviation times √periods). ``sample`` is the unbiased sample covariance;
``ledoit-wolf`` shrinks the (biased) sample covariance towards a scaled identity with the
Ledoit–Wolf (2004) optimal intensity, the estimator scikit-learn's ``ledoit_wolf`` computes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..candidates import AnalysisError

Covariance = Literal["sample", "ledoit-wolf"]
COVARIANCES: tuple[Covariance, ...] = ("sample", "ledoit-wolf")


@dataclass(frozen=True)
class Estimates:
    """Annualised expected returns and covariance, with the shrinkage used (0 for the sample)."""

    mean: np.ndarray
    cov: np.ndarray
    shrinkage: float


def estimate(returns: np.ndarray, periods_per_year: int, covariance: Covariance) -> Estimates:
    """Annualised mean and covariance of ``returns`` (periods × assets)."""
    periods, assets = returns.shape
    if covariance == "sample":
        if periods <= assets:
            raise AnalysisError(
                f"{periods} periods for {assets} assets: the sample covariance is singular. Use the "
                "Ledoit–Wolf covariance (--covariance ledoit-wolf) or a longer date range."
            )
        cov, shrinkage = np.atleast_2d(np.cov(returns, rowvar=False)), 0.0
    elif covariance == "ledoit-wolf":
        cov, shrinkage = ledoit_wolf(returns)
    else:
        raise AnalysisError(f"Unknown covariance {covariance!r}; use one of {', '.join(COVARIANCES)}.")
    return Estimates(returns.mean(axis=0) * periods_per_year, cov * periods_per_year, shrinkage)


def ledoit_wolf(returns: np.ndarray) -> tuple[np.ndarray, float]:
    """The Ledoit–Wolf shrunk covariance (towards ``trace/n · I``) and its shrinkage intensity."""
    periods, assets = returns.shape
    centred = returns - returns.mean(axis=0)
    sample = centred.T @ centred / periods
    target = np.trace(sample) / assets
    # distance of the sample from the target, and the sampling variance of the sample's entries
    squares = centred * centred
    delta = (np.sum(sample * sample) - 2.0 * target * np.trace(sample) + assets * target * target) / assets
    spread = (np.sum(squares.sum(axis=1) ** 2) / periods - np.sum(sample * sample)) / (assets * periods)
    shrinkage = 0.0 if delta <= 0.0 else min(spread, delta) / delta
    shrunk = (1.0 - shrinkage) * sample
    shrunk[np.diag_indices(assets)] += shrinkage * target
    return shrunk, float(shrinkage)
