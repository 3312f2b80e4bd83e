"""Numeric sensitive columns: refused when they would make one group per value, or binned.

A numeric sensitive column with more than :data:`.spec.MAX_NUMERIC_VALUES` distinct values
would turn every age or income into a group of its own; it is refused with the ``--bins``
suggestion. ``spec.sensitive_bins`` bins such a column on edges (``"25,45,65"``: ``< 25``,
``[25, 45)``, ``[45, 65)``, ``≥ 65``) or on quantiles (``"q4"``: edges at the quartiles of the
table, computed once). Every query of the analysis then reads :func:`source`, the table with
the binned columns replaced by their bin labels, so groups are the same everywhere. The edges
are numbers the analysis computed or parsed with ``float``, written into the SQL as literals.
"""

from __future__ import annotations

import itertools

from ...project import Project
from ...sql import ident
from ..candidates import AnalysisError
from ..inputs import is_numeric
from .spec import MAX_NUMERIC_VALUES, FairnessSpec, parse_bins

Bins = dict[str, list[float]]


def _number(value: float) -> str:
    return f"{value:g}"


def bin_labels(edges: list[float]) -> list[str]:
    """The labels of the bins the edges make: ``< a``, ``[a, b)``, …, ``≥ z``."""
    inner = [f"[{_number(a)}, {_number(b)})" for a, b in itertools.pairwise(edges)]
    return [f"< {_number(edges[0])}", *inner, f"≥ {_number(edges[-1])}"]


def bin_expression(column: str, edges: list[float]) -> str:
    """SQL: the bin label of ``column`` (NULL stays NULL, a missing group of its own)."""
    value = f"CAST({ident(column)} AS DOUBLE)"
    labels = bin_labels(edges)
    cases = " ".join(
        f"WHEN {value} < {edge!r} THEN '{label}'" for edge, label in zip(edges, labels, strict=False)
    )
    return f"CASE WHEN {value} IS NULL THEN NULL {cases} ELSE '{labels[-1]}' END"


def source(table: str, bins: Bins) -> str:
    """The FROM source every grouped query reads: the table, with binned columns replaced."""
    if not bins:
        return ident(table)
    replaced = ", ".join(
        f"{bin_expression(column, edges)} AS {ident(column)}" for column, edges in bins.items()
    )
    return f"(SELECT * REPLACE ({replaced}) FROM {ident(table)})"


def resolve_bins(
    project: Project, spec: FairnessSpec, columns: dict[str, str]
) -> tuple[Bins, tuple[str, ...]]:
    """Edges per binned column (quantiles computed on the table), and the numeric sensitive columns
    kept one group per value. Refuses a numeric sensitive column with many distinct values that
    is not binned, and a binned column that is not numeric."""
    bins: Bins = {}
    per_value = []
    for column in spec.sensitive:
        numeric = is_numeric(columns[column])
        if column in spec.sensitive_bins:
            if not numeric:
                raise AnalysisError(
                    f"--bins names '{column}' of table '{spec.table}', which is not numeric "
                    f"({columns[column]}); only numeric sensitive columns can be binned."
                )
            bins[column] = _edges(project, spec, column, parse_bins(column, spec.sensitive_bins[column]))
        elif numeric:
            _refuse_many_values(project, spec, column)
            per_value.append(column)
    return bins, tuple(per_value)


def _edges(project: Project, spec: FairnessSpec, column: str, parsed: int | list[float]) -> list[float]:
    if isinstance(parsed, list):
        return parsed
    points = [i / parsed for i in range(1, parsed)]
    row = project.con.execute(
        f"SELECT quantile_cont(CAST({ident(column)} AS DOUBLE), ?) FROM {ident(spec.table)}", [points]
    ).fetchone()
    edges = sorted({float(edge) for edge in (row[0] if row and row[0] else [])})
    if not edges:
        raise AnalysisError(f"Column '{column}' of table '{spec.table}' has no values to bin.")
    return edges


def _refuse_many_values(project: Project, spec: FairnessSpec, column: str) -> None:
    row = project.con.execute(f"SELECT count(DISTINCT {ident(column)}) FROM {ident(spec.table)}").fetchone()
    distinct = int(row[0]) if row else 0
    if distinct > MAX_NUMERIC_VALUES:
        raise AnalysisError(
            f"Sensitive column '{column}' of table '{spec.table}' is numeric with {distinct:,} distinct "
            f"values: it would make one group per value. Bin it, e.g. --bins {column}=25,45,65 (edges) or "
            f"--bins {column}=q4 (quartiles), or make a grouped column first."
        )
