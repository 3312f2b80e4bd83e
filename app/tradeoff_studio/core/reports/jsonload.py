"""Typed JSON loading for dataclasses: plain JSON values back into the annotated types."""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Literal


def load_json(kind: Any, value: Any, where: str) -> Any:
    """``value`` (plain JSON) as ``kind`` (a type annotation); raises on a mismatch."""
    origin = typing.get_origin(kind)
    if dataclasses.is_dataclass(kind):
        if not isinstance(value, dict):
            raise TypeError(f"{where} should be an object")
        hints = typing.get_type_hints(kind)
        known = {f.name for f in dataclasses.fields(kind)}
        values = {
            name: load_json(hints[name], item, f"{where}.{name}")
            for name, item in value.items()
            if name in known
        }
        return kind(**values)
    if origin in (types.UnionType, typing.Union):
        if value is None and type(None) in typing.get_args(kind):
            return None
        choices = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return load_json(choices[0], value, where) if len(choices) == 1 else _scalar(value, choices, where)
    if origin in (list, tuple, dict):
        return _container(kind, value, where)
    if origin is Literal:
        if value not in typing.get_args(kind):
            raise ValueError(f"{where} is {value!r}, not one of {typing.get_args(kind)}")
        return value
    return _scalar(value, [kind], where)


def _container(kind: Any, value: Any, where: str) -> Any:
    """A list, tuple or dict annotation."""
    origin = typing.get_origin(kind)
    if origin is list:
        (item,) = typing.get_args(kind)
        if not isinstance(value, list):
            raise TypeError(f"{where} should be a list")
        return [load_json(item, element, f"{where}[{i}]") for i, element in enumerate(value)]
    if origin is tuple:
        args = typing.get_args(kind)
        return tuple(load_json(arg, element, where) for arg, element in zip(args, value, strict=True))
    if not isinstance(value, dict):
        raise TypeError(f"{where} should be an object")
    _, item = typing.get_args(kind)
    return {str(key): load_json(item, element, f"{where}.{key}") for key, element in value.items()}


def _scalar(value: Any, choices: list[Any], where: str) -> Any:
    """A JSON scalar that is one of ``choices`` (ints count as floats; ``Any`` takes anything)."""
    for choice in choices:
        if choice is Any:
            return value
        if choice is float and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(choice, type) and isinstance(value, choice):
            return value
    raise TypeError(f"{where} is {type(value).__name__}, expected {' or '.join(map(str, choices))}")
