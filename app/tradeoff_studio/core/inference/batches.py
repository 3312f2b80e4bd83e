"""A query's rows as NumPy columns, streamed in batches, without pyarrow.

The installed app (``packaging/``) leaves pyarrow out (114 MB of a 534 MB bundle), so the readers
that feed models (scoring, ``ope-estimate``, model variants) take DuckDB's own NumPy conversion:
``fetch_df_chunk`` streams the result a few 2,048-row vectors at a time (no full materialisation),
and :func:`numpy_batches` re-cuts the chunks into batches of exactly ``batch_rows`` rows (the last
one shorter). Each column comes out as arrow's ``to_numpy(zero_copy_only=False)`` gave it: numbers
in their own dtype (an integer column with NULLs as float64 with NaN), text as an object array.
Measured here, 1M rows x 7 columns: 0.06 s through pandas chunks vs 0.04 s through Arrow batches.
"""

from __future__ import annotations

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
