"""Which table columns feed which model inputs (and, re-exported, which output becomes the score).

Rules, in order: explicit overrides (``--map INPUT=COLUMN``) win; otherwise an input takes the
column of the same name, then the one whose name differs only in case. A model whose single
input is 2-D ``[N, k]`` takes the k columns its metadata lists (the first of the keys
``tradeoff_studio.feature_columns``, ``feature_names``, ``feature_columns``, ``columns`` that is
present, as a JSON list or comma-separated text), or an override giving them. Types and ranks
are checked before anything runs, and a mismatch lists what the model expects next to what the
table has.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ModelError
from .manifest import ModelManifest, TensorSpec
from .outputs import OutputSpec, choose_output, describe_spec

__all__ = [
    "FEATURE_COLUMNS_KEY",
    "FEATURE_COLUMNS_KEYS",
    "InputBinding",
    "InputMapping",
    "OutputSpec",
    "choose_output",
    "describe_spec",
    "layout_problem",
    "map_inputs",
    "metadata_columns",
]

FEATURE_COLUMNS_KEY = "tradeoff_studio.feature_columns"
FEATURE_COLUMNS_KEYS = (FEATURE_COLUMNS_KEY, "feature_names", "feature_columns", "columns")
Overrides = Mapping[str, str | Sequence[str]]

# numpy dtype of a model input -> the DuckDB type its column is cast to while reading.
SQL_TYPES = {
    "float16": "FLOAT",
    "float32": "FLOAT",
    "float64": "DOUBLE",
    "int8": "TINYINT",
    "int16": "SMALLINT",
    "int32": "INTEGER",
    "int64": "BIGINT",
    "uint8": "UTINYINT",
    "uint16": "USMALLINT",
    "uint32": "UINTEGER",
    "uint64": "UBIGINT",
    "bool": "BOOLEAN",
    "object": "VARCHAR",
}
_INTEGER_TYPES = frozenset(
    sign + size for sign in ("", "U") for size in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT")
)
_MAX_LISTED_COLUMNS = 60
_MAP_HINT = (
    "Choose the column for an input with --map INPUT=COLUMN "
    "(for an [N, k] input, list its k columns in order: --map INPUT=COL1,COL2,...)."
)


@dataclass(frozen=True)
class InputBinding:
    """One model input and the column(s) that feed it.

    ``layout`` is the reshape rule: ``vector`` feeds ``[N]``, ``column`` feeds ``[N, 1]`` and
    ``matrix`` stacks the columns side by side into ``[N, k]``.
    """

    input_name: str
    columns: tuple[str, ...]
    dtype: str
    layout: str

    @property
    def sql_type(self) -> str:
        """The DuckDB type the columns are cast to while they are read."""
        return SQL_TYPES[self.dtype]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "input": self.input_name,
            "columns": list(self.columns),
            "dtype": self.dtype,
            "layout": self.layout,
        }

    def tensor(self, arrays: Sequence[np.ndarray]) -> np.ndarray:
        """The input tensor from one array per column (each of length N)."""
        if self.layout == "matrix":
            return np.column_stack(arrays).astype(self.dtype, copy=False)
        values = arrays[0] if self.dtype == "object" else arrays[0].astype(self.dtype, copy=False)
        return values.reshape(-1, 1) if self.layout == "column" else values


@dataclass(frozen=True)
class InputMapping:
    """The binding of every model input, in the model's input order."""

    bindings: tuple[InputBinding, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        """Each table column that is read, once, in first-use order."""
        return tuple(dict.fromkeys(column for binding in self.bindings for column in binding.columns))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (stored with each score column)."""
        return {"inputs": [binding.to_dict() for binding in self.bindings]}


def map_inputs(
    manifest: ModelManifest,
    table_columns: Sequence[tuple[str, str]],
    *,
    model: str,
    table: str,
    overrides: Overrides | None = None,
) -> InputMapping:
    """Bind each input of ``manifest`` to columns of ``table`` (``(name, DuckDB type)`` pairs).

    Raises :class:`ModelError` listing every problem, the model's inputs and the table's columns.
    """
    given = dict(overrides or {})
    names = [spec.name for spec in manifest.inputs]
    problems = [
        f"--map names input '{name}', which the model does not have (its inputs: {', '.join(names)})"
        for name in given
        if name not in names
    ]
    types = dict(table_columns)
    bindings = []
    for spec in manifest.inputs:
        binding, problem = _bind(spec, manifest, types, given.get(spec.name))
        if binding is not None:
            bindings.append(binding)
        problems.extend([f"input '{spec.name}' ({describe_spec(spec)}): {problem}"] if problem else [])
    if problems:
        raise ModelError(_mismatch_message(model, table, manifest, table_columns, problems))
    return InputMapping(tuple(bindings))


def _bind(
    spec: TensorSpec, manifest: ModelManifest, types: Mapping[str, str], override: str | Sequence[str] | None
) -> tuple[InputBinding | None, str | None]:
    """The binding of one input, or the reason it cannot be bound."""
    if spec.dtype not in SQL_TYPES:
        return None, f"type {spec.onnx_type} cannot be fed from a table column"
    layout, width, problem = _layout(spec)
    if problem:
        return None, problem
    columns, problem = _columns(spec, manifest, types, override, layout)
    expected = 1 if layout != "matrix" else width
    if not problem and expected is not None and len(columns) != expected:
        problem = f"takes {expected} column(s) but {len(columns)} were given ({', '.join(columns)})"
    if not problem:
        found = [_type_problem(spec.dtype or "", column, types[column]) for column in columns]
        problem = "; ".join(text for text in found if text)
    if problem:
        return None, problem
    return InputBinding(spec.name, tuple(columns), spec.dtype or "", layout), None


def layout_problem(spec: TensorSpec) -> str | None:
    """Why an input of this shape cannot be fed from table columns, or None when it can."""
    return _layout(spec)[2]


def _layout(spec: TensorSpec) -> tuple[str, int | None, str | None]:
    """Reshape rule and column count (None: any) from the input's shape, or the problem with it."""
    shape = spec.shape
    if shape is None:
        return "", None, "the model does not declare its shape; re-export it with input shapes"
    if len(shape) not in (1, 2):
        return "", None, f"rank {len(shape)}; only [N], [N, 1] or [N, k] inputs can be fed from table columns"
    if isinstance(shape[0], int):
        fixed = f"fixed batch size {shape[0]}; re-export the model with a dynamic first axis (None or 'N')"
        return "", None, fixed
    if len(shape) == 1:
        return "vector", 1, None
    width = shape[1] if isinstance(shape[1], int) else None
    return ("column", 1, None) if width == 1 else ("matrix", width, None)


def _columns(
    spec: TensorSpec,
    manifest: ModelManifest,
    types: Mapping[str, str],
    override: str | Sequence[str] | None,
    layout: str,
) -> tuple[list[str], str | None]:
    """The column names for one input (override, metadata or name match) or the problem."""
    if override is not None:
        columns = _override_columns(override, types, layout)
    elif layout == "matrix":
        return _metadata_columns(spec, manifest, types)
    else:
        columns, problem = _match_name(spec.name, types)
        if problem:
            return [], problem
    missing = [column for column in columns if column not in types]
    if missing:
        return (
            [],
            f"--map names column(s) {', '.join(repr(m) for m in missing)}, which the table does not have",
        )
    return columns, None


def _override_columns(override: str | Sequence[str], types: Mapping[str, str], layout: str) -> list[str]:
    """Columns of an override; a matrix input's text override may list them comma-separated."""
    if not isinstance(override, str):
        return list(override)
    if layout == "matrix" and override not in types:
        return [part.strip() for part in override.split(",")]
    return [override]


def loose_name(name: str) -> str:
    """A name as input matching compares it: case folded, ``-``, ``_`` and spaces dropped."""
    return re.sub(r"[-_\s]", "", name.casefold())


def _match_name(name: str, types: Mapping[str, str]) -> tuple[list[str], str | None]:
    """The column named like the input: exactly, else differing only in case, else only in case and
    ``-``/``_``/spaces (skl2onnx turns ``education-num`` into ``education_num``); or the problem."""
    if name in types:
        return [name], None
    for same, what in ((str.casefold, "only in case"), (loose_name, "only in case, -, _ or spaces")):
        found = [column for column in types if same(column) == same(name)]
        if len(found) == 1:
            return found, None
        if found:
            return [], f"several columns differ from it {what} ({', '.join(found)}); pick one with --map"
    return [], "the table has no column of that name (nor one differing only in case, -, _ or spaces)"


def loose_matches(mapping: InputMapping) -> list[str]:
    """``input ← column`` for every input bound to a single column of another spelling."""
    return [f"{b.input_name} ← {b.columns[0]}" for b in mapping.bindings
            if len(b.columns) == 1 and b.columns[0] != b.input_name]  # fmt: skip


def metadata_columns(manifest: ModelManifest) -> tuple[list[str] | None, str]:
    """The feature columns the model's metadata lists, and the key they came from.

    ``(None, problem)`` when no key is present or its value is neither a JSON list of names nor
    comma-separated names.
    """
    key = next((key for key in FEATURE_COLUMNS_KEYS if key in manifest.metadata), None)
    if key is None:
        return None, f"the model's metadata names no columns (none of {', '.join(FEATURE_COLUMNS_KEYS)})"
    text = manifest.metadata[key].strip()
    try:
        columns = json.loads(text) if text.startswith("[") else [part.strip() for part in text.split(",")]
    except json.JSONDecodeError:
        columns = None
    if not isinstance(columns, list) or not columns or not all(isinstance(c, str) and c for c in columns):
        return None, f"the model's '{key}' metadata is neither a JSON list nor comma-separated column names"
    return columns, key


def _metadata_columns(
    spec: TensorSpec, manifest: ModelManifest, types: Mapping[str, str]
) -> tuple[list[str], str | None]:
    """The feature columns a single [N, k] input takes from the model's metadata."""
    width = spec.shape[1] if spec.shape and len(spec.shape) == 2 and isinstance(spec.shape[1], int) else None
    several = f"takes {width} columns at once" if width else "takes several columns at once"
    if len(manifest.inputs) != 1:
        return [], f"{several}; give them in order with --map {spec.name}=COL1,COL2,..."
    columns, key = metadata_columns(manifest)
    if columns is None:
        return [], f"{several} and {key}; give them in order with --map {spec.name}=COL1,COL2,..."
    missing = [column for column in columns if column not in types]
    if missing:
        listed = ", ".join(missing)
        return [], f"the model's '{key}' metadata lists column(s) the table does not have: {listed}"
    return columns, None


def _type_problem(dtype: str, column: str, column_type: str) -> str | None:
    """Why a column of DuckDB type ``column_type`` cannot feed an input of numpy ``dtype``."""
    kind = _column_kind(column_type)
    if dtype == "object":
        accepted, needs = {"string"}, "a VARCHAR column"
    elif dtype == "bool":
        accepted, needs = {"boolean"}, "a BOOLEAN column"
    elif dtype.startswith(("int", "uint")):
        accepted, needs = (
            {"integer", "boolean"},
            "an integer or BOOLEAN column (fractional values would be rounded)",
        )
    else:
        accepted, needs = {"integer", "float", "boolean"}, "a numeric or BOOLEAN column"
    if kind in accepted:
        return None
    return f"column '{column}' is {column_type}; a {dtype} input needs {needs}"


def _column_kind(column_type: str) -> str:
    """``integer``, ``float``, ``boolean``, ``string`` or ``other`` for a DuckDB type name."""
    upper = column_type.upper()
    if upper in _INTEGER_TYPES:
        return "integer"
    if upper in {"FLOAT", "DOUBLE", "REAL"} or upper.startswith("DECIMAL"):
        return "float"
    if upper == "BOOLEAN":
        return "boolean"
    return "string" if upper == "VARCHAR" else "other"


def _mismatch_message(
    model: str,
    table: str,
    manifest: ModelManifest,
    table_columns: Sequence[tuple[str, str]],
    problems: list[str],
) -> str:
    lines = [f"Model '{model}' does not fit table '{table}':"]
    lines += [f"  - {problem}" for problem in problems]
    lines.append(f"Model '{model}' expects these inputs (name, type, shape):")
    lines += [f"    {spec.name}: {describe_spec(spec)}" for spec in manifest.inputs]
    lines.append(f"Table '{table}' has these columns:")
    lines += [f"    {name}: {dtype}" for name, dtype in table_columns[:_MAX_LISTED_COLUMNS]]
    if len(table_columns) > _MAX_LISTED_COLUMNS:
        lines.append(f"    … and {len(table_columns) - _MAX_LISTED_COLUMNS} more")
    lines.append(_MAP_HINT)
    return "\n".join(lines)
