"""Check a fairness spec against the project's data, and gather the facts the analysis needs.

An unknown table is a :class:`NotFoundError` listing the project's tables; every other refusal
is an :class:`AnalysisError` that names the table and column and says what to do: a missing
column lists the table's columns, a non-binary label lists its values, NULL labels, scores or
weights are counted. NULL in a sensitive column is kept as its own group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...project import Project
from ...sql import ident
from ..candidates import AnalysisError
from ..clusters import check_no_nulls, require_cluster_column
from ..inputs import require_column, table_columns
from .grouping import Bins, resolve_bins, source
from .spec import MAX_GROUPS, MAX_SITES, FairnessSpec

MISSING = "(missing)"
NUMERIC_REASON = "Scores and weights must be numeric"


@dataclass(frozen=True)
class Groups:
    """The intersections of the sensitive columns present in the table, in a fixed order."""

    columns: tuple[str, ...]
    values: list[tuple[Any, ...]]
    labels: list[str]
    counts: NDArray[np.int64]


@dataclass(frozen=True)
class ScoreFacts:
    """Range of one score column and its number of distinct values: an estimate, or the row count
    (an upper bound) where no estimate was needed."""

    low: float
    high: float
    distinct: int


@dataclass(frozen=True)
class TableFacts:
    """What validation learned: row count, positive label value, groups, sites and score ranges."""

    table: str
    rows: int
    positive: Any
    groups: Groups
    sites: list[Any] | None
    scores: dict[str, ScoreFacts]
    bins: dict[str, list[float]] = field(default_factory=dict)
    per_value: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        """The FROM source of every grouped query: the table with binned sensitive columns."""
        return source(self.table, self.bins)


def validate(project: Project, spec: FairnessSpec) -> TableFacts:
    """Check columns, label, scores, weights and groups; return the facts for the analysis."""
    columns = table_columns(project, spec.table)
    for column in (spec.label, *spec.sensitive, *(c for c in (spec.site,) if c)):
        require_column(spec.table, column, columns)
    for column in (*spec.scores, *(c for c in (spec.weights,) if c)):
        require_column(spec.table, column, columns, numeric=True, reason=NUMERIC_REASON)
    rows = project.row_count(spec.table)
    if rows == 0:
        raise AnalysisError(f"Table '{spec.table}' has no rows; there is nothing to analyse.")
    if spec.cluster is not None:
        require_cluster_column(spec.table, spec.cluster, columns)
        check_no_nulls(project, ident(spec.table), spec.table, spec.cluster)
    need_distinct = spec.mode != "binned" and rows > spec.exact_limit
    scores = _score_facts(project, spec, rows, need_distinct)
    _check_weights(project, spec, rows)
    positive = _positive(project, spec, rows)
    bins, per_value = resolve_bins(project, spec, columns)
    groups = _groups(project, spec, bins)
    return TableFacts(spec.table, rows, positive, groups, _sites(project, spec), scores, bins, per_value)


def _null_message(table: str, column: str, role: str, count: int, rows: int) -> str:
    return (
        f"Column '{column}' of table '{table}' has {count:,} NULL or non-finite value(s) among {rows:,} "
        f"rows; the {role} must be present on every row. Remove or fill those rows first."
    )


def _score_facts(project: Project, spec: FairnessSpec, rows: int, distinct: bool) -> dict[str, ScoreFacts]:
    parts = []
    for score in spec.scores:
        value = f"CAST({ident(score)} AS DOUBLE)"
        parts += [f"count(*) FILTER (WHERE {value} IS NULL OR NOT isfinite({value}))", f"min({value})"]
        parts += [f"max({value})", f"approx_count_distinct({value})" if distinct else "0"]
    row = project.con.execute(f"SELECT {', '.join(parts)} FROM {ident(spec.table)}").fetchone()
    assert row is not None
    facts = {}
    for index, score in enumerate(spec.scores):
        bad, low, high, count = row[4 * index : 4 * index + 4]
        if bad:
            raise AnalysisError(_null_message(spec.table, score, "score", int(bad), rows))
        facts[score] = ScoreFacts(float(low), float(high), int(count) if distinct else rows)
    return facts


def _check_weights(project: Project, spec: FairnessSpec, rows: int) -> None:
    if spec.weights is None:
        return
    value = f"CAST({ident(spec.weights)} AS DOUBLE)"
    row = project.con.execute(
        f"SELECT count(*) FILTER (WHERE {value} IS NULL OR NOT isfinite({value})), "
        f"count(*) FILTER (WHERE {value} < 0), coalesce(sum({value}), 0) FROM {ident(spec.table)}"
    ).fetchone()
    assert row is not None
    bad, negative, total = row
    if bad:
        raise AnalysisError(_null_message(spec.table, spec.weights, "sample weight", int(bad), rows))
    if negative:
        raise AnalysisError(
            f"Column '{spec.weights}' of table '{spec.table}' has {int(negative):,} negative weight(s); "
            "sample weights must be ≥ 0."
        )
    if total <= 0:
        raise AnalysisError(f"Every weight in column '{spec.weights}' of table '{spec.table}' is 0.")


def _positive(project: Project, spec: FairnessSpec, rows: int) -> Any:
    label = ident(spec.label)
    nulls = project.con.execute(f"SELECT count(*) FILTER (WHERE {label} IS NULL) FROM {ident(spec.table)}")
    null_count = int(nulls.fetchone()[0])  # type: ignore[index]
    if null_count:
        raise AnalysisError(_null_message(spec.table, spec.label, "label", null_count, rows))
    found = project.con.execute(f"SELECT DISTINCT {label} FROM {ident(spec.table)} LIMIT 3").fetchall()
    values = sorted((row[0] for row in found), key=repr)
    shown = ", ".join(repr(value) for value in values)
    if len(values) > 2:
        raise AnalysisError(
            f"Label column '{spec.label}' of table '{spec.table}' is not binary: it has more than two "
            f"values ({shown}, …). Choose a 0/1 label or make one first."
        )
    positive = _match_positive(spec, values, shown)
    if len(values) < 2:
        raise AnalysisError(
            f"Label column '{spec.label}' of table '{spec.table}' has only the value {shown}; accuracy and "
            "fairness need both outcomes."
        )
    return positive


def _match_positive(spec: FairnessSpec, values: list[Any], shown: str) -> Any:
    where = f"label column '{spec.label}' of table '{spec.table}'"
    if spec.positive is None:
        if all(isinstance(v, (bool, int, float)) and v in (0, 1) for v in values):
            return next((v for v in values if v == 1), 1)
        raise AnalysisError(f"The {where} has values {shown}; say which one is positive (e.g. positive=…).")
    for value in values:
        if value == spec.positive or str(value) == str(spec.positive):
            return value
    raise AnalysisError(
        f"The positive value {spec.positive!r} does not occur in the {where}; it has {shown}."
    )


def _groups(project: Project, spec: FairnessSpec, bins: Bins) -> Groups:
    names = ident_order(spec.sensitive)
    found = project.con.execute(
        f"SELECT {', '.join(ident(c) for c in spec.sensitive)}, count(*) FROM {source(spec.table, bins)} "
        f"GROUP BY ALL ORDER BY {names} LIMIT {MAX_GROUPS + 1}"
    ).fetchall()
    if len(found) > MAX_GROUPS:
        raise AnalysisError(
            f"The sensitive column(s) {', '.join(spec.sensitive)} of table '{spec.table}' form more than "
            f"{MAX_GROUPS} groups. Is one of them an identifier? Choose coarser columns."
        )
    values = [tuple(row[:-1]) for row in found]
    labels = [group_label(spec.sensitive, value) for value in values]
    return Groups(tuple(spec.sensitive), values, labels, np.array([row[-1] for row in found], dtype=np.int64))


def ident_order(columns: tuple[str, ...] | list[str] | Any) -> str:
    """``ORDER BY`` terms that sort groups the same way in every query (NULLs last)."""
    return ", ".join(f"{ident(column)} NULLS LAST" for column in columns)


def group_label(columns: tuple[str, ...] | Any, values: tuple[Any, ...]) -> str:
    """``"sex=female & ethnicity=group_a"``; NULL shows as ``(missing)``."""
    return " & ".join(f"{c}={MISSING if v is None else v}" for c, v in zip(columns, values, strict=True))


def _sites(project: Project, spec: FairnessSpec) -> list[Any] | None:
    if spec.site is None:
        return None
    found = project.con.execute(
        f"SELECT DISTINCT {ident(spec.site)} FROM {ident(spec.table)} "
        f"ORDER BY {ident_order([spec.site])} LIMIT {MAX_SITES + 1}"
    ).fetchall()
    if len(found) > MAX_SITES:
        raise AnalysisError(
            f"Site column '{spec.site}' of table '{spec.table}' has more than {MAX_SITES} values; "
            "is it an identifier? Choose a coarser site column."
        )
    return [row[0] for row in found]
