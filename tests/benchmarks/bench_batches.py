"""Benchmark reading a table's rows as NumPy batches without pyarrow (not a test).

Run ``python tests/benchmarks/bench_batches.py`` (``--rows N``, default 1,000,000; ``--repeats``).
The installed app leaves pyarrow out, so scoring and ``ope-estimate`` read rows through DuckDB's
pandas chunks (:func:`numpy_batches`); pip installs keep the Arrow reader. Both read the same
query, 12 DOUBLE columns (then 12 + one VARCHAR), in 65,536-row batches; CPU seconds, median.
Prints ours (pandas chunks) beside the anchor (Arrow record batches) as a ratio, and checks that
both give the same values. ``key=value`` lines last.
"""

from __future__ import annotations

import argparse
import statistics
import time

import duckdb
import numpy as np

from tradeoff_studio.core.inference.batches import Batch, numpy_batches

BATCH_ROWS = 65_536


def _arrow(con: duckdb.DuckDBPyConnection, query: str) -> list[Batch]:
    reader = con.execute(query).to_arrow_reader(BATCH_ROWS)
    return [Batch([b.column(i).to_numpy(zero_copy_only=False) for i in range(b.num_columns)]) for b in reader]


def _pandas(con: duckdb.DuckDBPyConnection, query: str) -> list[Batch]:
    return list(numpy_batches(con.execute(query), BATCH_ROWS))


def _cpu_seconds(read: object, con: duckdb.DuckDBPyConnection, query: str, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.process_time()
        read(con, query)  # type: ignore[operator]
        times.append(time.process_time() - start)
    return statistics.median(times)


def _same(a: list[Batch], b: list[Batch]) -> bool:
    left = [np.concatenate([x.column(i) for x in a]) for i in range(a[0].num_columns)]
    right = [np.concatenate([x.column(i) for x in b]) for i in range(b[0].num_columns)]
    return all(np.array_equal(x, y) for x, y in zip(left, right, strict=True))


def main() -> None:
    """Time both readers on numbers only and with a text column; print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    con = duckdb.connect()
    numbers = ", ".join(f"random() AS x{i}" for i in range(12))
    label = "'item-' || (range % 977) AS label"
    con.execute(f"CREATE TABLE t AS SELECT {numbers}, {label} FROM range({args.rows})")
    lines = []
    for case, columns in (("numbers", ", ".join(f"x{i}" for i in range(12))), ("text", "*")):
        query = f"SELECT {columns} FROM t ORDER BY rowid"
        assert _same(_arrow(con, query), _pandas(con, query)), "the two readers disagree"
        anchor = _cpu_seconds(_arrow, con, query, args.repeats)
        ours = _cpu_seconds(_pandas, con, query, args.repeats)
        print(f"{case}: {args.rows:,} rows: pandas chunks {ours:.3f} s CPU, Arrow {anchor:.3f} s CPU "
              f"(pandas/Arrow {ours / anchor:.2f}x)")  # fmt: skip
        lines += [f"batches_{case}_pandas_s={ours:.4f}", f"batches_{case}_arrow_s={anchor:.4f}",
                  f"batches_{case}_ratio={ours / anchor:.3f}"]  # fmt: skip
    print("\n".join(lines))


if __name__ == "__main__":
    main()
