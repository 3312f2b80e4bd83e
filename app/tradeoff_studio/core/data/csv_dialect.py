"""Sniff and check a CSV/TSV file's head before DuckDB reads it.

DuckDB's own sniffer is forgiving: a ragged file becomes one text column, a wrong delimiter
yields one wide column. For an audit tool those must be errors that
name the file, the line and the column, so the dialect is decided here on the first MiB and
DuckDB then reads the whole file strictly with it.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataImportError
from .checks import check_width
from .options import ReadOptions, normalise_encoding

SAMPLE_BYTES = 1 << 20
CANDIDATE_DELIMITERS = (",", "\t", ";", "|")
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CONTROL_SHARE_LIMIT = 0.05


@dataclass(frozen=True)
class CsvDialect:
    """How to read one CSV file: delimiter, header, encoding and the exact column names."""

    delimiter: str
    header: bool
    encoding: str
    names: list[str]
    blank_names: tuple[dict[str, object], ...] = ()  # header fields that were empty, and their new names


@dataclass(frozen=True)
class _Sample:
    text: str
    complete: bool  # the sample is the whole file


def sniff(path: Path, options: ReadOptions) -> CsvDialect:
    """Decide the dialect of ``path`` from its head, honouring the user's overrides."""
    if options.delimiter is not None:
        check_delimiter(path, options.delimiter)
    sample = _read_sample(path, normalise_encoding(path, options.encoding))
    encoding = _encoding(path, options)
    delimiter = options.delimiter or _guess_delimiter(sample)
    rows = _parse(sample, delimiter)
    if not sample.complete and len(rows) < 2:
        raise DataImportError(
            f"{path}, line {len(rows) + 1}: the line is longer than {SAMPLE_BYTES // 2**20} MiB. Lines this "
            "long are not supported; a quote or a line break may be missing."
        )
    _check_shape(path, sample, rows, delimiter, forced=options.delimiter is not None)
    header = options.header if options.header is not None else _looks_like_header(rows)
    names, blanks = _names(rows, header)
    check_width(path, len(names))
    if header and len(rows) < 2 and sample.complete:
        raise DataImportError(f"{path} has a header ({', '.join(names)}) but no data rows.")
    return CsvDialect(delimiter=delimiter, header=header, encoding=encoding, names=names, blank_names=blanks)


def check_delimiter(path: Path, delimiter: str) -> None:
    """Refuse a delimiter that is not exactly one character, or one that cannot separate fields."""
    if len(delimiter) != 1:
        raise DataImportError(
            f"{path}: the delimiter must be exactly one character (e.g. ',' ';' '|' or 'tab'); "
            f"got {delimiter!r} ({len(delimiter)} characters)."
        )
    if delimiter in '"\r\n\x00' or delimiter.isalnum():
        raise DataImportError(
            f"{path}: {delimiter!r} cannot be a delimiter (quotes, line breaks, NUL, letters and digits "
            "are part of values). Use e.g. ',' ';' '|' or 'tab'."
        )


def _encoding(path: Path, options: ReadOptions) -> str:
    chosen = normalise_encoding(path, options.encoding)
    if chosen:
        return chosen
    with path.open("rb") as handle:
        head = handle.read(4)
    return next((name for bom, name in _BOMS if head.startswith(bom)), "utf-8")


def _read_sample(path: Path, forced_encoding: str | None) -> _Sample:
    try:
        with path.open("rb") as handle:
            raw = handle.read(SAMPLE_BYTES + 1)
    except OSError as error:
        raise DataImportError(f"Cannot read {path}: {error.strerror or error}") from None
    complete = len(raw) <= SAMPLE_BYTES
    raw = raw[:SAMPLE_BYTES]
    if not raw.strip():
        raise DataImportError(f"{path} is empty: there is nothing to import.")
    bom_encoding = next((name for bom, name in _BOMS if raw.startswith(bom)), None)
    encoding = forced_encoding or bom_encoding or "utf-8"
    if encoding != "utf-16" and b"\x00" in raw:
        raise DataImportError(
            f"{path} contains NUL bytes: it looks like a binary file, not CSV text. "
            "Check that you picked the right file, or export it again as CSV."
        )
    text = _decode(path, raw, encoding, complete)
    if not complete:
        text = text[: text.rfind("\n") + 1] or text
    return _Sample(text=text, complete=complete)


def _decode(path: Path, raw: bytes, encoding: str, complete: bool) -> str:
    decoder = codecs.getincrementaldecoder("utf-16" if encoding == "utf-16" else encoding)("strict")
    try:
        text = decoder.decode(raw, final=complete)
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DataImportError(
            f"{path}, line {line}: byte 0x{raw[error.start]:02x} is not valid {encoding.upper()} text. "
            "If the file uses another encoding, pass it (e.g. --encoding latin-1); "
            "if it is not a text file, pick the right file."
        ) from None
    text = text.removeprefix("\ufeff")
    controls = sum(1 for char in text if char < " " and char not in "\t\r\n")
    if controls > _CONTROL_SHARE_LIMIT * max(len(text), 1):
        raise DataImportError(
            f"{path} is mostly control characters: it looks like a binary file, not CSV text."
        )
    return text


def _parse(sample: _Sample, delimiter: str) -> list[list[str]]:
    """The sample's non-empty rows, up to the first unparseable one."""
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(sample.text, newline=""), delimiter=delimiter, quotechar='"')
    try:
        rows.extend(row for row in reader if row)
    except csv.Error:
        return rows
    return rows  # the sample ends on a line break, so its last row is whole


def _field_counts(sample: _Sample, delimiter: str) -> list[tuple[int, int]]:
    """``(line number, field count)`` of each non-empty row; -1 for a row that cannot be parsed."""
    reader = csv.reader(io.StringIO(sample.text, newline=""), delimiter=delimiter, quotechar='"', strict=True)
    counts: list[tuple[int, int]] = []
    try:
        for row in reader:
            if row:
                counts.append((reader.line_num, len(row)))
    except csv.Error:
        counts.append((reader.line_num, -1))
    if not sample.complete and counts and counts[-1][1] == -1:
        counts.pop()  # a quoted value cut by the sample boundary, not a broken row
    return counts


def _guess_delimiter(sample: _Sample) -> str:
    """The candidate that splits the header widest while every row agrees; else the widest."""
    scored: list[tuple[bool, int, int, str]] = []
    for rank, delimiter in enumerate(CANDIDATE_DELIMITERS):
        counts = _field_counts(sample, delimiter)
        if not counts:
            continue
        width = counts[0][1]
        consistent = all(count == width for _line, count in counts)
        scored.append((consistent and width > 1, width, -rank, delimiter))
    return max(scored)[3] if scored else ","


def _check_shape(path: Path, sample: _Sample, rows: list[list[str]], delimiter: str, forced: bool) -> None:
    counts = _field_counts(sample, delimiter)
    if not counts or not rows:
        raise DataImportError(f"{path} has no rows that can be read as CSV.")
    width = counts[0][1]
    if forced and width == 1:
        better = _guess_delimiter(sample)
        if better != delimiter and _field_counts(sample, better)[0][1] > 1:
            shown = "\\t" if better == "\t" else better
            raise DataImportError(
                f"{path}: with delimiter {delimiter!r} every row is one field, but {better!r} splits the "
                f"header into columns. Did you mean --delimiter '{shown}'?"
            )
    for line, count in counts[1:]:
        if count == -1:
            raise DataImportError(
                f"{path}, line {line}: a quoted value is never closed (the file may be truncated)."
            )
        if count != width:
            raise DataImportError(
                f"{path}, line {line}: {count} fields where the header has {width} "
                f"(delimiter {delimiter!r}). The row is ragged or the file is truncated; fix the row "
                "or choose another --delimiter."
            )


def _looks_like_header(rows: list[list[str]]) -> bool:
    """A first row is a header unless every one of its fields is a number or empty."""
    return not all(_is_number(field) or not field.strip() for field in rows[0])


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _names(rows: list[list[str]], header: bool) -> tuple[list[str], tuple[dict[str, object], ...]]:
    """The header's names as written (repeats are made unique later, see :mod:`.columns`), and how
    empty header fields were named.

    An empty header field becomes ``index`` when it is the first (a pandas index written with
    ``to_csv()``) and its values in the sampled rows are non-empty and unique (row labels), else
    ``column_N`` (N its 1-based position); a name another header field already has is never reused.
    """
    if not header:
        return [f"column{index}" for index in range(len(rows[0]))], ()
    names = list(rows[0])
    taken = {name.strip().casefold() for name in names if name.strip()}
    blanks = []
    for index, name in enumerate(rows[0]):
        if name.strip():
            continue
        values = [row[index] for row in rows[1:] if index < len(row)]
        labels = bool(values) and all(v.strip() for v in values) and len(set(values)) == len(values)
        chosen = "index" if index == 0 and labels and "index" not in taken else f"column_{index + 1}"
        if chosen.casefold() in taken:
            chosen = f"column_{index + 1}_blank"
        taken.add(chosen.casefold())
        names[index] = chosen
        why = "its values are unique row labels" if chosen == "index" else "the header field is empty"
        blanks.append({"position": index + 1, "name": chosen, "reason": why})
    return names, tuple(blanks)
