"""Column roles as an analysis kind's parameter values: what a setup form pre-fills and what the CLI
may use for options the user left out (issue #12). The kinds' descriptors name the roles that fit
each parameter (``core.analyses.kinds``); this maps a table's :func:`~.roles.roles_defaults` onto
them, in the form :attr:`AnalysisKind.build` reads (text as typed, lists for several columns).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..analyses.kinds import AnalysisKind, Parameter


def parameter_defaults(kind: AnalysisKind, defaults: Mapping[str, Any]) -> dict[str, Any]:
    """Values of ``kind``'s parameters that the roles in ``defaults`` (role → column or columns, and
    ``favourable``) determine. A one-column parameter gets the column holding its first (own) role
    when exactly one does; a several-column parameter every column of its roles; a label's value
    parameter the favourable value. A column goes to the first parameter that takes it (``--cost``,
    not also ``--input-tokens``). Parameters no role determines are left out."""
    values: dict[str, Any] = {}
    used: set[str] = set()
    for parameter in kind.parameters:
        value = _value(parameter, defaults, used)
        if value is not None:
            values[parameter.name] = value
            used.update(
                [value] if parameter.type == "column" else value if parameter.type == "columns" else []
            )
    return values


def _value(parameter: Parameter, defaults: Mapping[str, Any], used: set[str]) -> Any:
    if parameter.type == "text" and "favourable" in parameter.roles:
        return defaults.get("favourable")
    roles = [role for role in parameter.roles if role != "favourable"]
    if parameter.type == "column" and roles:
        columns = _columns(defaults.get(roles[0]))
        return columns[0] if len(columns) == 1 and columns[0] not in used else None
    if parameter.type == "columns":
        found = [column for role in roles for column in _columns(defaults.get(role)) if column not in used]
        return list(dict.fromkeys(found)) or None
    return None


def _columns(held: Any) -> list[str]:
    if held is None:
        return []
    return [held] if isinstance(held, str) else [str(column) for column in held]
