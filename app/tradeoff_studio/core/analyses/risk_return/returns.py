"""Reading asset prices or returns from a project table into one matrix of simple returns.

Tables are *wide* (a date column and one column per asset) or *long* (date, asset, value rows).
Prices become simple returns ``p_t / p_{t−1} − 1``; log returns become simple returns with
``exp(r) − 1``, because a portfolio's simple return is the weighted sum of its assets' simple
returns (log returns do not add across assets). The sampling frequency, and so the number of
periods per year used to annualise, is read from the median gap between dates.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

import duckdb
import numpy as np

from ...jobs import CancelToken
from ...project import Project
from ...sql import ident
from .. import inputs
from ..candidates import AnalysisError
from ..inputs import NUMERIC_TYPES, require_column, table_columns
from .checks import Gaps, check_values, long_gaps

if TYPE_CHECKING:
    import pandas as pd

Values = Literal["prices", "returns", "log-returns"]
_DATES = ("DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S")
# (largest median gap in days, periods per year, name)
_WIDE_HINT = (
    "a number: list the asset columns with --assets, or read a long table with --long DATE,ASSET,VALUE"
)
_FREQUENCIES = (
    (4.0, 252, "daily (252 trading days a year)"),
    (10.0, 52, "weekly (52 a year)"),
    (45.0, 12, "monthly (12 a year)"),
    (135.0, 4, "quarterly (4 a year)"),
    (float("inf"), 1, "yearly"),
)


@dataclass(frozen=True)
class ReturnsSource:
    """Where the returns come from: the table, its layout and what its values are."""

    table: str
    values: Values = "returns"
    long: tuple[str, str, str] | None = None  # (date, asset, value) columns of a long table
    date: str | None = None  # the date column of a wide table (default: the only date column)
    assets: tuple[str, ...] | None = None  # asset columns of a wide table (default: all numeric)
    drop_missing: bool = False
    start: str | None = None  # --from: the first date analysed (YYYY-MM-DD); None: the table's first
    end: str | None = None  # --to: the last date analysed; None: the table's last


@dataclass(frozen=True)
class Returns:
    """Simple returns: ``values[t, i]`` is asset ``i``'s return over the period ending ``dates[t]``."""

    dates: np.ndarray  # datetime64[D], increasing
    assets: list[str]
    values: np.ndarray  # (T, n) float64
    periods_per_year: int
    frequency: str
    dropped_dates: int = 0
    gaps: Gaps | None = None  # what --drop-missing removed, and the asset that drove it
    warnings: tuple[str, ...] = ()  # columns that are odd but not refused

    def between(self, start: int, stop: int) -> Returns:
        """The periods ``start`` to ``stop - 1``."""
        return replace(self, dates=self.dates[start:stop], values=self.values[start:stop])


def read_returns(
    project: Project, source: ReturnsSource, cancel: CancelToken, periods_per_year: int | None = None
) -> Returns:
    """The table's simple returns, checked: one row per date, no gaps unless ``drop_missing``."""
    wide = _window(_read_wide(project, source, cancel), source)
    wide, gaps = _complete(wide, source)
    assets = [str(c) for c in wide.columns]
    raw = wide.to_numpy(dtype=np.float64)
    raw_dates = wide.index.to_numpy().astype("datetime64[D]")
    _check_finite(raw, raw_dates, assets, source.table)
    values, dates = _simple_returns(raw, raw_dates, assets, source)
    warnings = check_values(raw, assets, source.table, source.values) + long_gaps(raw_dates, source.table)
    if len(dates) < 3:
        cause = f" ({gaps.describe()})" if gaps is not None else ""
        raise AnalysisError(
            f"Table '{source.table}' gives {len(dates)} periods of returns{cause}; at least 3 are needed."
        )
    ppy, frequency = _frequency(dates, periods_per_year)
    dropped = gaps.dropped if gaps is not None else 0
    return Returns(dates, assets, values, ppy, frequency, dropped, gaps, tuple(warnings))


def _window(wide: pd.DataFrame, source: ReturnsSource) -> pd.DataFrame:
    """The rows from ``--from`` to ``--to`` (for prices, also the last price before ``--from``)."""
    if source.start is None and source.end is None:
        return wide
    days = wide.index.to_numpy().astype("datetime64[D]")
    start, end = _day(source.start, "--from"), _day(source.end, "--to")
    if start is not None and end is not None and start > end:
        raise AnalysisError(f"--from {start} is after --to {end}: give the earlier date to --from.")
    keep = np.ones(len(days), dtype=bool)
    if start is not None:
        keep &= days >= start
        before = np.flatnonzero(days < start)
        if source.values == "prices" and before.size:  # the first return in the window needs it
            keep[before[-1]] = True
    if end is not None:
        keep &= days <= end
    if keep.sum() < 2:
        span = f"{days[0]} to {days[-1]}" if len(days) else "no dates"
        raise AnalysisError(
            f"Table '{source.table}' has {int(keep.sum())} date(s) between --from {start or 'its start'} and "
            f"--to {end or 'its end'} (its dates run from {span}). Widen the window."
        )
    return wide[keep]


def _day(text: str | None, flag: str) -> np.datetime64 | None:
    if text is None:
        return None
    try:
        return np.datetime64(str(text).strip(), "D")
    except ValueError:
        raise AnalysisError(f"{flag} expects a date such as 2019-12-31, got {text!r}.") from None


def _simple_returns(
    raw: np.ndarray, dates: np.ndarray, assets: list[str], source: ReturnsSource
) -> tuple[np.ndarray, np.ndarray]:
    """Simple returns from prices, log returns or (checked) simple returns, with their dates."""
    if source.values == "prices":
        return _prices_to_returns(raw, dates, assets, source.table)
    if source.values == "log-returns":
        return np.expm1(raw), dates
    _check_simple_returns(raw, dates, assets, source.table)
    return raw, dates


def _read_wide(project: Project, source: ReturnsSource, cancel: CancelToken) -> pd.DataFrame:
    """A date-indexed frame with one column per asset (long tables are pivoted)."""
    columns = table_columns(project, source.table)
    if source.long is not None:
        return _read_long(project, source.table, source.long, columns, cancel)
    date = source.date or _date_column(columns, source.table)
    require_column(source.table, date, columns)
    require_kind(
        columns, date, source.table, (*_DATES, "VARCHAR"), "a DATE or TIMESTAMP (or text like 2024-01-31)"
    )
    assets = list(source.assets) if source.assets else [c for c in columns if c != date]
    for asset in assets:
        require_column(source.table, asset, columns)
        require_kind(columns, asset, source.table, NUMERIC_TYPES, _WIDE_HINT)
    if not assets:
        raise AnalysisError(f"Table '{source.table}' has no asset columns besides its date column '{date}'.")
    select = ", ".join(f"CAST({ident(a)} AS DOUBLE) AS {ident(a)}" for a in assets)
    frame = read_frame(
        project, cancel, f"SELECT {_as_date(date)} AS date, {select} FROM {ident(source.table)}"
    )
    _no_null_keys(frame, source.table, (date,))
    repeated = frame["date"][frame["date"].duplicated()]
    if not repeated.empty:
        raise AnalysisError(
            f"Table '{source.table}' has more than one row for date {repeated.iloc[0]:%Y-%m-%d}. "
            "Keep one row per date (or use --long DATE,ASSET,VALUE for a long table)."
        )
    return frame.set_index("date").sort_index()


def _read_long(
    project: Project, table: str, roles: tuple[str, str, str], columns: dict[str, str], cancel: CancelToken
) -> pd.DataFrame:
    """A long table (``roles``: its date, asset and value columns) pivoted to one column per asset."""
    date, asset, value = roles
    for column in roles:
        require_column(table, column, columns)
    require_kind(columns, value, table, NUMERIC_TYPES, "a number")
    frame = read_frame(
        project,
        cancel,
        f"SELECT {_as_date(date)} AS date, CAST({ident(asset)} AS VARCHAR) AS asset, "
        f"CAST({ident(value)} AS DOUBLE) AS value FROM {ident(table)}",
    )
    _no_null_keys(frame, table, (date, asset))
    repeated = frame[frame.duplicated(["date", "asset"])]
    if not repeated.empty:
        first = repeated.iloc[0]
        raise AnalysisError(
            f"Table '{table}' has more than one row for asset {first['asset']!r} on "
            f"{first['date']:%Y-%m-%d}. Keep one value per date and asset."
        )
    _distinct_names(frame["asset"].unique(), table, asset)
    return frame.pivot(index="date", columns="asset", values="value").sort_index()


def require_kind(columns: dict[str, str], column: str, table: str, kinds: Collection[str], what: str) -> None:
    """Raise when ``column``'s type is neither one of ``kinds`` nor a DECIMAL; ``what`` it must be."""
    kind = columns[column]
    if kind not in kinds and not kind.startswith("DECIMAL"):
        raise AnalysisError(f"Column '{column}' of table '{table}' is {kind}; it must be {what}.")


def _date_column(columns: dict[str, str], table: str) -> str:
    dated = [name for name, kind in columns.items() if kind in _DATES]
    if len(dated) != 1:
        found = f"{len(dated)} date columns ({', '.join(dated)})" if dated else "no DATE or TIMESTAMP column"
        raise AnalysisError(f"Table '{table}' has {found}; name the date column with --date COL.")
    return dated[0]


def _as_date(column: str) -> str:
    return f"CAST({ident(column)} AS DATE)"


def read_frame(project: Project, cancel: CancelToken, sql: str) -> pd.DataFrame:
    """:func:`inputs.read_frame`, with a date or value DuckDB cannot cast as an :class:`AnalysisError`."""
    try:
        return inputs.read_frame(project, cancel, sql)
    except duckdb.ConversionException as error:
        raise AnalysisError(f"A date or value cannot be read: {error}") from None


def _no_null_keys(frame: pd.DataFrame, table: str, names: tuple[str, ...]) -> None:
    for column, name in zip(frame.columns, names, strict=False):
        missing = frame[column].isna().to_numpy()
        if missing.any():
            row = int(np.flatnonzero(missing)[0]) + 1
            raise AnalysisError(f"Row {row} of table '{table}' has no value in column '{name}'.")


def _distinct_names(names: np.ndarray, table: str, column: str) -> None:
    """Asset names become ``weight_<asset>`` columns, which DuckDB compares without regard to case."""
    seen: dict[str, str] = {}
    for name in map(str, names):
        other = seen.setdefault(name.casefold(), name)
        if other != name:
            raise AnalysisError(
                f"Column '{column}' of table '{table}' names the assets {other!r} and {name!r}, which differ "
                "only in case. Give every asset a name of its own."
            )


def _complete(wide: pd.DataFrame, source: ReturnsSource) -> tuple[pd.DataFrame, Gaps | None]:
    """The frame without missing values: an error naming the first gap, or its dates dropped."""
    gaps = wide.isna()
    if not bool(gaps.to_numpy().any()):
        return wide, None
    counts = gaps.sum()
    if source.drop_missing:
        kept = wide.dropna()
        return kept, _gaps(wide, counts, len(wide) - len(kept))
    asset = str(counts[counts > 0].index[0])
    first = wide.index[gaps[asset].to_numpy()][0]
    raise AnalysisError(
        f"Asset '{asset}' in table '{source.table}' has {int(counts[asset])} missing value(s), the first on "
        f"{first:%Y-%m-%d} ({int((counts > 0).sum())} asset(s) have gaps). Fill them, or use "
        "--drop-missing to keep only the dates where every asset has a value."
    )


def _gaps(wide: pd.DataFrame, counts: pd.Series, dropped: int) -> Gaps:
    """The asset with the most missing dates, and the span of dates it has values on."""
    asset = str(counts.idxmax())
    present = wide.index[wide[counts.idxmax()].notna().to_numpy()]
    first, last = (f"{present[0]:%Y-%m-%d}", f"{present[-1]:%Y-%m-%d}") if len(present) else ("none", "none")
    return Gaps(asset, int(counts.max()), first, last, dropped, len(wide))


def _prices_to_returns(
    prices: np.ndarray, dates: np.ndarray, assets: list[str], table: str
) -> tuple[np.ndarray, np.ndarray]:
    bad = ~(prices > 0)
    if bad.any():
        t, i = np.argwhere(bad)[0]
        raise AnalysisError(
            f"Asset '{assets[i]}' in table '{table}' has the price {prices[t, i]:g} on {dates[t]}; prices "
            "must be positive. If the table holds returns, use --returns."
        )
    return prices[1:] / prices[:-1] - 1.0, dates[1:]


def _check_finite(values: np.ndarray, dates: np.ndarray, assets: list[str], table: str) -> None:
    """An infinite value (DuckDB reads 'inf' as a DOUBLE) would turn every estimate into NaN."""
    bad = ~np.isfinite(values)
    if bad.any():
        t, i = np.argwhere(bad)[0]
        raise AnalysisError(
            f"Asset '{assets[i]}' in table '{table}' has the value {values[t, i]:g} on {dates[t]}; every "
            "value must be a finite number. Correct or remove that row."
        )


def _check_simple_returns(values: np.ndarray, dates: np.ndarray, assets: list[str], table: str) -> None:
    bad = values < -1.0
    if bad.any():
        t, i = np.argwhere(bad)[0]
        raise AnalysisError(
            f"Asset '{assets[i]}' in table '{table}' has the return {values[t, i]:g} on {dates[t]}: a simple "
            "return cannot be below -1 (a total loss). If the values are prices use --prices; if they are "
            "percentages, divide them by 100; if they are log returns use --log-returns."
        )


def _frequency(dates: np.ndarray, periods_per_year: int | None) -> tuple[int, str]:
    if periods_per_year is not None:
        if periods_per_year < 1:
            raise AnalysisError(f"Periods per year must be at least 1; got {periods_per_year}.")
        return periods_per_year, f"{periods_per_year} periods a year (as given)"
    gap = float(np.median(np.diff(dates).astype("timedelta64[D]").astype(np.float64)))
    for limit, ppy, name in _FREQUENCIES:
        if gap <= limit:
            return ppy, f"{name}, read from the median gap of {gap:g} days between dates"
    raise AssertionError("unreachable: the last frequency has no limit")
