"""Stored analyses: candidates tables in the project's ``_ts`` schema, and their exports.

Each analysis is one ``_ts.analyses`` row (name, kind, spec JSON, created_at) naming a table
``_ts."candidates_<uuid>"`` that holds its candidates frame. The spec JSON keeps what the
analysis was asked (``inputs``) and what its candidates mean (knobs, metrics, objectives, notes,
typed ``extras``, pandas dtypes, row count and the candidates' SHA-256), so :func:`load_analysis`
gives back the same :class:`CandidateTable`. Notes go through JSON: numpy values come back as Python numbers
and lists.

The hash is the SHA-256 of the candidates' canonical CSV (:func:`candidates_sha256`).
pandas is imported lazily (house rule 7).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import audit
from ..errors import NameInUseError, NotFoundError
from ..jsonvalues import json_ready
from ..project import Project
from ..schema import CATALOG_SCHEMA
from ..sql import ident
from .candidates import AnalysisError, CandidateTable, Objective, ResultExtras
from .indicators import analysis_indicators

if TYPE_CHECKING:
    import pandas as pd

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class AnalysisRecord:
    """One stored analysis, as the catalog describes it."""

    name: str
    kind: str
    spec: dict[str, Any]
    candidates_table: str
    created_at: str

    @property
    def rows(self) -> int:
        """Number of candidates."""
        return int(self.spec["rows"])

    @property
    def extras(self) -> ResultExtras:
        """The typed result extras (read from the notes for analyses stored before they existed)."""
        if "extras" in self.spec:
            return ResultExtras.from_dict(self.spec["extras"])
        return ResultExtras.from_notes(self.spec.get("notes", {}))

    @property
    def sha256(self) -> str:
        """SHA-256 of the candidates' canonical CSV."""
        return str(self.spec["sha256"])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "kind": self.kind,
            "rows": self.rows,
            "front": self.spec["front"],
            "objectives": self.spec["objectives"],
            "knobs": self.spec["knobs"],
            "metrics": self.spec["metrics"],
            "inputs": self.spec["inputs"],
            "indicators": self.spec.get("indicators"),
            "sha256": self.sha256,
            "created_at": self.created_at,
        }


def _json_default(value: object) -> object:
    """numpy scalars and arrays (in notes) as plain JSON values."""
    if isinstance(value, np.generic | np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} cannot be stored in an analysis spec")


def _export_default(value: object) -> object:
    """Cells JSON has no type for: numpy values as plain ones, dates, times and intervals as ISO text."""
    if isinstance(value, np.generic | np.ndarray):
        return json_ready(value.tolist())
    isoformat = getattr(value, "isoformat", None)
    return isoformat() if callable(isoformat) else str(value)


def canonical_csv(frame: pd.DataFrame) -> str:
    """The frame as CSV with ``\\n`` line ends and round-trip floats: the form that is hashed."""
    return frame.to_csv(index=False, lineterminator="\n")


def candidates_sha256(frame: pd.DataFrame) -> str:
    """SHA-256 of :func:`canonical_csv` (the audit's output hash of an analysis)."""
    return hashlib.sha256(canonical_csv(frame).encode()).hexdigest()


def store_analysis(
    project: Project, name: str, table: CandidateTable, spec: dict[str, Any]
) -> AnalysisRecord:
    """Store ``table`` under ``name`` with the analysis inputs ``spec``, atomically and audited.

    The Pareto columns are computed first when the table lacks them. Raises
    :class:`NameInUseError` when the name is taken. The candidates table, the catalog row and
    the audit entry (action ``"analysis"``) are written in one transaction.
    """
    _require_name(name)
    if "on_front" not in table.frame:
        table = table.with_front()
    frame = table.frame.reset_index(drop=True)
    inputs = json.loads(json.dumps(spec, default=_json_default))
    stored = _stored_spec(table, frame, inputs)
    spec_json = json.dumps(stored, default=_json_default)
    target = f"candidates_{uuid.uuid4().hex}"
    view = f"_ts_store_{uuid.uuid4().hex}"
    with project.transaction() as con:
        check_name_free(project, name)
        con.register(view, frame)
        try:
            con.execute(f"CREATE TABLE {CATALOG_SCHEMA}.{ident(target)} AS SELECT * FROM {ident(view)}")
        finally:
            con.unregister(view)
        con.execute(
            f"INSERT INTO {CATALOG_SCHEMA}.analyses VALUES (?, ?, ?, ?, ?)",
            [name, table.kind, spec_json, target, datetime.now(UTC)],
        )
        details = {
            "kind": table.kind,
            "rows": len(frame),
            "inputs": inputs,
            "objectives": stored["objectives"],
        }
        audit.record(con, action="analysis", subject=name, details=details, output_sha256=stored["sha256"])
    return get_analysis(project, name)


def _stored_spec(table: CandidateTable, frame: pd.DataFrame, inputs: dict[str, Any]) -> dict[str, Any]:
    """The spec JSON of an analysis: its inputs and what its candidates mean."""
    return {
        "inputs": inputs,
        "knobs": table.knobs,
        "metrics": table.metrics,
        "objectives": [str(objective) for objective in table.objectives],
        "notes": table.notes,
        "extras": table.extras.to_dict(),
        "dtypes": {column: str(dtype) for column, dtype in frame.dtypes.items()},
        "rows": len(frame),
        "front": int(frame["on_front"].sum()),
        "sha256": candidates_sha256(frame),
        "indicators": analysis_indicators(table, frame),
    }


def _require_name(name: str) -> None:
    if not name.strip():
        raise AnalysisError("An analysis name cannot be empty.")


def check_name_free(project: Project, name: str) -> None:
    """Raise :class:`NameInUseError` when an analysis is already called ``name`` (or it is blank)."""
    _require_name(name)
    row = project.con.execute(
        f"SELECT kind, created_at::VARCHAR FROM {CATALOG_SCHEMA}.analyses WHERE name = ?", [name]
    ).fetchone()
    if row is not None:
        raise NameInUseError(
            f"An analysis named '{name}' already exists ({row[0]}, created {row[1]}). "
            "Choose another name with --name."
        )


def unique_name(project: Project, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``… : the first name no analysis has."""
    taken = {
        str(row[0]) for row in project.con.execute(f"SELECT name FROM {CATALOG_SCHEMA}.analyses").fetchall()
    }
    name, counter = base, 1
    while name in taken:
        counter += 1
        name = f"{base}-{counter}"
    return name


_SELECT = f"SELECT name, kind, spec, candidates_table, created_at::VARCHAR FROM {CATALOG_SCHEMA}.analyses"


def list_analyses(project: Project) -> list[AnalysisRecord]:
    """Every stored analysis, oldest first."""
    rows = project.con.execute(f"{_SELECT} ORDER BY created_at, name").fetchall()
    return [AnalysisRecord(row[0], row[1], json.loads(row[2]), row[3], row[4]) for row in rows]


def get_analysis(project: Project, name: str) -> AnalysisRecord:
    """The catalog record of one analysis; :class:`NotFoundError` lists the analyses."""
    row = project.con.execute(f"{_SELECT} WHERE name = ?", [name]).fetchone()
    if row is None:
        names = ", ".join(record.name for record in list_analyses(project)) or "(none yet)"
        raise NotFoundError(f"The project has no analysis '{name}'. Its analyses: {names}.")
    return AnalysisRecord(row[0], row[1], json.loads(row[2]), row[3], row[4])


def load_analysis(project: Project, name: str) -> CandidateTable:
    """The candidates of analysis ``name``: the same frame, dtypes, knobs and objectives as stored."""
    record = get_analysis(project, name)
    frame = project.con.execute(f"SELECT * FROM {CATALOG_SCHEMA}.{ident(record.candidates_table)}").df()
    dtypes = record.spec["dtypes"]
    changed = {column: dtype for column, dtype in dtypes.items() if str(frame[column].dtype) != dtype}
    if changed:
        frame = frame.astype(changed)
    return CandidateTable(
        kind=record.kind,
        frame=frame,
        knobs=list(record.spec["knobs"]),
        metrics=list(record.spec["metrics"]),
        objectives=[Objective.parse(text) for text in record.spec["objectives"]],
        notes=dict(record.spec["notes"]),
        extras=record.extras,
    )


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and headers cannot start a spreadsheet formula.

    Any text beginning with ``= + - @``, a tab or a carriage return gets a leading apostrophe,
    which spreadsheets show as text. Numbers are left alone, so ``-0.5`` stays a number.
    """
    import pandas as pd

    def safe(value: object) -> object:
        if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
            return "'" + value
        return value

    result = frame.copy()
    for column in result.columns:
        if not pd.api.types.is_numeric_dtype(result[column]):
            result[column] = result[column].astype(object).map(safe)
    result.columns = [safe(str(column)) for column in result.columns]
    return result


def write_candidates(frame: pd.DataFrame, path: Path) -> str:
    """Write candidates to ``path`` (``.csv`` with formulas neutralised, or ``.json`` records).

    CSV follows RFC 4180 (CRLF line ends, so a cell holding a line break or CR is quoted).
    Floats keep full precision; NaN becomes an empty CSV cell or JSON ``null``, ±∞ the JSON strings
    ``"Infinity"``/``"-Infinity"`` (strict JSON has no infinity), dates and times ISO text in JSON.
    Returns the SHA-256 of the bytes.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        data = neutralise_formulas(frame).to_csv(index=False, lineterminator="\r\n").encode()
    elif suffix == ".json":
        records = json_ready(frame.astype(object).where(frame.notna(), None).to_dict(orient="records"))
        text = json.dumps(records, indent=1, ensure_ascii=False, default=_export_default, allow_nan=False)
        data = (text + "\n").encode()
    else:
        raise AnalysisError(f"Cannot export candidates to {path}: use a .csv or .json file name.")
    try:
        path.write_bytes(data)
    except OSError as error:
        raise AnalysisError(f"Could not write {path}: {error.strerror or error}") from None
    return hashlib.sha256(data).hexdigest()
