"""Scoring a project's registered ONNX model inside Ray Data's actors (``--model NAME``, issue #21).

The model's bytes are verified against their SHA-256 in the project (:func:`..inference.registry.
load_model`), its inputs mapped onto the dataset's columns by the same rules as ``score``
(:func:`..inference.mapping.map_inputs`), and the bytes shipped to the actors. Each actor holds one
session (one intra-op thread: Ray sizes the actor by its ``num_cpus``; research/scale_out.md pitfall
6), adds the score as column ``score_<model>`` to each batch and runs the block function on it, so
only count vectors leave the actor. The provider each actor actually used is reported (with the
actor's id); where the actors run (a GPU each, or half a CPU) is :mod:`.placement`'s decision.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..inference.mapping import InputMapping
from ..inference.outputs import OutputSpec
from .dataset import Dataset

if TYPE_CHECKING:
    from ..project import Project


@dataclass(frozen=True)
class Scoring:
    """One model to score with: its score column, verified session bytes, input mapping and output."""

    column: str
    model: str
    sha256: str
    data: bytes
    mapping: InputMapping
    output: OutputSpec
    provider: str = "auto"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready provenance (no bytes)."""
        return {"model": self.model, "sha256": self.sha256, "column": self.column,
                "output": self.output.describe(), "inputs": self.mapping.to_dict()["inputs"]}  # fmt: skip


def prepare_scoring(project: Project, model: str, dataset: Dataset, *, provider: str = "auto") -> Scoring:
    """The :class:`Scoring` of the registered ``model`` on ``dataset`` (NotFoundError / ModelError)."""
    from ..inference.mapping import map_inputs
    from ..inference.outputs import choose_output
    from ..inference.registry import load_model
    from ..inference.runner import session_bytes

    stored = load_model(project, model)
    output = choose_output(stored.manifest, None, None, model=stored.record.name)
    columns = column_types(dataset)
    mapping = map_inputs(stored.manifest, columns, model=stored.record.name, table=dataset.pattern)
    data = session_bytes(stored, output)
    return Scoring(f"score_{stored.record.name}", stored.record.name, stored.record.sha256, data, mapping,
                   output, provider)  # fmt: skip


def column_types(dataset: Dataset) -> list[tuple[str, str]]:
    """The dataset's (column, DuckDB type) pairs, read from the first file's schema."""
    import duckdb

    con = duckdb.connect()
    try:
        found = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [dataset.paths[0]]).fetchall()
    finally:
        con.close()
    return [(str(row[0]), str(row[1])) for row in found]


class ScoringUDF:
    """A Ray Data callable class: scores each batch with every :class:`Scoring`, then runs ``then``."""

    def __init__(
        self, scorings: tuple[Scoring, ...], then: Callable[..., Any], kwargs: dict[str, Any]
    ) -> None:
        from ..inference.providers import create_session

        self.scorings, self.then, self.kwargs = scorings, then, kwargs
        made = [create_session(s.data, s.provider, label=f"model '{s.model}'", threads=1) for s in scorings]
        self.sessions = [session for session, _ in made]
        self.providers = sorted({used for _, used in made})
        self.actor = _actor_id()

    def __call__(self, batch: Any) -> Any:
        """Score ``batch`` (a ``pyarrow.Table``), add the score columns, run the block function."""
        import pyarrow as pa

        for scoring, session in zip(self.scorings, self.sessions, strict=True):
            feeds = {
                binding.input_name: binding.tensor([batch[c].to_numpy() for c in binding.columns])
                for binding in scoring.mapping.bindings
            }
            values = np.asarray(session.run([scoring.output.fetched], feeds)[0])
            batch = batch.append_column(scoring.column, pa.array(scoring.output.select(values)))
        out = self.then(batch, **self.kwargs)
        used = f"{self.actor}={','.join(self.providers)}"
        return out.append_column("provider", pa.array([used] * out.num_rows))


def _actor_id() -> str:
    """The Ray actor this runs in (its id), or ``local`` outside an actor."""
    try:
        import ray

        return str(ray.get_runtime_context().get_actor_id() or "local")
    except Exception:  # not in a Ray worker
        return "local"
