"""Read a model file (or one of its external-data files) only after checking what it is.

A FIFO would block the read forever and a device such as ``/dev/zero`` never ends, so the
file is opened without blocking, checked with ``fstat`` on the open descriptor (no race with
a file swapped after a path check) and read only when it is a regular file under the limit.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import ModelError
from ..files import file_kind

MAX_MODEL_BYTES = 2**31 - 1  # protobuf's hard limit for one serialised model (2 GiB)

_GIVE_FILE = "Give the path of the file itself."


def describe_size(size: int) -> str:
    """``1.5 GiB``-style text for a byte count."""
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{size:,} bytes" if unit == "bytes" else f"{value:.1f} {unit} ({size:,} bytes)"
        value /= 1024
    raise AssertionError("unreachable")


def open_regular(path: Path, *, what: str) -> tuple[int, os.stat_result]:
    """A read-only descriptor of ``path`` and its ``fstat``, refused with a :class:`ModelError`
    naming ``what`` unless it is a regular file. Opening does not block on a FIFO; the caller
    closes the descriptor."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise ModelError(f"{what} {path} does not exist. Check the path.") from None
    except IsADirectoryError:
        raise ModelError(f"{what} {path} is a directory, not a file. {_GIVE_FILE}") from None
    except OSError as error:
        raise ModelError(f"Cannot read {what} {path}: {error.strerror or error}.") from None
    info = os.fstat(descriptor)
    kind = file_kind(info.st_mode)
    if kind is not None:
        os.close(descriptor)
        raise ModelError(f"{what} {path} is {kind}, not a file. {_GIVE_FILE}")
    return descriptor, info


def read_regular_file(path: Path, *, what: str, limit: int = MAX_MODEL_BYTES) -> bytes:
    """The bytes of ``path``, refused with a :class:`ModelError` naming ``what`` unless it is a
    readable regular file of at most ``limit`` bytes."""
    descriptor, info = open_regular(path, what=what)
    with os.fdopen(descriptor, "rb", buffering=0) as handle:
        check_size(path, info.st_size, what=what, limit=limit)
        data = handle.read(limit + 1)
    check_size(path, len(data), what=what, limit=limit)
    return bytes(data)


def check_size(path: Path, size: int, *, what: str, limit: int = MAX_MODEL_BYTES) -> None:
    """Refuse a file larger than ``limit`` bytes, giving its size and the limit."""
    if size > limit:
        raise ModelError(
            f"{what} {path} is {describe_size(size)}; a model may hold at most {describe_size(limit)} "
            "(the limit of one ONNX protobuf, external data included). Use a smaller model."
        )
