"""ONNX policies and reward models for ``ope-estimate``, run through the project's ONNX runner parts.

A policy maps context columns to action probabilities: an output of shape ``[N, n_actions]``
(the same distribution at every position) or ``[N, n_actions, n_positions]`` (one per position).
A reward model has the same shapes and gives q̂(x, a[, position]). Models are loaded and checked
against their stored SHA-256 (:func:`~..inference.registry.load_model`), inputs are mapped like
``score`` maps them (``--map``), sessions run on the chosen provider (GPU when present), and a
running batch is abandoned on Cancel (``RunOptions.terminate``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ...errors import CancelledError, ModelError
from ...inference.mapping import InputMapping, Overrides, describe_spec, map_inputs
from ...inference.providers import create_session
from ...inference.registry import load_model
from ...jobs import CancelToken
from ...project import Project

if TYPE_CHECKING:
    from ...inference.batches import Batch

_FLOATS = frozenset({"float16", "float32", "float64"})
CHECK_ROWS = 1_024


@dataclass
class DistributionModel:
    """A loaded policy (or reward model) and where its inputs sit in each streamed batch."""

    name: str
    session: Any
    mapping: InputMapping
    output: str
    provider: str
    positions: list[list[int]] = field(default_factory=list)
    run_options: Any = None

    def run(self, batch: Batch, position: np.ndarray | None, rows: str, cancel: CancelToken) -> np.ndarray:
        """The ``[B, n_actions]`` output for one batch (a per-position output taken at ``position``)."""
        feeds = {
            binding.input_name: binding.tensor([batch.column(i) for i in where])
            for binding, where in zip(self.mapping.bindings, self.positions, strict=True)
        }
        try:
            values = np.asarray(self.session.run([self.output], feeds, self.run_options)[0])
        except Exception as error:  # onnxruntime's pybind errors share no base below Exception
            if cancel.cancelled:
                raise CancelledError() from None
            text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise ModelError(f"Model '{self.name}' failed on {rows}: {text}. Nothing was written.") from None
        if values.dtype not in (np.float32, np.float64):  # float16: compute in float32
            values = values.astype(np.float32)
        return self._per_row(values, position, batch.num_rows, rows)

    def _per_row(self, values: np.ndarray, position: np.ndarray | None, count: int, rows: str) -> np.ndarray:
        if values.ndim not in (2, 3) or values.shape[0] != count:
            raise ModelError(
                f"Model '{self.name}' returned {self.output} with shape {list(values.shape)} for "
                f"{count:,} {rows}; a policy gives [N, n_actions] or [N, n_actions, n_positions]."
            )
        if values.ndim == 2:
            return values
        if position is None:
            raise ModelError(
                f"Model '{self.name}' gives one distribution per position ({list(values.shape)}); name the "
                "position column with --position."
            )
        if position.size and (position.min() < 0 or position.max() >= values.shape[2]):
            raise ModelError(
                f"The position column holds {int(position.max())} on {rows}, but model '{self.name}' has "
                f"{values.shape[2]} positions (0 to {values.shape[2] - 1})."
            )
        return values[np.arange(count), :, position]


def load_distribution_model(
    project: Project,
    model: str,
    *,
    table: str,
    columns: list[tuple[str, str]],
    overrides: Overrides | None,
    provider: str,
) -> DistributionModel:
    """Load ``model``, map its inputs to ``table``'s columns and open a session on ``provider``."""
    import onnxruntime as ort

    stored = load_model(project, model)
    manifest = stored.manifest
    mapping = map_inputs(manifest, columns, model=model, table=table, overrides=overrides)
    shaped = [spec for spec in manifest.outputs if spec.dtype in _FLOATS and spec.rank in (2, 3)]
    if not shaped:
        listed = "; ".join(f"{spec.name}: {describe_spec(spec)}" for spec in manifest.outputs)
        raise ModelError(
            f"Model '{model}' has no float output of shape [N, n_actions] or [N, n_actions, n_positions] "
            f"to read action probabilities (or expected rewards) from. Its outputs: {listed}."
        )
    session, used = create_session(stored.data, provider, label=f"model '{model}'")
    return DistributionModel(model, session, mapping, shaped[0].name, used, run_options=ort.RunOptions())


def place_inputs(models: list[DistributionModel], first: int) -> list[tuple[str, str]]:
    """Give every model the batch positions of its input columns (columns start at index ``first``);
    returns the ``(column, DuckDB type)`` pairs to select, in order."""
    positions: dict[tuple[str, str], int] = {}
    for model in models:
        model.positions = []
        for binding in model.mapping.bindings:
            keys = [(column, binding.sql_type) for column in binding.columns]
            for key in keys:
                positions.setdefault(key, first + len(positions))
            model.positions.append([positions[key] for key in keys])
    return list(positions)


def check_distribution(model: str, probabilities: np.ndarray, rows: str) -> None:
    """Refuse a policy output that is not a probability distribution over the actions (each row sums
    to 1, no negative entry), checked on the batch's first :data:`CHECK_ROWS` rows: a model that
    returns scores instead of probabilities does so on every row, and checking all of them would
    double the cost of the hot loop on large logs."""
    sample = probabilities[:CHECK_ROWS]
    sums = sample.sum(axis=1)
    bad = np.flatnonzero((np.abs(sums - 1.0) > 1e-3) | (sample.min(axis=1) < -1e-9))
    if bad.size:
        raise ModelError(
            f"Model '{model}' does not give action probabilities on {rows}: a row sums to {sums[bad[0]]:.4g} "
            "(each row must sum to 1, with no negative entries). Export the policy's softmax (or its action "
            "distribution), not scores."
        )
