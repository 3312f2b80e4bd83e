"""Quoting for identifiers and the few literals DuckDB cannot bind (house rule 10).

Values always travel as bound parameters. Identifiers (table and column names taken from
user files) and the path in ``ATTACH`` cannot be parameters, so they are quoted here and
nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable

from .errors import InvalidNameError


def ident(name: str) -> str:
    """Quote ``name`` as a DuckDB identifier; any text round-trips exactly."""
    if "\x00" in name:
        raise InvalidNameError(
            f"The name {name!r} contains a NUL character (\\x00), which a table or column name cannot "
            "hold. Remove it from the file's header (or the name you gave) and try again."
        )
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """Quote ``text`` as a SQL string literal (for statements that take no parameters)."""
    if "\x00" in text:
        raise InvalidNameError(
            f"{text!r} contains a NUL character (\\x00), which a path or name given to DuckDB cannot hold."
        )
    return "'" + text.replace("'", "''") + "'"


def ident_list(names: Iterable[str]) -> str:
    """A comma-separated list of quoted identifiers."""
    return ", ".join(ident(name) for name in names)
