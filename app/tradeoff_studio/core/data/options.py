"""Reader options a user may override, and the formats we read."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataImportError
from ..files import check_regular_file

FORMATS_BY_SUFFIX = {
    ".csv": "csv",
    ".tsv": "csv",
    ".tab": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".json": "json",
    ".ndjson": "json",
    ".jsonl": "json",
    ".xlsx": "xlsx",
}
ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "utf-16": "utf-16", "latin-1": "latin-1", "latin1": "latin-1"}


@dataclass(frozen=True)
class ReadOptions:
    """User overrides; ``None`` means "sniff it". ``types`` maps column name to a DuckDB type.

    ``rename`` maps a file's column name to the table's; ``columns`` keeps only those columns, in
    that order (``None``: every column). ``na`` lists extra missing-value markers of CSV files
    (``n/a``, ``-``; an empty field is always missing); ``parse_numbers`` names the text columns
    to read as numbers with their currency, percent or thousands marks (``["all"]``: every text
    column whose values all read that way).
    """

    delimiter: str | None = None
    header: bool | None = None
    encoding: str | None = None
    sheet: str | None = None
    types: dict[str, str] = field(default_factory=dict)
    rename: dict[str, str] = field(default_factory=dict)
    columns: list[str] | None = None
    na: list[str] = field(default_factory=list)
    parse_numbers: list[str] = field(default_factory=list)
    date_format: str | None = None  # strptime format of CSV DATE columns (None: ISO, or the sniffed one)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as stored in provenance."""
        return asdict(self)


def file_format(path: Path) -> str:
    """The format for ``path`` by its suffix, or a DataImportError naming the supported ones."""
    found = FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if found is None:
        supported = ", ".join(sorted(FORMATS_BY_SUFFIX))
        raise DataImportError(
            f"{path}: files ending in '{path.suffix}' cannot be imported. Supported: {supported}."
        )
    return found


def normalise_encoding(path: Path, encoding: str | None) -> str | None:
    """The canonical name of a supported encoding, or an error naming the choices."""
    if encoding is None:
        return None
    canonical = ENCODINGS.get(encoding.lower())
    if canonical is None:
        raise DataImportError(
            f"{path}: encoding '{encoding}' is not supported. Use utf-8, utf-16 or latin-1, "
            "or convert the file to UTF-8 first."
        )
    return canonical


def expand_sources(paths: list[Path]) -> list[Path]:
    """Files to import: each file as given, each folder's supported files in name order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(
                child
                for child in path.iterdir()
                if child.is_file() and child.suffix.lower() in FORMATS_BY_SUFFIX
            )
            if not inside:
                raise DataImportError(
                    f"{path} holds no file that can be imported ({', '.join(FORMATS_BY_SUFFIX)})."
                )
            files.extend(inside)
        else:
            check_regular_file(path, what="data file", error_type=DataImportError)
            files.append(path)
    return files
