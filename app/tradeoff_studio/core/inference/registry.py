"""The project's models: validated ONNX bytes stored in ``_ts.models`` with hash and manifest.

A model is copied into the project, so the project keeps scoring the same way after the
original file moves or changes; its SHA-256 ties every score column to the exact bytes.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .. import audit
from ..errors import ModelError, NameInUseError, NotFoundError
from ..project import Project
from ..schema import CATALOG_SCHEMA
from .manifest import ModelManifest, load_model_file

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_COLUMNS = "name, sha256, size_bytes, source_path, epoch_us(added_at), manifest"


@dataclass(frozen=True)
class ModelRecord:
    """A model held by the project (its bytes are read with :func:`model_bytes`)."""

    name: str
    sha256: str
    size_bytes: int
    source_path: str
    added_at: datetime
    manifest: ModelManifest

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "name": self.name,
            "sha256": self.sha256,
            "size_bytes": self.size_bytes,
            "source_path": self.source_path,
            "added_at": self.added_at.isoformat(),
            "manifest": self.manifest.to_dict(),
        }


def add_model(project: Project, path: str | os.PathLike[str], name: str | None = None) -> ModelRecord:
    """Validate the ONNX file at ``path`` and copy it into the project as ``name`` (default: file stem).

    Raises :class:`ModelError` for a refused file and :class:`NameInUseError` for a taken name;
    either way the project is left as it was.
    """
    source = Path(path)
    model_name = source.stem if name is None else name
    if not model_name.strip() or "\x00" in model_name:
        raise ModelError(f"'{model_name}' cannot name a model. Choose a non-empty name with --name.")
    loaded = load_model_file(source)
    added_at = datetime.now(UTC)
    with project.transaction() as con:
        existing = con.execute(
            f"SELECT source_path FROM {CATALOG_SCHEMA}.models WHERE name = ?", [model_name]
        ).fetchone()
        if existing is not None:
            raise NameInUseError(
                f"A model named '{model_name}' is already in the project (added from {existing[0]}). "
                f"Add {source} under another name with --name NAME."
            )
        con.execute(
            f"INSERT INTO {CATALOG_SCHEMA}.models (name, sha256, size_bytes, source_path, manifest, onnx, "
            "added_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [model_name, loaded.sha256, len(loaded.data), str(source.resolve()),
             json.dumps(loaded.manifest.to_dict()), loaded.data, added_at],
        )  # fmt: skip
        audit.record(
            con,
            action="model.add",
            subject=model_name,
            details={"source_path": str(source.resolve()), "size_bytes": len(loaded.data),
                     "inputs": len(loaded.manifest.inputs), "outputs": len(loaded.manifest.outputs)},
            input_sha256=loaded.sha256,
        )  # fmt: skip
    return get_model(project, model_name)


def list_models(project: Project) -> list[ModelRecord]:
    """Every model in the project, sorted by name."""
    rows = project.con.execute(f"SELECT {_COLUMNS} FROM {CATALOG_SCHEMA}.models ORDER BY name").fetchall()
    return [_record(row) for row in rows]


def get_model(project: Project, name: str) -> ModelRecord:
    """The model called ``name``; :class:`NotFoundError` lists the models that exist."""
    row = project.con.execute(
        f"SELECT {_COLUMNS} FROM {CATALOG_SCHEMA}.models WHERE name = ?", [name]
    ).fetchone()
    if row is None:
        raise _not_found(project, name)
    return _record(row)


def model_bytes(project: Project, name: str) -> bytes:
    """The stored ONNX bytes of the model called ``name``."""
    row = project.con.execute(f"SELECT onnx FROM {CATALOG_SCHEMA}.models WHERE name = ?", [name]).fetchone()
    if row is None:
        raise _not_found(project, name)
    return bytes(row[0])


def _record(row: tuple[Any, ...]) -> ModelRecord:
    name, sha256, size_bytes, source_path, added_us, manifest = row
    return ModelRecord(
        name=str(name),
        sha256=str(sha256),
        size_bytes=int(size_bytes),
        source_path=str(source_path),
        added_at=_EPOCH + timedelta(microseconds=int(added_us)),
        manifest=ModelManifest.from_dict(json.loads(manifest)),
    )


def _not_found(project: Project, name: str) -> NotFoundError:
    names = [str(row[0]) for row in project.con.execute(
        f"SELECT name FROM {CATALOG_SCHEMA}.models ORDER BY name").fetchall()]  # fmt: skip
    if not names:
        return NotFoundError(
            f"No model named '{name}': the project has no models yet. Add the ONNX file first."
        )
    return NotFoundError(f"No model named '{name}' in the project. Models: {', '.join(names)}.")
