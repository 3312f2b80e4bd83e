"""Checks on files from outside before anything reads them (house rule 16).

A path the user gives must name a regular file: a FIFO would block the reader forever, a device
such as ``/dev/zero`` never ends, a directory or a symbolic-link loop cannot be read. Each gives
its own message instead of a hang, a ``MemoryError`` or a misleading "does not exist".
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .errors import StudioError

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


class FileCheckError(StudioError):
    """A path that should name a regular file does not (missing, special file, link loop, too large)."""


def file_kind(mode: int) -> str | None:
    """What a ``st_mode`` describes when it is not a regular file ("a FIFO (named pipe)", …), else None."""
    return next((name for test, name in _KINDS if test(mode)), None if stat.S_ISREG(mode) else "not a file")


def describe_missing(path: Path, error: OSError) -> str:
    """Why ``stat`` failed, in words: missing, a dangling link, a link loop, or no permission."""
    if error.errno == errno.ELOOP:
        return f"{path} is a symbolic link loop (it points back to itself); it cannot be read."
    if error.errno in (errno.EACCES, errno.EPERM):
        return f"{path} cannot be read: permission denied."
    if error.errno == errno.ENOTDIR:
        return f"{path} does not exist (a part of its path is a file, not a folder)."
    if os.path.islink(path):
        return f"{path} is a symbolic link to {os.readlink(path)}, which does not exist."
    return f"{path} does not exist."


def check_regular_file(
    path: Path,
    *,
    what: str = "file",
    max_bytes: int | None = None,
    error_type: type[StudioError] = FileCheckError,
) -> os.stat_result:
    """The ``stat`` of ``path`` when it is a regular file (within ``max_bytes``), else ``error_type``."""
    try:
        info = path.stat()
    except OSError as error:
        raise error_type(describe_missing(path, error)) from None
    kind = file_kind(info.st_mode)
    if kind is not None:
        raise error_type(f"{path} is {kind}, not a file. Give the path of a regular {what}.")
    if max_bytes is not None and info.st_size > max_bytes:
        raise error_type(
            f"{path} is {info.st_size:,} bytes; a {what} is at most {max_bytes:,} bytes. Check the path."
        )
    return info


def read_small_file(path: Path, *, what: str, max_bytes: int) -> bytes:
    """The bytes of a small regular file, opened without blocking and checked on the open handle.

    The handle's own ``fstat`` decides, so a file swapped for a FIFO after the first check is
    still refused rather than read.
    """
    check_regular_file(path, what=what, max_bytes=max_bytes)
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as error:
        raise FileCheckError(describe_missing(path, error)) from None
    try:
        info = os.fstat(handle)
        kind = file_kind(info.st_mode)
        if kind is not None:
            raise FileCheckError(f"{path} is {kind}, not a file. Give the path of a regular {what}.")
        data = os.read(handle, max_bytes + 1)
    finally:
        os.close(handle)
    if len(data) > max_bytes:
        raise FileCheckError(f"{path} is over {max_bytes:,} bytes; a {what} is at most {max_bytes:,} bytes.")
    return data
