"""Plausibility checks on asset values and history length, before any optimisation (issue #16).

An optimiser is exact on whatever it is given: prices read as returns give volatilities of
thousands of percent, a volume column becomes an asset, nine days of history for twenty assets
give a covariance that is noise. These checks refuse what cannot be a price or return series and
say which column and what to do; what is merely thin (history under ten periods per asset) is a
warning stored with the analysis and printed with it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..candidates import AnalysisError

MIN_PERIODS_PER_ASSET = 2  # refuse below: the covariance is (nearly) singular
WARN_PERIODS_PER_ASSET = 10  # warn below: the estimates are mostly noise
_FEW_DISTINCT = 5  # a column with at most this many distinct values over ...
_FEW_DISTINCT_PERIODS = 50  # ... at least this many periods is a flag or category
_COUNT_SIZE = 1e6  # integers whose median is at least this look like volumes or share counts
_PRICE_LIKE = 1.0  # a median absolute return above 100% per period: the values are prices
_RETURN_LIKE_MOVE = 0.5  # prices that move by a median 50% per period are not prices


@dataclass(frozen=True)
class Gaps:
    """Why ``--drop-missing`` removed dates: the asset with the most missing dates and its history."""

    asset: str
    missing: int  # dates the asset has no value on
    first: str  # its first and last dates with a value ("none" when it has none)
    last: str
    dropped: int  # dates removed in all
    total: int  # dates before dropping

    def describe(self) -> str:
        """One sentence naming the asset and how many dates went."""
        return (
            f"--drop-missing removed {self.dropped:,} of {self.total:,} dates; asset '{self.asset}' drove it "
            f"(no value on {self.missing:,} dates; it has values from {self.first} to {self.last})"
        )


def check_values(values: np.ndarray, assets: list[str], table: str, kind: str) -> list[str]:
    """Refuse columns that are not ``kind`` (prices, returns, log-returns) series, naming the column;
    the warnings for columns that are merely odd (few distinct values that are not whole numbers)."""
    if len(values) < 2:
        return []  # too short to judge; the length check refuses it
    warnings = []
    for i, asset in enumerate(assets):
        column = values[:, i]
        where = f"Column '{asset}' of table '{table}'"
        warnings += _not_a_series(column, where)
        if kind == "prices":
            _prices_not_returns(column, where)
        else:
            _returns_not_prices(column, where, kind)
    return warnings


def _not_a_series(column: np.ndarray, where: str) -> list[str]:
    leave_out = "Leave it out with --assets A,B,... (the asset columns to analyse)."
    if np.ptp(column) == 0.0:
        raise AnalysisError(
            f"{where} is constant (every value is {column[0]:g}): it has no risk to estimate and makes the "
            "covariance singular (for a riskless asset give its rate as --risk-free), or it is not a price "
            f"or return series. {leave_out}"
        )
    whole = bool(np.all(column == np.round(column)))
    median = float(np.median(np.abs(column)))
    if median >= _COUNT_SIZE and whole:
        raise AnalysisError(
            f"{where} holds whole numbers in the millions (median {median:,.0f}): it looks like a volume or "
            f"share count, not a price or return series. {leave_out}"
        )
    distinct = np.unique(column)
    if len(distinct) > _FEW_DISTINCT or len(column) < _FEW_DISTINCT_PERIODS:
        return []
    shown = ", ".join(f"{value:g}" for value in distinct)
    few = f"{where} has only {len(distinct)} distinct values ({shown}) over {len(column):,} dates"
    if whole:
        raise AnalysisError(
            f"{few}: it looks like a flag or a category, not a price or return series. {leave_out}"
        )
    return [f"{few}: check that it is a price or return series (a stale price or a fixed rate?)."]


def _returns_not_prices(column: np.ndarray, where: str, kind: str) -> None:
    median = float(np.median(np.abs(column)))
    if median > _PRICE_LIKE:
        raise AnalysisError(
            f"{where} was read as {kind} but its typical value is {median:g} (a median {median:.0%} per "
            "period): it looks like prices. Use --prices; if the values are percentages, divide them by 100."
        )


def _prices_not_returns(column: np.ndarray, where: str) -> None:
    if len(column) < 2 or not bool(np.all(column > 0)):
        return  # non-positive prices are refused where returns are computed
    move = float(np.median(np.abs(column[1:] / column[:-1] - 1.0)))
    if move > _RETURN_LIKE_MOVE:
        raise AnalysisError(
            f"{where} was read as prices but changes by a median {move:.0%} from one date to the next: it "
            "does not look like a price series. If it holds returns, use --returns (or --log-returns)."
        )


def check_history(periods: int, assets: int, gaps: Gaps | None, window: str) -> list[str]:
    """Refuse a fit window under 2 periods per asset; a warning under 10 (naming a short asset's gaps)."""
    cause = f" {gaps.describe()}." if gaps is not None and gaps.dropped else ""
    need = MIN_PERIODS_PER_ASSET * assets
    if periods < need:
        what = (
            f"leave asset '{gaps.asset}' out with --assets or start the window later"
            if cause and gaps is not None
            else "use a longer date range or fewer assets"
        )
        raise AnalysisError(
            f"The {window} has {periods:,} periods for {assets} assets; at least {need:,} (2 per asset) are "
            f"needed for a covariance that is not singular.{cause} To go on, {what}."
        )
    if periods < WARN_PERIODS_PER_ASSET * assets:
        return [
            f"The {window} has {periods:,} periods for {assets} assets (fewer than 10 per asset): the "
            f"expected returns and covariance are mostly noise; use a longer history.{cause}"
        ]
    return []


def long_gaps(dates: np.ndarray, table: str) -> list[str]:
    """A warning when some dates are far apart for the table's frequency (each gap counts as one period).

    A gap is long when it exceeds three times the median gap and the median by more than a week, so
    weekends and holidays in daily data are not flagged but a missing fortnight is.
    """
    if len(dates) < 3:
        return []
    gaps = np.diff(dates).astype("timedelta64[D]").astype(np.int64)
    usual = float(np.median(gaps))
    long = np.flatnonzero((gaps > 3.0 * usual) & (gaps > usual + 7.0))
    if not long.size:
        return []
    worst = int(long[np.argmax(gaps[long])])
    return [
        f"Table '{table}' has {long.size:,} gap(s) between consecutive dates much longer than the usual "
        f"{usual:g} day(s) (the longest: {dates[worst]} to {dates[worst + 1]}, {int(gaps[worst])} days). "
        "Prices across a gap give one return for the whole gap, counted as one period; a returns table "
        "simply has no return there. Fill the dates or check the source."
    ]
