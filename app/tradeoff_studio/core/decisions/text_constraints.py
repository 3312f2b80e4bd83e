"""Constraints on text columns: ``COL == 'text'``, ``COL != 'text'``, ``COL in ('a', 'b')``.

Text is single-quoted (``''`` inside stands for one quote); a column name with spaces, brackets
or operators may be double-quoted (``"judge mode" == 'verified'``). The column may be any
column of the candidates (a knob such as ``mode`` or ``model``), not only a metric. A missing
value satisfies no text constraint, as in SQL. Text constraints have no confidence and no
slack: they hold or they do not.

:func:`parse_constraint` reads either form, numeric (:class:`.preferences.Constraint`) or text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from ..analyses.candidates import CandidateTable
from .preferences import MAX_CONSTRAINT_LENGTH, Constraint, DecisionError

TextOp = Literal["==", "!=", "in"]
_COLUMN = r'\s*(?P<column>"(?:[^"]|"")+"|[^\s=!<>()\'"][^=!<>()\'"]*?)\s*'
_TEXT = r"'(?:[^']|'')*'"
_EQUALITY = re.compile(_COLUMN + r"(?P<op>==|!=)\s*(?P<text>" + _TEXT + r")\s*")
_MEMBERSHIP = re.compile(
    _COLUMN + r"(?i:in)\s*\(\s*(?P<texts>" + _TEXT + r"(?:\s*,\s*" + _TEXT + r")*)\s*,?\s*\)\s*"
)
_ITEM = re.compile(_TEXT)


@dataclass(frozen=True)
class TextConstraint:
    """``column op texts``: equal to one text, different from it, or one of several."""

    metric: str
    op: TextOp
    texts: tuple[str, ...]
    confidence: None = None

    def __str__(self) -> str:
        column = self.metric if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", self.metric) else _quoted(self.metric)
        listed = ", ".join(_literal(text) for text in self.texts)
        return f"{column} in ({listed})" if self.op == "in" else f"{column} {self.op} {listed}"

    def check(self, table: CandidateTable) -> None:
        """Raise :class:`DecisionError` unless ``table`` has this column, holding text."""
        frame = table.frame
        if self.metric not in frame:
            texts = [str(c) for c in frame.columns if frame[c].dtype.kind in "OSU" or c in table.knobs]
            columns = ", ".join(texts)
            raise DecisionError(
                f"Constraint '{self}' names '{self.metric}', which is not a column of this analysis's "
                f"candidates. Its text and knob columns: {columns or '(none)'}."
            )
        if frame[self.metric].dtype.kind in "iuf":
            raise DecisionError(
                f"Constraint '{self}' compares '{self.metric}' with text, but it holds numbers. Write "
                f"{self.metric}>=NUMBER or {self.metric}<=NUMBER instead."
            )

    def satisfied(self, table: CandidateTable) -> NDArray[np.bool_]:
        """Mask of the candidates that meet the constraint (a missing value meets none)."""
        column = table.frame[self.metric]
        present = column.notna().to_numpy(dtype=bool)
        member = column.astype(str).isin(self.texts).to_numpy(dtype=bool)
        return present & (~member if self.op == "!=" else member)

    def value_at(self, table: CandidateTable, row: int) -> str | None:
        """The candidate's text (``None`` when missing)."""
        value = table.frame[self.metric].iloc[row]
        return None if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"text": str(self), "metric": self.metric, "op": self.op, "values": list(self.texts),
                "bound": None, "confidence": None}  # fmt: skip


AnyConstraint = Constraint | TextConstraint


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _unquote_column(column: str) -> str:
    if len(column) >= 2 and column[0] == column[-1] == '"':
        return column[1:-1].replace('""', '"')
    return column


def _unquote_text(literal: str) -> str:
    return literal[1:-1].replace("''", "'")


def parse_constraint(text: str, *, confidence: float | None = None) -> AnyConstraint:
    """A numeric constraint (``METRIC OP NUMBER[@CONF]``) or a text one (module docstring)."""
    if len(text) <= MAX_CONSTRAINT_LENGTH:
        if found := _EQUALITY.fullmatch(text):
            op = found["op"]
            texts = (_unquote_text(found["text"]),)
            return TextConstraint(_unquote_column(found["column"]), op, texts)  # type: ignore[arg-type]
        if found := _MEMBERSHIP.fullmatch(text):
            texts = tuple(_unquote_text(item) for item in _ITEM.findall(found["texts"]))
            return TextConstraint(_unquote_column(found["column"]), "in", texts)
        if "'" in text and not re.search(r"[<>]", text):
            raise DecisionError(
                f"Constraint {text!r} compares with text but should read COL == 'text', COL != 'text' or "
                "COL in ('a', 'b') (single quotes around each text; '' for a quote inside)."
            )
    return Constraint.parse(text, confidence=confidence)
