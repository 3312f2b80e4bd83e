"""A Parquet dataset outside the project: its files, checked and described for provenance.

The rows never enter the project; what is stored is the file list with sizes and modification
times (SHA-256 hashes when asked), and the row count the Parquet footers declare. Listing the same
file twice silently lost rows in Ray Data (research/scale_out.md, pitfall 2), so duplicates —
the same file reached through two names — are refused, and every engine's counted total is checked
against the footers' total before anything is stored.
"""

from __future__ import annotations

import glob
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import StudioError

MAX_FILES = 100_000


class DatasetError(StudioError):
    """The dataset cannot be read as given (no files, a duplicate, a bad footer, a missing column)."""


@dataclass(frozen=True)
class DataFile:
    """One Parquet file: its path, size in bytes, modification time (ns), footer row count, hash."""

    path: str
    size: int
    mtime_ns: int
    rows: int
    sha256: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready provenance of this file."""
        found = {"path": self.path, "size": self.size, "mtime_ns": self.mtime_ns, "rows": self.rows}
        return found | ({"sha256": self.sha256} if self.sha256 else {})


@dataclass(frozen=True)
class Dataset:
    """The files a ``--dataset`` pattern names, in a stable (sorted) order, with their schema."""

    pattern: str
    files: tuple[DataFile, ...]
    columns: tuple[str, ...]

    @property
    def paths(self) -> list[str]:
        """The files' absolute paths."""
        return [f.path for f in self.files]

    @property
    def rows(self) -> int:
        """The row total the Parquet footers declare."""
        return sum(f.rows for f in self.files)

    def require_columns(self, *names: str) -> None:
        """Refuse a column the dataset lacks, listing the ones it has."""
        missing = [name for name in names if name not in self.columns]
        if missing:
            raise DatasetError(
                f"The dataset {self.pattern!r} has no column {', '.join(repr(m) for m in missing)}; "
                f"its columns: {', '.join(self.columns)}."
            )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready provenance: the pattern, the files and the footers' row total."""
        return {"pattern": self.pattern, "rows": self.rows, "files": [f.to_dict() for f in self.files]}


def open_dataset(pattern: str, *, hash_files: bool = False) -> Dataset:
    """The Parquet files ``pattern`` names (a directory, a file or a glob), checked.

    Raises :class:`DatasetError` when nothing matches, a file is not Parquet, the same file is
    reached twice, or the files' schemas disagree on column names.
    """
    paths = _expand(pattern)
    seen: dict[str, str] = {}
    for path in paths:
        real = os.path.realpath(path)
        if real in seen:
            raise DatasetError(
                f"The dataset {pattern!r} names the same file twice ({seen[real]} and {path}); engines lose "
                "rows on duplicate paths. Remove the duplicate (a copy or a link) and try again."
            )
        seen[real] = path
    files, columns = [], None
    for path in paths:
        found, names = _describe(path, hash_files)
        if columns is not None and names != columns:
            raise DatasetError(
                f"The Parquet file {path} has columns {', '.join(names)}, but {paths[0]} has "
                f"{', '.join(columns)}. Give files of one schema."
            )
        files.append(found)
        columns = names
    return Dataset(pattern, tuple(files), tuple(columns or ()))


def _expand(pattern: str) -> list[str]:
    target = Path(pattern).expanduser()
    if target.is_dir():
        found = sorted(str(p) for p in target.rglob("*.parquet") if p.is_file())
    else:
        found = sorted(p for p in glob.glob(str(target), recursive=True) if os.path.isfile(p))
    if not found:
        raise DatasetError(
            f"No Parquet file matches {pattern!r}. Give a directory or a glob such as 'data/*.parquet'."
        )
    if len(found) > MAX_FILES:
        raise DatasetError(f"The dataset {pattern!r} has more than {MAX_FILES:,} files; merge some first.")
    return [os.path.abspath(p) for p in found]


def _describe(path: str, hash_files: bool) -> tuple[DataFile, tuple[str, ...]]:
    import pyarrow.parquet as pq

    stat = os.stat(path)
    try:
        meta = pq.ParquetFile(path).metadata
    except Exception as error:  # pyarrow raises several types for a bad file
        raise DatasetError(
            f"{path} is not a readable Parquet file ({error}). Remove it from the dataset."
        ) from error
    names = tuple(meta.schema.to_arrow_schema().names)
    digest = _sha256(path) if hash_files else None
    return DataFile(path, stat.st_size, stat.st_mtime_ns, int(meta.num_rows), digest), names


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
