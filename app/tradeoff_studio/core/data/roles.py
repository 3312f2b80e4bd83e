"""Column roles: which column of a table is the label, the weight, a sensitive attribute, a score…

Roles are stored in the project's catalog (``_ts.column_roles``), set in the data view or with
``tradeoff-studio roles``, and read back by :func:`roles_defaults` as the defaults of analysis setup
forms and the CLI. A column has at most one role. Most roles belong to one column of a table; setting
one on another column moves it there. ``sensitive``, ``price``, ``return``, ``confidence`` and ``score``
may be held by several columns. Every change is validated first (the column exists, its type fits the
role, a label's favourable value occurs in it), written in one transaction and audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from .. import audit
from ..errors import NotFoundError, StudioError
from ..project import ALIAS, Project
from ..schema import CATALOG_SCHEMA
from ..sql import ident

NUMERIC = frozenset({"integer", "float", "decimal"})
CATEGORICAL = frozenset({"integer", "text", "boolean"})


class RoleError(StudioError):
    """A role that does not exist, or does not fit the column it was given to."""


@dataclass(frozen=True)
class RoleSpec:
    """One role: its name, what it means, the column types that fit it, and how many columns hold it."""

    name: str
    meaning: str
    kinds: frozenset[str]
    multiple: bool = False


ROLES: dict[str, RoleSpec] = {
    spec.name: spec
    for spec in (
        RoleSpec("label", "the outcome to predict (with its favourable value)", CATEGORICAL),
        RoleSpec("sensitive", "a protected attribute to check fairness over", CATEGORICAL, multiple=True),
        RoleSpec("weight", "a row weight", NUMERIC),
        RoleSpec("id", "a row identifier", frozenset({"integer", "text", "uuid"})),
        RoleSpec("date", "when the row happened", frozenset({"temporal"})),
        RoleSpec("asset", "the asset a price or return belongs to", frozenset({"integer", "text"})),
        RoleSpec("price", "an asset's price", NUMERIC, multiple=True),
        RoleSpec("return", "an asset's return", NUMERIC, multiple=True),
        RoleSpec("item", "the item (task, query) a system was run on", frozenset({"integer", "text"})),
        RoleSpec("system", "the system (model, router) that was run", frozenset({"integer", "text"})),
        RoleSpec("correct", "whether the system got the item right", frozenset({"boolean", *NUMERIC})),
        RoleSpec("cost", "the cost of a run", NUMERIC),
        RoleSpec("latency", "the latency of a run", NUMERIC),
        RoleSpec("confidence", "a model's confidence", NUMERIC, multiple=True),
        RoleSpec("score", "a model score", NUMERIC, multiple=True),
    )
}

_KIND_WORDS = {
    "integer": "an integer",
    "float": "a floating-point number",
    "decimal": "a decimal number",
    "text": "text",
    "boolean": "a boolean",
    "temporal": "a date or time",
    "uuid": "a UUID",
    "other": "a nested or binary value",
}
_INTEGER = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
            "UBIGINT", "UHUGEINT")  # fmt: skip


_EXACT_KINDS = {
    **dict.fromkeys(_INTEGER, "integer"),
    **dict.fromkeys(("FLOAT", "DOUBLE", "REAL"), "float"),
    **dict.fromkeys(("VARCHAR", "TEXT", "STRING"), "text"),
    "BOOLEAN": "boolean",
    "UUID": "uuid",
}
_PREFIX_KINDS = (("DECIMAL", "decimal"), ("ENUM", "text"), ("DATE", "temporal"), ("TIME", "temporal"))


def type_kind(dtype: str) -> str:
    """The kind of a DuckDB type: integer, float, decimal, text, boolean, temporal, uuid or other."""
    upper = dtype.upper()
    if upper in _EXACT_KINDS:
        return _EXACT_KINDS[upper]
    return next((kind for prefix, kind in _PREFIX_KINDS if upper.startswith(prefix)), "other")


@dataclass(frozen=True)
class ColumnRole:
    """The role one column of a table plays; ``value`` is a label's favourable value."""

    column: str
    role: str
    value: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"column": self.column, "role": self.role, "value": self.value}


@dataclass(frozen=True)
class RolesChange:
    """A table's roles before and after a change."""

    table: str
    before: list[ColumnRole]
    after: list[ColumnRole]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "table": self.table,
            "before": [role.to_dict() for role in self.before],
            "after": [role.to_dict() for role in self.after],
        }

    @property
    def changed(self) -> bool:
        """Whether anything differs."""
        return self.before != self.after


def get_roles(project: Project, table: str) -> list[ColumnRole]:
    """The roles set on ``table``'s columns, in the table's column order."""
    columns = _table_columns(project, table)
    rows = project.con.execute(
        f"SELECT column_name, role, value FROM {CATALOG_SCHEMA}.column_roles WHERE table_name = ?", [table]
    ).fetchall()
    order = {name: index for index, (name, _dtype) in enumerate(columns)}
    found = [ColumnRole(str(c), str(r), None if v is None else str(v)) for c, r, v in rows if c in order]
    return sorted(found, key=lambda item: order[item.column])


def set_role(project: Project, table: str, column: str, role: str, value: str | None = None) -> RolesChange:
    """Give ``column`` the ``role`` (moving a one-column role off the column that held it); audited."""
    return change_roles(project, table, set_={column: (role, value)}, clear=[])


def clear_role(project: Project, table: str, column: str) -> RolesChange:
    """Remove ``column``'s role (a column without one is refused, naming the columns that have one)."""
    return change_roles(project, table, set_={}, clear=[column])


def change_roles(
    project: Project, table: str, *, set_: dict[str, tuple[str, str | None]], clear: list[str]
) -> RolesChange:
    """Clear the ``clear`` columns' roles and give each ``set_`` column its (role, value), as one change.

    A one-column role given to a new column moves there. Clearing a column that has no role is
    refused, naming the columns that have one; anything refused changes nothing.
    """
    columns = _table_columns(project, table)
    before = get_roles(project, table)
    holders = {item.column for item in before}
    for column in clear:
        _require_column(table, column, columns)
        if column not in holders:
            listed = ", ".join(f"{item.column} ({item.role})" for item in before) or "none"
            raise RoleError(
                f"Column {column!r} of table {table!r} has no role to clear. Columns with a role: {listed}."
            )
    moved = {role for role, _value in set_.values() if not _spec(role).multiple}
    kept = [
        item
        for item in before
        if item.column not in clear and item.column not in set_ and item.role not in moved
    ]
    wanted = [ColumnRole(column, role, value) for column, (role, value) in set_.items()]
    return apply_roles(project, table, [*kept, *wanted])


def apply_roles(project: Project, table: str, roles: list[ColumnRole]) -> RolesChange:
    """Make ``roles`` the whole set of ``table``'s roles: validated first, written atomically, audited.

    Labels' favourable values are stored in the column's own text form (``'1'`` for ``1.0`` typed
    into an integer column). Nothing is written when anything is refused, or when nothing changes.
    """
    columns = _table_columns(project, table)
    before = get_roles(project, table)
    after = _validated(project, table, dict(columns), roles)
    change = RolesChange(table, before, after)
    if not change.changed:
        return change
    with project.transaction() as con:
        con.execute(f"DELETE FROM {CATALOG_SCHEMA}.column_roles WHERE table_name = ?", [table])
        for item in after:
            con.execute(
                f"INSERT INTO {CATALOG_SCHEMA}.column_roles VALUES (?, ?, ?, ?, now())",
                [table, item.column, item.role, item.value],
            )
        audit.record(con, action="roles.set", subject=table, details=change.to_dict())
    return change


def roles_defaults(project: Project, table: str) -> dict[str, Any]:
    """Role → column (one-column roles) or list of columns (``sensitive``, ``price``, ``return``,
    ``confidence``, ``score``), for the roles set on ``table``; plus ``favourable`` (the label's
    favourable value) when one is set. Analysis setup forms and the CLI use these as defaults: the
    keys are the roles that ``core.analyses.kinds`` parameters name."""
    defaults: dict[str, Any] = {}
    for item in get_roles(project, table):
        if ROLES[item.role].multiple:
            defaults.setdefault(item.role, []).append(item.column)
        else:
            defaults[item.role] = item.column
            if item.role == "label" and item.value is not None:
                defaults["favourable"] = item.value
    return defaults


def describe_roles() -> str:
    """``label, sensitive, weight, …``: the role names, for messages and help."""
    return ", ".join(ROLES)


def _spec(role: str) -> RoleSpec:
    spec = ROLES.get(role)
    if spec is None:
        raise RoleError(f"{role!r} is not a column role. Roles: {describe_roles()}.")
    return spec


def _table_columns(project: Project, table: str) -> list[tuple[str, str]]:
    if table not in project.tables():
        listed = ", ".join(project.tables()) or "(none yet)"
        raise NotFoundError(f"The project has no table {table!r}. Its tables: {listed}.")
    return project.columns(table)


def _require_column(table: str, column: str, columns: list[tuple[str, str]]) -> None:
    if column not in {name for name, _dtype in columns}:
        listed = ", ".join(name for name, _dtype in columns)
        raise NotFoundError(f"Table {table!r} has no column {column!r}. Its columns: {listed}.")


def _validated(
    project: Project, table: str, types: dict[str, str], roles: list[ColumnRole]
) -> list[ColumnRole]:
    """``roles`` checked and canonical, in column order; the first problem is raised."""
    seen: dict[str, ColumnRole] = {}
    holders: dict[str, str] = {}
    for item in roles:
        spec = _spec(item.role)
        _require_column(table, item.column, list(types.items()))
        if item.column in seen:
            raise RoleError(
                f"Column {item.column!r} of table {table!r} is given two roles; a column has one."
            )
        kind = type_kind(types[item.column])
        if kind not in spec.kinds:
            fits = _either([_KIND_WORDS[k] for k in sorted(spec.kinds)])
            raise RoleError(
                f"Column {item.column!r} of table {table!r} is {types[item.column]} ({_KIND_WORDS[kind]}), "
                f"but a {item.role} column must be {fits}. Choose another column for {item.role}."
            )
        if not spec.multiple and item.role in holders:
            raise RoleError(
                f"Table {table!r} can have one {item.role} column, but both {holders[item.role]!r} and "
                f"{item.column!r} were given it. Keep one."
            )
        holders[item.role] = item.column
        value = _checked_value(project, table, item, types[item.column])
        seen[item.column] = ColumnRole(item.column, item.role, value)
    order = list(types)
    return sorted(seen.values(), key=lambda role: order.index(role.column))


def _either(words: list[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _checked_value(project: Project, table: str, item: ColumnRole, dtype: str) -> str | None:
    """A label's favourable value in the column's text form, if it occurs in the column."""
    if item.value is None or item.value == "":
        return None
    if item.role != "label":
        raise RoleError(
            f"Only a label takes a value (its favourable outcome); {item.column}={item.role}:{item.value} "
            f"gives one to a {item.role}. Drop ':{item.value}'."
        )
    con, column = project.con, ident(item.column)
    try:
        row = con.execute(f"SELECT TRY_CAST(? AS {dtype})::VARCHAR", [item.value]).fetchone()
    except duckdb.Error:
        row = None
    if row is None or row[0] is None:
        raise RoleError(
            f"{item.value!r} is not a {dtype} value, so label column {item.column!r} cannot hold it."
        )
    found = con.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {ALIAS}.main.{ident(table)} "
        f"WHERE {column} = TRY_CAST(? AS {dtype}) LIMIT 1)",
        [item.value],
    ).fetchone()
    if not found or found[0] == 0:
        examples = con.execute(
            f"SELECT DISTINCT {column}::VARCHAR FROM {ALIAS}.main.{ident(table)} "
            f"WHERE {column} IS NOT NULL ORDER BY 1 LIMIT 6"
        ).fetchall()
        listed = ", ".join(repr(str(value)) for (value,) in examples)
        raise RoleError(
            f"Label column {item.column!r} of table {table!r} never holds {item.value!r}. "
            f"Its values include: {listed}."
        )
    return str(row[0])
