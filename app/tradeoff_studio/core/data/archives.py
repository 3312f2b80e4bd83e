"""Compressed data files: a single-file ``.zip`` archive and ``.gz``/``.zst`` files import directly.

The inner file is unpacked into the import's private scratch folder (streamed, with a cap on
the unpacked size against decompression bombs, Cancel checked between chunks) and read from
there like any other file of its format; provenance keeps the archive's own path, size and hash.
The inner format comes from the inner name: ``runs.csv.gz`` or ``runs.csv.zst`` → CSV, ``runs.zip`` holding
``runs.parquet`` → Parquet. A ``.zip`` must hold exactly one data file (folders and macOS
``__MACOSX`` metadata are skipped); an encrypted member is refused.
"""

from __future__ import annotations

import gzip
import zipfile
import zlib
from pathlib import Path
from typing import IO

import zstandard

from ..errors import DataImportError
from ..jobs import CancelToken

COMPRESSED_SUFFIXES = (".gz", ".zst", ".zip")
_STREAMS = {".gz": "gzip", ".zst": "zstd"}  # one compressed file each (a .zip may hold several)
MAX_UNPACKED_BYTES = 32 << 30  # 32 GiB: beyond this an archive is refused as a likely decompression bomb
_CHUNK = 1 << 20


def is_compressed(path: Path) -> bool:
    """Whether ``path`` is a compressed file this module unpacks (by its suffix)."""
    return path.suffix.lower() in COMPRESSED_SUFFIXES


def table_stem(path: Path) -> str:
    """The default table name of a compressed ``path``: ``runs.csv.gz`` and ``runs.zip`` → ``runs``."""
    stem = Path(path.stem)
    return stem.stem if path.suffix.lower() in _STREAMS and stem.suffix else path.stem


def unpack(path: Path, workdir: Path, cancel: CancelToken) -> Path:
    """The unpacked inner file of ``path`` in ``workdir``; :class:`DataImportError` when it cannot be."""
    target_dir = workdir / f"unpacked-{len(list(workdir.iterdir()))}"
    target_dir.mkdir()
    kind = _STREAMS.get(path.suffix.lower(), "zip")
    try:
        if kind == "zip":
            return _unzip(path, target_dir, cancel)
        target = target_dir / Path(path.stem).name
        with _open_stream(path, kind) as source:
            _copy(source, target, path, cancel)
        return target
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile, zstandard.ZstdError) as error:
        raise DataImportError(
            f"{path} is not a valid {kind} file (corrupt or truncated: {error}). Compress it again, or "
            "import the uncompressed file."
        ) from None


def _open_stream(path: Path, kind: str) -> IO[bytes]:
    return gzip.open(path, "rb") if kind == "gzip" else _ZstdFrames(path)  # type: ignore[return-value]


class _ZstdFrames:
    """Every frame of a ``.zst`` file, in order, read like a file. zstandard's own stream reader ends
    quietly at a cut-off frame; this raises :class:`EOFError` there, as ``gzip`` does."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("rb")
        self._context = zstandard.ZstdDecompressor()
        self._frame = self._context.decompressobj()
        self._complete = False  # the data read so far ends at the end of a frame

    def read(self, size: int) -> bytes:
        while data := self._file.read(size):
            if out := self._decompress(data):
                return out
        if not self._complete:
            raise EOFError("the compressed data ends inside a frame (the file is cut off)")
        return b""

    def _decompress(self, data: bytes) -> bytes:
        out = b""
        while data:
            out += self._frame.decompress(data)
            self._complete = self._frame.eof
            data = self._frame.unused_data if self._frame.eof else b""
            if self._frame.eof:
                self._frame = self._context.decompressobj()
        return out

    def __enter__(self) -> _ZstdFrames:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._file.close()


def _unzip(path: Path, target_dir: Path, cancel: CancelToken) -> Path:
    with zipfile.ZipFile(path) as archive:
        members = [m for m in archive.infolist() if not m.is_dir() and not _metadata(m.filename)]
        if len(members) != 1:
            listed = ", ".join(m.filename for m in members[:5]) or "(none)"
            raise DataImportError(
                f"{path} holds {len(members)} files ({listed}); a .zip imports when it holds exactly one "
                "data file. Unpack it and import the files (or their folder) instead."
            )
        member = members[0]
        if member.flag_bits & 0x1:
            raise DataImportError(
                f"{path}: its file {member.filename!r} is encrypted; unpack it yourself first."
            )
        if member.file_size > MAX_UNPACKED_BYTES:
            raise _too_large(path)
        target = target_dir / Path(member.filename).name
        with archive.open(member) as source:
            _copy(source, target, path, cancel)
    return target


def _metadata(name: str) -> bool:
    """macOS adds ``__MACOSX/…`` and ``._name`` entries to archives: not data."""
    return name.startswith("__MACOSX/") or Path(name).name.startswith("._")


def _copy(source: IO[bytes], target: Path, path: Path, cancel: CancelToken) -> None:
    """Stream ``source`` into ``target``, refusing more than :data:`MAX_UNPACKED_BYTES`."""
    written = 0
    with target.open("wb") as out:
        while chunk := source.read(_CHUNK):
            cancel.raise_if_cancelled()
            written += len(chunk)
            if written > MAX_UNPACKED_BYTES:
                raise _too_large(path)
            out.write(chunk)


def _too_large(path: Path) -> DataImportError:
    return DataImportError(
        f"{path} unpacks to more than {MAX_UNPACKED_BYTES >> 30} GiB, which looks like a decompression bomb; "
        "unpack it yourself if it is genuine."
    )
