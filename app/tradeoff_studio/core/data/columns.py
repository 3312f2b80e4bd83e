"""Column names of an imported table: unique names, ``--rename OLD=NEW`` and ``--columns A,B,...``.

DuckDB names are case-insensitive, so a header with ``x_Assault`` and ``x_assault`` (or the same
name twice) cannot become one table as it is. The later of two colliding names gets a suffix
(``x_assault_2``) and the import says so. The user may rename columns and keep only some of them,
in their order; a name the file does not have is refused with the file's column list.

The result is a projection by position (``#1 AS "a"``), so it works whatever the read produced.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DataImportError
from ..sql import ident
from .options import ReadOptions


@dataclass(frozen=True)
class Renamed:
    """One column whose name in the table differs from its name in the file."""

    column: str  # its name in the file
    name: str  # its name in the table
    reason: str  # "duplicate" (made unique) or "--rename"

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form, as stored in provenance."""
        return {"column": self.column, "name": self.name, "reason": self.reason}

    def describe(self) -> str:
        """``'x_assault' → 'x_assault_2' (its name clashes with another column)`` and the like."""
        why = "the name clashes with another column" if self.reason == "duplicate" else "--rename"
        return f"{self.column!r} → {self.name!r} ({why})"


@dataclass(frozen=True)
class ColumnPlan:
    """Which of the file's columns the table gets (by 1-based position), under which names."""

    positions: list[int]
    names: list[str]
    renamed: list[Renamed]

    def wrap(self, sql: str) -> str:
        """``sql`` projected onto the kept columns, in order, under their table names."""
        select = ", ".join(
            f"#{position} AS {ident(name)}" for position, name in zip(self.positions, self.names, strict=True)
        )
        return f"SELECT {select} FROM ({sql})"

    def provenance(self, options: ReadOptions) -> dict[str, Any]:
        """What provenance records: the renamed columns, and the ``--rename``/``--columns`` asked."""
        recorded: dict[str, Any] = {"renamed": [item.to_dict() for item in self.renamed]}
        if options.rename:
            recorded["rename"] = dict(options.rename)
        if options.columns is not None:
            recorded["columns"] = list(options.columns)
        return recorded


def unique_names(names: list[str], taken: set[str] | None = None) -> list[str]:
    """``names`` with each later case-insensitive repeat suffixed ``_2``, ``_3``… (skipping taken ones)."""
    used = {name.casefold() for name in taken or set()}
    result = []
    for name in names:
        candidate, number = name, 1
        while candidate.casefold() in used:
            number += 1
            candidate = f"{name}_{number}"
        used.add(candidate.casefold())
        result.append(candidate)
    return result


def plan_columns(
    path: Path, file_names: list[str], rename: dict[str, str], keep: list[str] | None
) -> ColumnPlan:
    """The table's columns from the file's ``file_names``, ``rename`` (OLD → NEW) and ``keep``.

    ``rename`` keys and ``keep`` entries may name a column as the file does or by its unique name.
    """
    unique = unique_names(file_names)
    renamed_to = _apply_renames(path, file_names, unique, rename)
    final = _final_names(path, file_names, renamed_to)
    positions = list(range(1, len(file_names) + 1))
    if keep is not None:
        positions = _kept_positions(path, file_names, unique, final, keep)
    renamed = [
        Renamed(file_names[p - 1], final[p - 1], "--rename" if p - 1 in renamed_to else "duplicate")
        for p in positions
        if final[p - 1] != file_names[p - 1]
    ]
    return ColumnPlan(positions, [final[p - 1] for p in positions], renamed)


def _listing(file_names: list[str]) -> str:
    return ", ".join(map(repr, file_names))


def _position(path: Path, file_names: list[str], unique: list[str], name: str, flag: str) -> int:
    """0-based position of ``name`` (exact file name first, then unique name), or a refusal."""
    if name in file_names:
        return file_names.index(name)
    if name in unique:
        return unique.index(name)
    raise DataImportError(f"{path} has no column {name!r} ({flag}). Its columns are: {_listing(file_names)}.")


def _apply_renames(
    path: Path, file_names: list[str], unique: list[str], rename: dict[str, str]
) -> dict[int, str]:
    renamed: dict[int, str] = {}
    for old, new in rename.items():
        if not new.strip() or "\x00" in new:
            raise DataImportError(f"--rename {old}={new}: {new!r} cannot name a column. Choose another name.")
        position = _position(path, file_names, unique, old, f"--rename {old}={new}")
        if position in renamed:
            raise DataImportError(f"--rename names column {old!r} twice. Rename each column once.")
        renamed[position] = new
    return renamed


def _final_names(path: Path, file_names: list[str], renamed_to: dict[int, str]) -> list[str]:
    """Renamed columns keep the user's name (a clash is refused); the others are made unique."""
    chosen = list(renamed_to.values())
    clashes = {
        name.casefold() for name in chosen if [c.casefold() for c in chosen].count(name.casefold()) > 1
    }
    if clashes:
        raise DataImportError(
            f"--rename gives two columns the name {sorted(clashes)[0]!r}. Choose distinct names."
        )
    for position, new in renamed_to.items():
        other = next(
            (
                name
                for index, name in enumerate(file_names)
                if index not in renamed_to and name.casefold() == new.casefold()
            ),
            None,
        )
        if other is not None:
            raise DataImportError(
                f"--rename {file_names[position]}={new}: {path} already has a column {other!r} "
                "(names are case-insensitive). Choose another name, or rename that column too."
            )
    rest = [index for index in range(len(file_names)) if index not in renamed_to]
    unique_rest = unique_names([file_names[index] for index in rest], taken=set(chosen))
    final = list(file_names)
    for index, name in zip(rest, unique_rest, strict=True):
        final[index] = name
    for index, name in renamed_to.items():
        final[index] = name
    return final


def _kept_positions(
    path: Path, file_names: list[str], unique: list[str], final: list[str], keep: list[str]
) -> list[int]:
    if not keep:
        raise DataImportError("--columns lists no column. Give the columns to keep, e.g. --columns id,score.")
    positions: list[int] = []
    for name in keep:
        found = final.index(name) if name in final else None
        index = found if found is not None else _position(path, file_names, unique, name, "--columns")
        if index + 1 in positions:
            raise DataImportError(f"--columns lists column {name!r} twice. List each column once.")
        positions.append(index + 1)
    return positions
