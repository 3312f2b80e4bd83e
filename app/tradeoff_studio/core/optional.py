"""Packages only an optional feature needs, checked before the feature starts.

The installed app (``packaging/``) leaves some of them out to stay small (pyarrow: 114 MB of the
bundle); a feature that needs one says which package is missing and how to get it, instead of
failing on an import deep inside a job.
"""

from __future__ import annotations

import importlib.util
import sys

from .errors import StudioError


class MissingPackageError(StudioError):
    """A feature needs a Python package this installation does not have."""


def require(package: str, feature: str) -> None:
    """Raise :class:`MissingPackageError` unless ``package`` can be imported; ``feature`` names what
    needs it (``"analyze --dataset"``)."""
    try:
        found = importlib.util.find_spec(package) is not None
    except (ImportError, ValueError):
        found = False
    if found:
        return
    if getattr(sys, "frozen", False):
        where = (
            "The installed desktop app leaves it out to stay small; run this from a Python install "
            f"instead (pip install tradeoff-studio), which includes {package}."
        )
    else:
        where = f"Install it into this environment (pip install {package})."
    missing = f"{feature} needs the Python package '{package}', which is not installed."
    raise MissingPackageError(f"{missing} {where}")
