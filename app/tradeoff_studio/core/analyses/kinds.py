"""One descriptor per analysis kind (house rule 14): what the CLI parser, the setup form and the demo read.

An :class:`AnalysisKind` says what a kind is called, its spec type, the function that runs it, how
its spec is built from parameter values (:attr:`AnalysisKind.build`), its default analysis name and
objectives, its :class:`Parameter` list (types, choices, defaults and the column roles that fit)
and its typed result extras. Each kind's descriptor lives beside the kind's own module; this
registry only lists them. A new kind is one core module plus a line in :data:`_DESCRIPTORS`.

Parameter values are what a command line or a form gives, keyed by :attr:`Parameter.name`: text
as typed (``"0,1"``, ``"fp=1,fn=5"``), a list for a repeated parameter, ``None`` when not given.
Importing this module loads the kinds' modules but no pandas (house rule 7).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, get_args

from ..errors import NotFoundError
from .candidates import CandidateTable, Objective, ResultExtras, parse_objectives

Role = Literal[
    "label",
    "favourable",
    "sensitive",
    "weight",
    "id",
    "date",
    "asset",
    "price",
    "return",
    "item",
    "system",
    "correct",
    "cost",
    "latency",
    "confidence",
    "score",
]
ROLES: tuple[Role, ...] = get_args(Role)
ParameterType = Literal[
    "table", "column", "columns", "float", "int", "choice", "text", "bool", "objectives", "models"
]

# Limits the CLI's argparse types and the setup forms both enforce (cli/bounds.py reads them).
MAX_RESAMPLES = 100_000
MAX_FRONTIER_POINTS = 10_000
MAX_THRESHOLDS = 100  # the cost-quality analysis refuses more cascade steps
MAX_BATCH_ROWS = 1 << 20
MAX_REPEATS = 100_000
MAX_PERIODS_PER_YEAR = 1_000_000


@dataclass(frozen=True)
class Parameter:
    """One setting of an analysis kind: a CLI option and a field of its setup form.

    ``name`` is the key of the value handed to :attr:`AnalysisKind.build` (and the CLI's ``dest``).
    ``repeat``: the parameter may be given several times (its value is a list); ``many``: one
    flag takes several values. ``low``/``high`` bound a number (open ends with ``low_open`` /
    ``high_open``). ``choice_flags`` turns a choice into one flag per choice (``--prices``…), exactly
    one of which is given. ``roles`` are the column roles (issue #12) whose columns fit.
    """

    name: str
    flag: str
    type: ParameterType
    help: str | None = None
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    repeat: bool = False
    many: bool = False
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    metavar: str | None = None
    choice_flags: tuple[tuple[str, str], ...] = ()  # (flag, help) per choice, in ``choices`` order


def column(name: str, flag: str, help: str | None = None, *roles: Role, **more: Any) -> Parameter:
    """A parameter naming one column (``metavar`` COL unless given)."""
    return Parameter(name, flag, "column", help, roles=roles, **({"metavar": "COL"} | more))


def resamples(default: int | None, help: str, low: int = 10) -> Parameter:
    """The bootstrap resamples parameter (``--resamples N``)."""
    return Parameter(
        "resamples", "--resamples", "int", help, default=default, low=low, high=MAX_RESAMPLES, metavar="N"
    )


def label_parameters() -> tuple[Parameter, Parameter]:
    """``--label COL`` and ``--positive V``: a binary outcome and its positive value (fairness,
    model variants)."""
    return (
        column("label", "--label", "the binary outcome column", "label", required=True),
        Parameter(
            "positive", "--positive", "text", "the label's positive value (default 1/true)",
            metavar="V", roles=("favourable",),
        ),
    )  # fmt: skip


COMMON_PARAMETERS = (
    Parameter("table", "--table", "table", required=True, metavar="T"),
    Parameter(
        "objectives",
        "--objectives",
        "objectives",
        "objectives, comma-separated",
        metavar="METRIC:max|min,...",
    ),
    Parameter("name", "--name", "text", "analysis name (default: KIND-TABLE, made unique)", metavar="A"),
    Parameter(
        "where",
        "--where",
        "text",
        "analyse only the rows where this SQL condition holds, e.g. \"split = 'test'\"",
        metavar="EXPR",
    ),
)
"""What every kind takes: the table, objectives, the analysis name and a row filter."""

Build = Callable[[Mapping[str, Any]], Any]
Run = Callable[..., CandidateTable]  # run(project, spec, *, progress, cancel)


def _extras_from_notes(spec: Any, table: CandidateTable) -> ResultExtras:
    return ResultExtras.from_notes(table.notes)


def _spec_table(spec: Any) -> str:
    return str(spec.table)


@dataclass(frozen=True)
class AnalysisKind:
    """Everything about one analysis kind that code outside the kind needs."""

    name: str  # the stored kind string and the CLI subcommand
    title: str  # for humans
    help: str  # one line: what it trades off (the CLI's subcommand help)
    spec_type: type
    run: Run
    build: Build  # spec from parameter values (COMMON_PARAMETERS and parameters)
    parameters: tuple[Parameter, ...]
    default_objectives: tuple[Objective, ...]
    extras: Callable[[Any, CandidateTable], ResultExtras] = _extras_from_notes
    table_of: Callable[[Any], str] = _spec_table
    demo: Callable[[], Any] | None = None  # a spec on the demo project's tables

    def default_name(self, spec: Any) -> str:
        """``<kind>-<table>``: the name an analysis gets when none is given (made unique on store)."""
        return f"{self.name}-{self.table_of(spec)}"

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name`` (common ones included)."""
        for parameter in (*COMMON_PARAMETERS, *self.parameters):
            if parameter.name == name:
                return parameter
        raise KeyError(name)


_DESCRIPTORS = (
    "fairness.kind",
    "generic_kind",
    "ope_kind",
    "risk_return.kind",
    "cost_quality.kind",
    "model_variants.kind",
)
"""The modules (under this package) whose ``KIND`` is a descriptor, in the order they are listed."""


@cache
def all_kinds() -> tuple[AnalysisKind, ...]:
    """Every analysis kind, in a stable order."""
    return tuple(importlib.import_module(f"{__package__}.{module}").KIND for module in _DESCRIPTORS)


def kind(name: str) -> AnalysisKind:
    """The kind called ``name``; :class:`NotFoundError` lists the kinds."""
    for found in all_kinds():
        if found.name == name:
            return found
    raise NotFoundError(
        f"There is no analysis kind '{name}'. Kinds: {', '.join(k.name for k in all_kinds())}."
    )


def kind_of(spec: Any) -> AnalysisKind:
    """The kind whose spec type ``spec`` is; :class:`NotFoundError` when none is."""
    for found in all_kinds():
        if isinstance(spec, found.spec_type):
            return found
    raise NotFoundError(f"No analysis kind takes a {type(spec).__name__} spec.")


def names(values: Sequence[str] | str | None) -> list[str]:
    """Repeated and comma-separated names (``["a,b", "c"]`` or ``"a,b"``), in order; none for None."""
    if values is None:
        return []
    items = [values] if isinstance(values, str) else values
    return [name.strip() for value in items for name in value.split(",") if name.strip()]


def objectives_value(values: Mapping[str, Any]) -> dict[str, Any]:
    """``{"objectives": (...)}`` when objectives were given, else nothing (the kind's default)."""
    text = values.get("objectives")
    return {"objectives": tuple(parse_objectives(text))} if text else {}


def given(values: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    """The values of ``keys`` that were given (not None), for spec fields with their own defaults."""
    return {key: values[key] for key in keys if values.get(key) is not None}
