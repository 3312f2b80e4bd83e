"""One linear pass over a JSON/NDJSON file before anything parses it.

Strings are cut out with one regular expression (C speed; a string can be carried into the next
chunk), what is left is reduced to its brackets, and a running sum gives the deepest nesting.
Numbers are looked at only where they could overflow a double. Malformed text is left for the
real reader to report: the pass only bounds depth and magnitudes.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np

from ..errors import DataImportError
from ..jobs import CancelToken

MAX_NESTING = 16
"""Deepest ``[``/``{`` nesting accepted (a record's own braces count as one level)."""
CHUNK_BYTES = 1 << 20
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = b"[]{}"
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(_BRACKETS)))
_BIG_NUMBER = re.compile(rb"-?[0-9.]+[eE]\+?[0-9]{3,}|-?[0-9]{309,}(?:\.[0-9]*)?")
_NUMBER_TAIL = re.compile(rb"[-+0-9.eE]+\Z")
# A quick filter before the precise look: digits become "0", E becomes "e", all else a space.
_KEPT = dict.fromkeys(b"0123456789", ord("0")) | {ord("E"): ord("e"), ord("e"): ord("e"), ord("+"): ord("+")}
_DIGITS = bytes(_KEPT.get(code, 32) for code in range(256))
_SUSPECT = (b"e000", b"e+000", b"0" * 309)


def scan(path: Path, cancel: CancelToken | None = None, *, max_nesting: int = MAX_NESTING) -> int:
    """The deepest nesting in the file; a :class:`DataImportError` past ``max_nesting`` or for a number
    too large for a double. Reads ``CHUNK_BYTES`` at a time and checks ``cancel`` between chunks."""
    state = _ScanState()
    try:
        with path.open("rb") as handle:
            while True:
                if cancel is not None:
                    cancel.raise_if_cancelled()
                chunk = handle.read(max(CHUNK_BYTES, len(state.carry)))
                state.feed(path, state.carry + chunk, final=not chunk, limit=max_nesting)
                if not chunk:
                    return state.deepest
    except OSError as error:
        raise DataImportError(f"Cannot read {path}: {error.strerror or error}") from None


class _ScanState:
    """What one chunk hands to the next: the depth reached and an unfinished string or number."""

    def __init__(self) -> None:
        self.depth = 0
        self.deepest = 0
        self.carry = b""
        self.offset = 0  # bytes before the current chunk, for the message

    def feed(self, path: Path, data: bytes, *, final: bool, limit: int) -> None:
        stripped = _STRING.sub(b"", data)
        quote = stripped.find(b'"')  # an unterminated string: no complete one can follow it
        carry = b""
        if quote >= 0 and not final:
            carry = data[len(data) - (len(stripped) - quote) :]
            stripped = stripped[:quote]
        elif not final and (tail := _NUMBER_TAIL.search(stripped)) is not None:
            carry = data[len(data) - len(tail.group()) :]
            stripped = stripped[: tail.start()]
        self._check_numbers(path, stripped)
        self._check_depth(path, stripped.translate(None, _NOT_BRACKETS), limit)
        self.offset += len(data) - len(carry)
        self.carry = carry

    def _check_depth(self, path: Path, brackets: bytes, limit: int) -> None:
        if not brackets:
            return
        codes = np.frombuffer(brackets, dtype=np.uint8)
        steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1)
        depths = self.depth + np.cumsum(steps)
        self.deepest = max(self.deepest, int(depths.max()))
        self.depth = max(int(depths[-1]), 0)
        if self.deepest > limit:
            raise DataImportError(
                f"{path} is nested {self.deepest if self.deepest < 1000 else 'over 1,000'} levels deep; "
                f"Tradeoff Studio reads JSON nested at most {limit} levels (arrays and objects). "
                "Flatten the records before importing."
            )

    def _check_numbers(self, path: Path, text: bytes) -> None:
        digits = text.translate(_DIGITS)
        if not any(suspect in digits for suspect in _SUSPECT):
            return
        for match in _BIG_NUMBER.finditer(text):
            try:
                value = float(match.group())
            except ValueError:
                continue  # not a number after all; the reader reports malformed JSON
            if math.isinf(value):
                shown = match.group()[:40].decode("ascii", "replace")
                raise DataImportError(
                    f"{path} holds the number {shown}, which is too large for a double (it would become "
                    "infinity). Store it as a string in the file, or in other units."
                )
