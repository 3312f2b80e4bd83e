"""What the About box lists: the versions of the app and of the libraries it runs on (Qt-free)."""

from __future__ import annotations

import platform
from importlib import metadata

from .. import __version__


def library_versions() -> dict[str, str]:
    """Versions of the app, Python, DuckDB and onnxruntime (installed distribution names)."""
    import duckdb

    versions = {
        "Tradeoff Studio": __version__,
        "Python": platform.python_version(),
        "DuckDB": duckdb.__version__,
    }
    versions["onnxruntime"] = _distribution_version("onnxruntime-gpu", "onnxruntime")
    return versions


def execution_providers() -> tuple[list[str], list[str]]:
    """onnxruntime's execution providers: (available in this build, actually working here).

    Imports onnxruntime and probes each provider once per process (a fraction of a second).
    """
    import onnxruntime

    from .inference.providers import working_providers

    return list(onnxruntime.get_available_providers()), working_providers()


def _distribution_version(*names: str) -> str:
    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return "not installed"
