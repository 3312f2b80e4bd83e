"""Load DuckDB extensions from their PyPI wheels by path, so nothing is downloaded."""

from __future__ import annotations

import importlib
from pathlib import Path

import duckdb

from .errors import StudioError
from .sql import literal


def extension_path(name: str) -> Path:
    """The ``.duckdb_extension`` file shipped by the ``duckdb-extension-<name>`` wheel."""
    try:
        package = importlib.import_module(f"duckdb_extension_{name}")
    except ImportError:
        raise StudioError(
            f"The DuckDB '{name}' extension is not installed. Reinstall Tradeoff Studio "
            f"(pip install duckdb-extension-{name}=={duckdb.__version__})."
        ) from None
    folder = Path(package.__file__).parent / "extensions" / f"v{duckdb.__version__}"
    found = sorted(folder.glob(f"{name}.duckdb_extension"))
    if not found:
        raise StudioError(f"The DuckDB '{name}' extension wheel does not match DuckDB {duckdb.__version__}.")
    return found[0]


def load_extension(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Load extension ``name`` into ``con`` from its wheel (a no-op when already loaded)."""
    loaded = con.execute("SELECT loaded FROM duckdb_extensions() WHERE extension_name = ?", [name]).fetchone()
    if loaded and loaded[0]:
        return
    con.execute(f"LOAD {literal(str(extension_path(name)))}")
