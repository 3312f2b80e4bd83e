"""Quoting for identifiers and the few literals DuckDB cannot bind (house rule 10).

Values always travel as bound parameters. Identifiers (table and column names taken from
user files) and the path in ``ATTACH`` cannot be parameters, so they are quoted here and
nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable


def ident(name: str) -> str:
    """Quote ``name`` as a DuckDB identifier; any text round-trips exactly."""
    if "\x00" in name:
        raise ValueError("identifiers cannot contain NUL characters")
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """Quote ``text`` as a SQL string literal (for statements that take no parameters)."""
    if "\x00" in text:
        raise ValueError("SQL literals cannot contain NUL characters")
    return "'" + text.replace("'", "''") + "'"


def ident_list(names: Iterable[str]) -> str:
    """A comma-separated list of quoted identifiers."""
    return ", ".join(ident(name) for name in names)
