"""The cost–quality analysis of an evaluation log outside the project (``--dataset``, issue #21).

An engine (:mod:`...engines.pairs`) reduces the Parquet files to per-(system, item) aggregates; they
are checked here (the footers' row total, one row per pair, usable values — each refusal names the
item, the system and the column) and handed, as a table of a private in-memory DuckDB, to the very
same reading code and analysis as a project table (:func:`.analysis.analyze_cost_quality`). The
price table, when the cost comes from token counts, is the project's. The rows never enter the
project. Nesting is suspected from the item ids only (the other columns are not read).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import numpy as np

from ...jobs import CancelToken, Progress, no_progress
from ...sql import ident
from ..candidates import AnalysisError, CandidateTable
from ..inputs import table_columns
from .analysis import analyze_cost_quality
from .clusters import check_cluster
from .missing import check_missing
from .spec import CostQualitySpec, check_spec

if TYPE_CHECKING:
    import pyarrow as pa

    from ...engines.dataset import Dataset
    from ...engines.pairs import PairsRequest
    from ...project import Project

TEXT = "a text or integer column"
NUMBER = "a number"
FLAG = "a boolean, 0/1 or a score in [0, 1]"


def check_dataset_spec(project: Project, spec: CostQualitySpec) -> None:
    """The spec's own checks, and the price table (a project table) when the cost comes from tokens."""
    check_spec(spec)
    check_missing(spec)
    check_cluster(spec)
    if spec.price_table is not None:
        table_columns(project, spec.price_table, "price table")
        if spec.price_table == spec.table:
            raise AnalysisError(
                f"The price table may not be called '{spec.table}' with --dataset (that name stands for the "
                "dataset's rows). Import the prices again under another name and name that table."
            )


def pairs_request(spec: CostQualitySpec) -> PairsRequest:
    """The columns the engines aggregate per (item, system) for ``spec``."""
    from ...engines.pairs import PairsRequest

    values = (spec.correct, spec.cost, spec.input_tokens, spec.output_tokens, spec.latency, spec.confidence)
    return PairsRequest(spec.item, spec.system, tuple(v for v in values if v), spec.cluster)


def check_dataset_types(dataset: Dataset, spec: CostQualitySpec) -> None:
    """Keys and cluster text or integer, values numbers (the correct flag may be boolean), from the
    first file's schema (every file has the same column names; engines cast each the same way)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    request = pairs_request(spec)
    dataset.require_columns(*request.columns)
    schema = pq.read_schema(dataset.paths[0])
    for name in request.columns:
        kind = schema.field(name).type
        if pa.types.is_dictionary(kind):
            kind = kind.value_type
        text = name in request.texts
        ok = (pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)
              or pa.types.is_integer(kind)) if text else (
              pa.types.is_integer(kind) or pa.types.is_floating(kind)
              or (name == spec.correct and pa.types.is_boolean(kind)))  # fmt: skip
        if not ok:
            wanted = TEXT if text else (FLAG if name == spec.correct else NUMBER)
            raise AnalysisError(
                f"Column '{name}' of the dataset {dataset.pattern!r} is {kind}, not {wanted}. "
                "Convert it when writing the files, or name another column."
            )


def check_pairs(pairs: pa.Table, spec: CostQualitySpec, pattern: str) -> pa.Table:
    """The pairs of the selected systems, refused (naming item, system and column) when a pair has
    more than one row, a key is missing, or a value is unusable, as the table analysis refuses them."""
    from ...engines.pairs import PAIR_ROWS

    pairs = _chosen_systems(pairs, spec, pattern)
    rows = pairs[PAIR_ROWS].to_numpy()
    for name in (spec.item, spec.system, spec.cluster):
        if name and pairs[name].null_count:
            raise AnalysisError(
                f"Column '{name}' of the dataset {pattern!r} has missing values ({pairs[name].null_count:,} "
                "(item, system) pairs). Fill or filter out those rows and run the analysis again."
            )
    repeated = np.flatnonzero(rows > 1)
    if len(repeated):
        at = int(repeated[0])
        item, system = _pair(pairs, spec, at)
        raise AnalysisError(
            f"Item {item!r} has {rows[at]} rows for system {system!r} in the dataset {pattern!r}; "
            "each (item, system) needs exactly one row. Average or deduplicate the repeats first."
        )
    for name, problem, bad in _value_checks(pairs, spec):
        if bad.any():
            item, system = _pair(pairs, spec, int(np.flatnonzero(bad)[0]))
            raise AnalysisError(
                f"Item {item!r} of system {system!r} in the dataset {pattern!r}: column '{name}' "
                f"{problem}. Fix or filter out that row and run the analysis again."
            )
    _check_confidence(pairs, spec, pattern)
    return pairs


def _chosen_systems(pairs: pa.Table, spec: CostQualitySpec, pattern: str) -> pa.Table:
    """The pairs of ``spec.systems`` (all without it); a named system without rows is refused."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if spec.systems is None:
        return pairs
    present = sorted(pc.unique(pairs[spec.system].drop_null()).to_pylist())
    missing = [name for name in spec.systems if name not in present]
    if missing:
        raise AnalysisError(
            f"System {missing[0]!r} has no rows in column '{spec.system}' of the dataset {pattern!r}. "
            f"Its systems: {', '.join(present)}. Check the spelling or leave it out."
        )
    chosen = pa.array(list(spec.systems), pa.string())
    return pairs.filter(pc.is_in(pairs[spec.system], value_set=chosen))


def _pair(pairs: pa.Table, spec: CostQualitySpec, at: int) -> tuple[Any, Any]:
    """The (item, system) of pair ``at``."""
    return pairs[spec.item][at].as_py(), pairs[spec.system][at].as_py()


def _value_checks(pairs: pa.Table, spec: CostQualitySpec) -> list[tuple[str, str, np.ndarray]]:
    """(column, problem, bad pairs) for every value rule of the table analysis's ``_check_values``."""

    def values(name: str) -> np.ndarray:
        """Column ``name`` as float64 (NULL as NaN)."""
        return np.asarray(pairs[name].to_numpy(zero_copy_only=False), dtype=np.float64)

    unusable = "has no usable value (missing, NaN or infinite)"
    found = []
    for name in dict.fromkeys(pairs_request(spec).values):
        column = values(name)
        if name == spec.confidence:  # a system may have no confidence at all (see _check_confidence)
            given = ~pairs[name].is_null().to_numpy(zero_copy_only=False)
            found.append((name, "is NaN or infinite", given & ~np.isfinite(column)))
            continue
        found.append((name, unusable, ~np.isfinite(column)))
    with np.errstate(invalid="ignore"):
        correct = values(spec.correct)
        found.append((spec.correct, "is outside [0, 1]: use true/false, 0/1 or a score in [0, 1]",
                      (correct < 0) | (correct > 1)))  # fmt: skip
        for name, problem in ((spec.cost, "is a negative cost"), (spec.input_tokens, "is a negative count"),
                              (spec.output_tokens, "is a negative count"),
                              (spec.latency, "is a negative latency")):  # fmt: skip
            if name:
                found.append((name, problem, values(name) < 0))
    return found


def _check_confidence(pairs: pa.Table, spec: CostQualitySpec, pattern: str) -> None:
    """Each system has a confidence on all of its pairs or on none."""
    if spec.confidence is None:
        return
    found = pairs.group_by(spec.system).aggregate([(spec.confidence, "count"), ([], "count_all")])
    for row in found.sort_by(spec.system).to_pylist():
        given, total = row[f"{spec.confidence}_count"], row["count_all"]
        if 0 < given < total:
            raise AnalysisError(
                f"System {row[spec.system]!r} has a confidence in column '{spec.confidence}' on {given:,} of "
                f"its {total:,} items in the dataset {pattern!r}. Give it on every row of the system, or on "
                "none: a system without confidence is still compared, but cannot start a cascade."
            )


class _Scratch:
    """A private in-memory DuckDB standing in for the project: what the reading code asks of one."""

    def __init__(self, con: Any) -> None:
        self.con = con

    def tables(self) -> list[str]:
        """The scratch tables (the pairs and the price table)."""
        found = self.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        return sorted(str(row[0]) for row in found)

    def columns(self, table: str) -> list[tuple[str, str]]:
        """``(name, DuckDB type)`` of each column of ``table``."""
        return [(str(row[0]), str(row[1])) for row in self.con.execute(f"DESCRIBE {ident(table)}").fetchall()]


def analyze_pairs(
    project: Project,
    spec: CostQualitySpec,
    pairs: pa.Table,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> CandidateTable:
    """The cost–quality candidates of ``spec`` on the checked ``pairs`` (one row per (system, item),
    in that order), read from a private DuckDB (one thread: the per-system sums in one order)."""
    import duckdb

    from ...engines.pairs import PAIR_ROWS

    con = duckdb.connect()
    try:
        con.execute("SET threads = 1")
        _copy(con, spec.table, pairs.drop_columns([PAIR_ROWS]))
        if spec.price_table is not None:
            prices = project.con.execute(f"SELECT * FROM {ident(spec.price_table)}").to_arrow_table()
            _copy(con, spec.price_table, prices)
        return analyze_cost_quality(cast("Project", _Scratch(con)), spec, progress=progress, cancel=cancel)
    finally:
        con.close()


def _copy(con: Any, name: str, table: pa.Table) -> None:
    con.register("_ts_source", table)
    try:
        con.execute(f"CREATE TABLE {ident(name)} AS SELECT * FROM _ts_source")
    finally:
        con.unregister("_ts_source")
