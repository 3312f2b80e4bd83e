"""A query's rows as NumPy columns, streamed in batches, with or without pyarrow.

:func:`query_batches` is what the readers that feed models use (scoring, ``ope-estimate``): Arrow
record batches when pyarrow is installed (the fastest way out of DuckDB), else DuckDB's own NumPy
conversion — the installed app (``packaging/``) leaves pyarrow out (114 MB of a 534 MB bundle).
:func:`numpy_batches` streams ``fetch_df_chunk`` a few 2,048-row vectors at a time (no full
materialisation) and re-cuts the chunks into batches of exactly ``batch_rows`` rows (the last one
shorter). Both give each column as arrow's ``to_numpy(zero_copy_only=False)`` does: numbers in
their own dtype (an integer column with NULLs as float64 with NaN), text as an object array.
Measured by ``tests/benchmarks/bench_batches.py`` (1M rows x 12 DOUBLE columns, CPU seconds):
0.13 through Arrow, 0.16 through pandas chunks (0.23 and 0.30 with a text column too).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

VECTOR_ROWS = 2_048
"""DuckDB's standard vector size: ``fetch_df_chunk`` counts in vectors of this many rows."""


class Batch:
    """One batch of a query's rows: a NumPy array per selected column, in the ``SELECT``'s order."""

    __slots__ = ("columns",)

    def __init__(self, columns: Sequence[np.ndarray]) -> None:
        self.columns = tuple(columns)

    @property
    def num_rows(self) -> int:
        """How many rows the batch holds."""
        return len(self.columns[0]) if self.columns else 0

    @property
    def num_columns(self) -> int:
        """How many columns the query selected."""
        return len(self.columns)

    def column(self, index: int) -> np.ndarray:
        """The ``index``-th selected column."""
        return self.columns[index]


def frame_columns(frame: pd.DataFrame) -> list[np.ndarray]:
    """A DuckDB result frame's columns as NumPy arrays, by position (names may repeat)."""
    return [np.asarray(frame.iloc[:, index].to_numpy()) for index in range(frame.shape[1])]


def arrow_available() -> bool:
    """Whether pyarrow can be imported (not in the installed app)."""
    try:
        return importlib.util.find_spec("pyarrow") is not None
    except (ImportError, ValueError):
        return False


def query_batches(result: duckdb.DuckDBPyConnection, batch_rows: int) -> Iterator[Batch]:
    """The rows of the query just executed on ``result`` (a cursor), ``batch_rows`` at a time, as
    :class:`Batch` es: through Arrow when pyarrow is installed, else :func:`numpy_batches`. Rows are
    read as the iterator is consumed (a worker thread can read ahead; ``cursor.interrupt()`` stops it)."""
    batch_rows = max(1, int(batch_rows))
    if not arrow_available():
        yield from numpy_batches(result, batch_rows)
        return
    for record in result.to_arrow_reader(batch_rows):
        yield Batch([record.column(i).to_numpy(zero_copy_only=False) for i in range(record.num_columns)])


def numpy_batches(result: duckdb.DuckDBPyConnection, batch_rows: int) -> Iterator[Batch]:
    """The rows of the query just executed on ``result`` (a cursor), ``batch_rows`` at a time.

    Rows are fetched lazily as the iterator is consumed, so a worker thread can read ahead
    (:func:`.prefetch.prefetched`) and ``cursor.interrupt()`` stops the read.
    """
    batch_rows = max(1, int(batch_rows))
    vectors = max(1, -(-batch_rows // VECTOR_ROWS))
    pending: list[list[np.ndarray]] = []
    held = 0
    while len(frame := result.fetch_df_chunk(vectors)):
        pending.append(frame_columns(frame))
        held += len(frame)
        while held >= batch_rows:
            columns = _joined(pending)
            yield Batch([column[:batch_rows] for column in columns])
            held -= batch_rows
            pending = [[column[batch_rows:] for column in columns]] if held else []
    if held:
        yield Batch(_joined(pending))


def _joined(pending: list[list[np.ndarray]]) -> list[np.ndarray]:
    """The held chunks' columns end to end (the one chunk itself when there is only one)."""
    if len(pending) == 1:
        return pending[0]
    return [np.concatenate(parts) for parts in zip(*pending, strict=True)]


def numpy_columns(result: duckdb.DuckDBPyConnection) -> list[np.ndarray]:
    """Every row of the query just executed on ``result``, one NumPy array per selected column."""
    return frame_columns(result.df())
