"""Read and check an evaluation log with DuckDB: per-system summary in SQL, per-item matrices.

Every check runs as one aggregate query over the log (a CTE that casts and, for token costs,
prices each row), so the log's rows never reach Python until they are known to be usable.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ...dbjobs import interruptible
from ...jobs import CancelToken
from ...project import Project
from ...sql import ident
from ..candidates import AnalysisError
from ..inputs import is_numeric, require_column, table_columns
from .clusters import Clusters, read_clusters
from .missing import ALL_ROWS, common_view, incorrect_view, missing_notes, refusal
from .spec import PRICE_COLUMNS, TOKENS_PER_PRICE, CostQualitySpec


@dataclass(frozen=True)
class EvalLog:
    """The checked log: systems in name order, per-system SQL summary and (system, item) matrices."""

    systems: list[str]
    items: int
    rows: int
    summary: dict[str, np.ndarray]  # quality, cost, latency_p50, latency_p95: one value per system
    quality: np.ndarray  # (systems, items): correct (0/1) or score in [0, 1]
    cost: np.ndarray
    latency: np.ndarray | None
    confidence: np.ndarray | None
    missing: dict[str, Any] = field(default_factory=dict)  # how unanswered items were treated
    clusters: Clusters | None = None  # each item's cluster, with --cluster (see .clusters)
    graded: bool = False  # some score lies strictly between 0 and 1 (before any --pass-at)


@dataclass(frozen=True)
class _Log:
    """The log as CTEs: ``raw`` (the checked rows) and ``log`` (a view of them: every row, or the
    treatment of unanswered items), with their bound parameters and column sources."""

    body: str
    params: list[Any]
    sources: dict[str, str]  # alias -> what the user named (for messages)
    view: str = ALL_ROWS
    view_params: list[Any] = field(default_factory=list)

    @property
    def cte(self) -> str:
        """``WITH raw AS (...), log AS (...)`` to put before a query over ``log``."""
        return f"WITH raw AS ({self.body}), log AS ({self.view}) "

    @property
    def all_params(self) -> list[Any]:
        """The CTE's bound parameters, in order."""
        return self.params + self.view_params


def read_log(project: Project, spec: CostQualitySpec, cancel: CancelToken) -> EvalLog:
    """Check the log (typed errors name table, column and row) and read it; DuckDB can be interrupted."""
    log = log_query(project, spec)
    with interruptible(project.con, cancel):
        counts = _check_rows(project, spec, log, cancel)
        log, items, missing = _treat_missing(project, spec, log, counts)
        rows = int(_query(project, log, "SELECT count(row_no) FROM log")[0][0])
        cancel.raise_if_cancelled()
        summary = summarise(project, log, bool(spec.latency))
        cancel.raise_if_cancelled()
        matrices = _matrices(project, log, len(counts), items)
        clusters = read_clusters(project, spec, log.cte, log.all_params)
    quality = matrices["quality"]
    assert quality is not None
    graded = bool(((quality > 0.0) & (quality < 1.0)).any())
    if spec.pass_at is not None:
        matrices["quality"] = (quality >= spec.pass_at).astype(np.float64)
        summary["quality"] = matrices["quality"].mean(axis=1)
    return EvalLog(list(counts), items, rows, summary, **matrices, missing=missing, clusters=clusters,
                   graded=graded)  # fmt: skip


def _require(
    table: str, columns: dict[str, str], column: str, *, numeric: bool, boolean: bool = False
) -> None:
    """The column exists and, when ``numeric``, holds numbers (or booleans, when ``boolean``)."""
    require_column(table, column, columns)
    dtype = columns[column]
    ok = is_numeric(dtype) or (boolean and dtype == "BOOLEAN")
    if numeric and not ok:
        wanted = "a boolean, 0/1 or a score in [0, 1]" if boolean else "a number"
        raise AnalysisError(
            f"Column '{column}' of table '{table}' is {dtype}, not {wanted}. "
            "Convert it when importing, or name another column."
        )


def log_query(project: Project, spec: CostQualitySpec) -> _Log:
    """The CTE over the log table (and price table), after checking that every column exists."""
    columns = table_columns(project, spec.table)
    _require(spec.table, columns, spec.item, numeric=False)
    _require(spec.table, columns, spec.system, numeric=False)
    if spec.cluster is not None:
        _require(spec.table, columns, spec.cluster, numeric=False)
    _require(spec.table, columns, spec.correct, numeric=True, boolean=True)
    numeric = [
        c for c in (spec.cost, spec.input_tokens, spec.output_tokens, spec.latency, spec.confidence) if c
    ]
    for column in numeric:
        _require(spec.table, columns, column, numeric=True)
    fields = {
        "item": (spec.item, "VARCHAR"),
        "system": (spec.system, "VARCHAR"),
        "r": (spec.correct, "DOUBLE"),
    }
    if spec.cluster is not None:
        fields["cl"] = (spec.cluster, "VARCHAR")
    fields |= {alias: (column, "DOUBLE") for alias, column in
               (("lat", spec.latency), ("conf", spec.confidence)) if column}  # fmt: skip
    select = [f"CAST(t.{ident(column)} AS {kind}) AS {alias}" for alias, (column, kind) in fields.items()]
    sources = {alias: column for alias, (column, _) in fields.items()}
    join, params = "", []
    if spec.cost is not None:
        select.append(f"CAST(t.{ident(spec.cost)} AS DOUBLE) AS c")
        sources["c"] = spec.cost
    else:
        join = _price_join(project, spec)
        select.append(
            f"(CAST(t.{ident(str(spec.input_tokens))} AS DOUBLE) * p.input_price + "
            f"CAST(t.{ident(str(spec.output_tokens))} AS DOUBLE) * p.output_price) / {TOKENS_PER_PRICE} AS c"
        )
        sources["c"] = f"{spec.input_tokens} × input_price + {spec.output_tokens} × output_price"
    where = ""
    if spec.systems is not None:
        where = f" WHERE CAST(t.{ident(spec.system)} AS VARCHAR) IN ({', '.join('?' for _ in spec.systems)})"
        params = list(spec.systems)
    body = f"SELECT t.rowid + 1 AS row_no, {', '.join(select)} FROM {ident(spec.table)} AS t{join}{where}"
    return _Log(body, params, sources)


def _price_join(project: Project, spec: CostQualitySpec) -> str:
    table = str(spec.price_table)
    columns = table_columns(project, table, "price table")
    _require(table, columns, "system", numeric=False)
    for column in PRICE_COLUMNS[1:]:
        _require(table, columns, column, numeric=True)
    return (
        f" LEFT JOIN (SELECT CAST(system AS VARCHAR) AS system, CAST(input_price AS DOUBLE) AS input_price, "
        f"CAST(output_price AS DOUBLE) AS output_price FROM {ident(table)}) AS p "
        f"ON p.system = CAST(t.{ident(spec.system)} AS VARCHAR)"
    )


def _query(project: Project, log: _Log, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    return project.con.execute(log.cte + sql, log.all_params + (params or [])).fetchall()


def _check_rows(project: Project, spec: CostQualitySpec, log: _Log, cancel: CancelToken) -> dict[str, int]:
    """Each system's row count (systems in name order), after every row-level check."""
    if spec.price_table is not None:
        _check_prices(project, spec, log)
    _check_values(project, spec, log)
    if spec.confidence is not None:
        _check_confidence(project, spec, log)
    cancel.raise_if_cancelled()
    duplicate = _query(project, log, "SELECT item, system, count(*) FROM log GROUP BY item, system "
                       "HAVING count(*) > 1 ORDER BY item, system LIMIT 1")  # fmt: skip
    if duplicate:
        item, system, count = duplicate[0]
        raise AnalysisError(
            f"Item {item!r} has {count} rows for system {system!r} in table '{spec.table}'; each "
            "(item, system) needs exactly one row. Average or deduplicate the repeats first."
        )
    counts = dict(_query(project, log, "SELECT system, count(*) FROM log GROUP BY system ORDER BY system"))
    _check_systems(project, spec, counts)
    return counts


def _check_systems(project: Project, spec: CostQualitySpec, counts: dict[str, int]) -> None:
    missing = [name for name in spec.systems or () if name not in counts]
    if missing:
        every = project.con.execute(
            f"SELECT DISTINCT CAST({ident(spec.system)} AS VARCHAR) AS s FROM {ident(spec.table)} ORDER BY s"
        ).fetchall()
        raise AnalysisError(
            f"System {missing[0]!r} has no rows in column '{spec.system}' of table '{spec.table}'. "
            f"Its systems: {', '.join(str(row[0]) for row in every)}. Check the spelling or leave it out."
        )
    if not counts:
        raise AnalysisError(f"Table '{spec.table}' has no rows to analyse.")


def _treat_missing(
    project: Project, spec: CostQualitySpec, log: _Log, counts: dict[str, int]
) -> tuple[_Log, int, dict[str, Any]]:
    """The log as the chosen treatment of unanswered items sees it, its item count and the notes."""
    items = int(_query(project, log, "SELECT count(DISTINCT item) FROM log")[0][0])
    lacking = {system: items - count for system, count in counts.items() if count < items}
    if not lacking or spec.missing == "incorrect":
        if lacking:
            view, params = incorrect_view(spec, list(log.sources))
            log = replace(log, view=view, view_params=params)
        return log, items, missing_notes(spec, items, items, counts)
    if spec.missing == "refuse":
        system = next(iter(lacking))
        example = _query(project, log, "SELECT item FROM log EXCEPT SELECT item FROM log WHERE system = ? "
                         "ORDER BY item LIMIT 1", [system])[0][0]  # fmt: skip
        raise AnalysisError(refusal(spec, items, lacking, (example, system)))
    view, params = common_view(len(counts))
    log = replace(log, view=view, view_params=params)
    kept = int(_query(project, log, "SELECT count(DISTINCT item) FROM log")[0][0])
    if kept == 0:
        raise AnalysisError(
            f"No item of table '{spec.table}' was answered by every selected system, so --missing common "
            "keeps nothing. Use --missing incorrect, or leave out the system that answered least (--systems)."
        )
    return log, kept, missing_notes(spec, items, kept, counts)


def _check_prices(project: Project, spec: CostQualitySpec, log: _Log) -> None:
    rows = _query(project, log, "SELECT DISTINCT t.system FROM log AS t WHERE NOT EXISTS (SELECT 1 FROM "
                  f"{ident(str(spec.price_table))} AS p WHERE CAST(p.system AS VARCHAR) = t.system) "
                  "ORDER BY 1 LIMIT 1")  # fmt: skip
    if rows:
        raise AnalysisError(
            f"Price table '{spec.price_table}' has no row for system {rows[0][0]!r}. Add its "
            f"input_price and output_price (per 1M tokens)."
        )
    for column in PRICE_COLUMNS[1:]:
        bad = project.con.execute(
            f"SELECT system FROM {ident(str(spec.price_table))} WHERE {column} IS NULL OR NOT "
            f"isfinite(CAST({column} AS DOUBLE)) OR {column} < 0 ORDER BY system LIMIT 1"
        ).fetchall()
        if bad:
            raise AnalysisError(
                f"Price table '{spec.price_table}' has no usable {column} for system {bad[0][0]!r} "
                "(missing, negative, NaN or infinite). Give a price ≥ 0 per 1M tokens."
            )
    doubled = project.con.execute(
        f"SELECT system FROM {ident(str(spec.price_table))} GROUP BY system HAVING count(*) > 1 LIMIT 1"
    ).fetchall()
    if doubled:
        raise AnalysisError(
            f"Price table '{spec.price_table}' lists system {doubled[0][0]!r} more than once."
        )


def _check_values(project: Project, spec: CostQualitySpec, log: _Log) -> None:
    """Missing or non-finite values, scores outside [0, 1], negative costs or latencies: first bad row."""
    checks: list[tuple[str, str, str]] = []
    for alias, source in log.sources.items():
        finite = f" OR NOT isfinite({alias})" if alias not in {"item", "system", "cl"} else ""
        if alias == "conf":  # a system may have no confidence at all (see _check_confidence)
            checks.append(("NOT isfinite(conf)", source, "is NaN or infinite"))
            continue
        checks.append((f"{alias} IS NULL{finite}", source, "has no usable value (missing, NaN or infinite)"))
    checks.append(
        ("r < 0 OR r > 1", log.sources["r"], "is outside [0, 1]: use true/false, 0/1 or a score in [0, 1]")
    )
    checks.append(("c < 0", log.sources["c"], "is a negative cost"))
    if "lat" in log.sources:
        checks.append(("lat < 0", log.sources["lat"], "is a negative latency"))
    firsts = _query(
        project,
        log,
        "SELECT " + ", ".join(f"min(row_no) FILTER (WHERE {cond})" for cond, *_ in checks) + " FROM log",
    )[0]
    for (_, source, problem), row in zip(checks, firsts, strict=True):
        if row is not None:
            raise AnalysisError(
                f"Row {row:,} of table '{spec.table}': column '{source}' {problem}. "
                "Fix or filter out that row and run the analysis again."
            )


def _check_confidence(project: Project, spec: CostQualitySpec, log: _Log) -> None:
    """Each system has a confidence on all of its rows or on none (then it cannot start a cascade)."""
    sql = ("SELECT system, count(conf), count(*), min(row_no) FILTER (WHERE conf IS NULL) FROM log GROUP "
           "BY system HAVING count(conf) BETWEEN 1 AND count(*) - 1 ORDER BY system LIMIT 1")  # fmt: skip
    partial = _query(project, log, sql)
    if partial:
        system, given, total, row = partial[0]
        raise AnalysisError(
            f"System {system!r} has a confidence in column '{spec.confidence}' on {given:,} of its "
            f"{total:,} rows (row {row:,} has none). Give it on every row of the system, or on none: a "
            "system without confidence is still compared, but cannot be the first step of a cascade."
        )


def summarise(project: Project, log: _Log, latency: bool) -> dict[str, np.ndarray]:
    """Per system, in name order: mean quality, mean cost and (with latency) discrete p50/p95."""
    percentiles = "quantile_disc(lat, 0.5), quantile_disc(lat, 0.95)" if latency else "NULL, NULL"
    rows = _query(
        project, log, f"SELECT avg(r), avg(c), {percentiles} FROM log GROUP BY system ORDER BY system"
    )
    values = np.array(rows, dtype=np.float64).reshape(len(rows), 4)
    names = ("quality", "cost", "latency_p50", "latency_p95")
    return {name: values[:, index] for index, name in enumerate(names)}


def _matrices(project: Project, log: _Log, systems: int, items: int) -> dict[str, np.ndarray | None]:
    """(system, item) matrices of quality, cost, latency and confidence; items in name order."""
    present = [alias for alias in ("r", "c", "lat", "conf") if alias in log.sources]
    result = project.con.execute(
        log.cte + f"SELECT {', '.join(present)} FROM log ORDER BY system, item", log.all_params
    ).fetchnumpy()
    arrays = {alias: _filled(result[alias]).reshape(systems, items) for alias in present}
    return {"quality": arrays["r"], "cost": arrays["c"], "latency": arrays.get("lat"),
            "confidence": arrays.get("conf")}  # fmt: skip


def _filled(values: np.ndarray) -> np.ndarray:
    """Float values with NULL (a masked entry) as NaN: only a system without confidence has any."""
    return np.ma.filled(np.ma.asarray(values, dtype=np.float64), np.nan)
