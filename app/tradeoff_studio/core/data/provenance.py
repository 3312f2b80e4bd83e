"""Provenance of imported files: size, modification time and SHA-256, hashed off the main thread."""

from __future__ import annotations

import hashlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

CHUNK_BYTES = 4 << 20


@dataclass(frozen=True)
class SourceFile:
    """One imported file as it was when read."""

    path: str
    format: str
    size_bytes: int
    sha256: str
    modified_at: str
    rows: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, streamed in chunks (hashlib releases the GIL on large updates)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def modified_at(path: Path) -> str:
    """The file's modification time, ISO 8601 in UTC."""
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).isoformat()


def hash_in_background(paths: list[Path]) -> tuple[ThreadPoolExecutor, dict[Path, Future[str]]]:
    """Start hashing ``paths`` on one worker thread while DuckDB reads them on the others."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256")
    return pool, {path: pool.submit(file_sha256, path) for path in paths}


def combined_sha256(digests: list[str]) -> str:
    """One digest standing for several files (SHA-256 over their hex digests, in order)."""
    if len(digests) == 1:
        return digests[0]
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()
