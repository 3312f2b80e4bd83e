"""Input checks every analysis repeats: the table and its columns exist, a column holds numbers,
and a DuckDB read that Cancel interrupts.

Each analysis keeps its own extra rules (which columns must be numbers, booleans or dates, and
how it says so); only the shared part lives here. pandas is imported lazily (house rule 7).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import duckdb

from ..dbjobs import interruptible
from ..errors import NotFoundError
from ..jobs import CancelToken
from ..project import Project
from .candidates import AnalysisError

if TYPE_CHECKING:
    import pandas as pd

INTEGER_TYPES = frozenset(
    {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}
)
NUMERIC_TYPES = INTEGER_TYPES | {"HUGEINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL"}


def is_numeric(dtype: str) -> bool:
    """Whether a DuckDB type name is a number type (``DECIMAL(p,s)`` counts)."""
    return dtype.split("(", maxsplit=1)[0] in NUMERIC_TYPES


def table_columns(project: Project, table: str, what: str = "table") -> dict[str, str]:
    """``{column: DuckDB type}`` of ``table``, or :class:`NotFoundError` listing the project's tables.

    ``what`` names the table in the message (e.g. ``"price table"``).
    """
    if table not in project.tables():
        listed = ", ".join(project.tables()) or "(none yet)"
        raise NotFoundError(f"The project has no {what} '{table}'. Its tables: {listed}.")
    return dict(project.columns(table))


def require_column(
    table: str,
    column: str,
    columns: dict[str, str],
    *,
    numeric: bool = False,
    reason: str = "The analysis needs a number here",
) -> None:
    """Raise :class:`AnalysisError` when ``column`` is missing from ``table`` (listing its columns
    with their types) or, when ``numeric``, is not a number (saying ``reason`` and listing the
    numeric columns)."""
    if column not in columns:
        listed = ", ".join(f"{name} ({dtype})" for name, dtype in columns.items())
        raise AnalysisError(f"Table '{table}' has no column '{column}'. Its columns: {listed}.")
    if numeric and not is_numeric(columns[column]):
        numbers = ", ".join(name for name, dtype in columns.items() if is_numeric(dtype)) or "(none)"
        raise AnalysisError(
            f"Column '{column}' of table '{table}' is {columns[column]}, not a number. "
            f"{reason}; the numeric columns are: {numbers}."
        )


def read_frame(
    project: Project, cancel: CancelToken, sql: str, params: list[Any] | None = None
) -> pd.DataFrame:
    """The result of ``sql`` as a DataFrame; Cancel interrupts the query (:func:`~..dbjobs.interruptible`)."""
    with interruptible(project.con, cancel):
        try:
            frame = project.con.execute(sql, params).df()
        except duckdb.ConversionException as error:
            if "infinity" not in str(error):
                raise
            raise AnalysisError(_INFINITE_TIME.format(column="A date column")) from None
    check_finite_times(frame)
    return frame


_INFINITE_TIME = (
    "{column} holds an infinite date or time ('infinity' or '-infinity'), which the analysis cannot use. "
    "Remove those rows, or import the column as text (--types COLUMN=VARCHAR)."
)


def check_finite_times(frame: pd.DataFrame) -> None:
    """Raise :class:`AnalysisError` naming a date/time column that holds ``infinity``.

    DuckDB hands such values to pandas as years far outside Python's range (294247), which pandas
    cannot format or compare later; the analysis refuses them up front instead.
    """
    for column in frame.select_dtypes(include=["datetime", "datetimetz"]).columns:
        years = frame[column].dt.year
        if bool(((years > 9999) | (years < 1)).any()):
            raise AnalysisError(_INFINITE_TIME.format(column=f"Column '{column}'"))
