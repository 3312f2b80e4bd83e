"""The project's models: validated ONNX bytes stored in ``_ts.models`` with hash and manifest.

A model is copied into the project, so the project keeps scoring the same way after the
original file moves or changes; its SHA-256 ties every score column to the exact bytes.
Stored bytes are checked against that SHA-256 before every load (:func:`load_model`,
:func:`model_bytes`), and a stored model that refers to external data is refused, so a project
edited outside the app cannot score with other bytes than its provenance names.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import audit
from ..errors import ModelError, NameInUseError, NotFoundError
from ..project import Project
from ..schema import CATALOG_SCHEMA
from .manifest import ModelManifest, describe, load_model_file, parse_model_bytes, sha256_hex
from .scorable import check_scorable

if TYPE_CHECKING:
    import onnx

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
    check_scorable(loaded, source)
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


@dataclass(frozen=True)
class RemovedModel:
    """A model taken out of the project, and the score columns it made, which stay."""

    record: ModelRecord
    kept_score_columns: tuple[tuple[str, str], ...]


def remove_model(project: Project, name: str) -> RemovedModel:
    """Remove the model called ``name`` from the project, with an audit entry.

    Score columns it made stay in their tables: they are data that analyses and decisions may
    rest on. Their catalog rows keep the model's name and SHA-256 as provenance, and the audit
    entry lists them; they can no longer be recomputed in this project unless the same file is
    added again. Raises :class:`NotFoundError` (listing the models) and changes nothing then.
    """
    record = get_model(project, name)
    with project.transaction() as con:
        kept = con.execute(
            f"SELECT table_name, column_name FROM {CATALOG_SCHEMA}.score_columns "
            "WHERE model_name = ? AND model_sha256 = ? ORDER BY 1, 2",
            [record.name, record.sha256],
        ).fetchall()
        con.execute(f"DELETE FROM {CATALOG_SCHEMA}.models WHERE name = ?", [record.name])
        audit.record(
            con,
            action="model.remove",
            subject=record.name,
            details={"source_path": record.source_path, "size_bytes": record.size_bytes,
                     "kept_score_columns": [f"{table}.{column}" for table, column in kept]},
            input_sha256=record.sha256,
        )  # fmt: skip
    return RemovedModel(record, tuple((str(table), str(column)) for table, column in kept))


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


@dataclass(frozen=True)
class StoredModel:
    """A model's verified bytes, parsed, with the manifest described from those bytes."""

    record: ModelRecord
    data: bytes
    model: onnx.ModelProto
    manifest: ModelManifest


def load_model(project: Project, name: str) -> StoredModel:
    """The model called ``name``, its bytes verified against their recorded SHA-256 and checked to
    hold all their data. The manifest is described anew from the verified bytes (the stored one is
    only for display). Raises :class:`NotFoundError` or :class:`ModelError`."""
    from .external import refuse_external_references  # imports onnx: only when a model is loaded

    record = get_model(project, name)
    data = model_bytes(project, record.name)
    model = parse_model_bytes(data, f"Model '{record.name}' stored in the project")
    refuse_external_references(model, f"Model '{record.name}' stored in the project")
    return StoredModel(record, data, model, describe(model))


def model_bytes(project: Project, name: str) -> bytes:
    """The stored ONNX bytes of the model called ``name``, verified against their recorded SHA-256."""
    row = project.con.execute(
        f"SELECT onnx, sha256 FROM {CATALOG_SCHEMA}.models WHERE name = ?", [name]
    ).fetchone()
    if row is None:
        raise _not_found(project, name)
    data, recorded = bytes(row[0]), str(row[1])
    actual = sha256_hex(data)
    if actual != recorded:
        raise ModelError(
            f"Model '{name}' in {project.path} has been altered: its stored bytes have SHA-256 {actual}, but "
            f"the project recorded {recorded} when the model was added. Refusing to load it. Remove it "
            "('models remove') and add the original .onnx file again."
        )
    return data


def stored_digest(project: Project, name: str) -> tuple[str, str]:
    """The recorded SHA-256 of a model and that of its stored bytes as they are now."""
    row = project.con.execute(
        f"SELECT onnx, sha256 FROM {CATALOG_SCHEMA}.models WHERE name = ?", [name]
    ).fetchone()
    if row is None:
        raise _not_found(project, name)
    return str(row[1]), sha256_hex(bytes(row[0]))


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
