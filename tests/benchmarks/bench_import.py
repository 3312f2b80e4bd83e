"""Benchmark: CSV import into a project against ``pandas.read_csv`` of the same file.

Not a test: run ``python tests/benchmarks/bench_import.py [--size-mb 1024]``. It writes a
credit-like CSV of about the requested size, then in fresh subprocesses (so peak memory is
per run) times:

* ours: ``import_files`` into a new project, committed and closed (typed, validated, hashed,
  durable on disk);
* the anchor: ``pandas.read_csv`` of the same file into memory.

and prints wall time, throughput and peak RSS of each, and the ratio.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import duckdb

ROW_BYTES = 66  # about one row of the generated CSV

OURS = textwrap.dedent(
    """
    import json, resource, sys, time
    from pathlib import Path
    from tradeoff_studio.core.data.importer import import_files
    from tradeoff_studio.core.project import create_project
    start = time.perf_counter()
    with create_project(sys.argv[2]) as project:
        (record,) = import_files(project, [Path(sys.argv[1])])
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rows": record.row_count, "peak_mb": peak}))
    """
)
ANCHOR = textwrap.dedent(
    """
    import json, resource, sys, time
    import pandas
    start = time.perf_counter()
    frame = pandas.read_csv(sys.argv[1])
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rows": len(frame), "peak_mb": peak}))
    """
)


def write_csv(path: Path, size_mb: int) -> int:
    """A credit-like CSV (ids, amounts, rates, categories, dates) of about ``size_mb`` MB."""
    rows = size_mb * 1024 * 1024 // ROW_BYTES
    con = duckdb.connect()
    con.execute(
        f"""COPY (
            SELECT i AS applicant_id, round(random() * 90000 + 10000, 2) AS income,
                   round(random() * 0.6, 4) AS debt_to_income, (random() * 400)::INT AS history_months,
                   (random() * 12)::INT AS open_accounts, round(random(), 4) AS utilization,
                   ['north', 'south', 'east', 'west'][(i % 4) + 1] AS region,
                   DATE '2015-01-01' + (i % 3650)::INT AS opened, (random() < 0.2)::INT AS defaulted,
                   md5(i::VARCHAR)[:12] AS reference
            FROM range({rows}) t(i)
        ) TO '{path}' (HEADER true)"""
    )
    con.close()
    return rows


def run(script: str, *args: str) -> dict[str, float]:
    """Run a measurement script in a fresh interpreter; return its JSON line."""
    result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    """Write the file, run both readers, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "applications.csv"
        write_csv(csv, args.size_mb)
        size_mb = csv.stat().st_size / 2**20
        ours = run(OURS, str(csv), str(Path(folder) / "bench.tsproj"))
        anchor = run(ANCHOR, str(csv))
    assert ours["rows"] == anchor["rows"], (ours, anchor)
    print(f"CSV import: {size_mb:,.0f} MB, {int(ours['rows']):,} rows, 10 columns")
    print(f"{'':34}{'seconds':>9}{'MB/s':>9}{'peak RSS MB':>13}")
    for name, figures in (("ours: import_files (durable)", ours), ("anchor: pandas.read_csv (RAM)", anchor)):
        rate = size_mb / figures["seconds"]
        print(f"{name:34}{figures['seconds']:9.2f}{rate:9.1f}{figures['peak_mb']:13.0f}")
    print(f"time ratio pandas/ours: {anchor['seconds'] / ours['seconds']:.2f}x (>1 means we are faster)")
    print(f"peak memory ratio pandas/ours: {anchor['peak_mb'] / ours['peak_mb']:.2f}x")


if __name__ == "__main__":
    main()
