"""Typed errors a user can cause. Each message names the file, row or column and says what to do.

The CLI prints ``str(error)`` and exits non-zero; the desktop app shows it in a dialog.
"""

from __future__ import annotations


class StudioError(Exception):
    """Base of every error the user can cause and fix."""


class ProjectError(StudioError):
    """The project file cannot be created, opened or written."""


class ProjectLockedError(ProjectError):
    """Another process holds the project's lock."""


class DataImportError(StudioError):
    """A data file cannot be imported; the project is left as it was."""


class ModelError(StudioError):
    """An ONNX model is refused, or does not fit the table it should score."""


class NameInUseError(StudioError):
    """A table, model or column name is already taken in the project."""


class NotFoundError(StudioError):
    """A table, model or column the user named does not exist."""


class CancelledError(StudioError):
    """The user cancelled a long job; nothing was written."""

    def __init__(self, message: str = "Cancelled: nothing was written to the project.") -> None:
        super().__init__(message)


class InvalidNameError(StudioError, ValueError):
    """A table or column name that DuckDB cannot hold (e.g. one with a NUL character)."""


class ProjectDamagedError(ProjectError):
    """The project file or its catalog is damaged, truncated or was edited outside the app."""
