"""Can this model score a table at all? Checked at ``models add``: a model that never could is refused.

Refused: inputs that no table column can feed (element types without a column type, maps,
sequences, rank above 2, a fixed batch size), models with no output that could become a score,
and models the installed onnxruntime cannot load (an opset beyond the one it supports, an
operator it lacks), found by creating a CPU session. What only needs an option at ``score``
time (``--map``, ``--model-output``, ``--class-label``) is a warning, see :func:`scoring_warnings`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ModelError
from .mapping import FEATURE_COLUMNS_KEYS, SQL_TYPES, layout_problem, metadata_columns
from .outputs import choose_output, describe_spec

if TYPE_CHECKING:
    from .manifest import LoadedModel, ModelManifest, TensorSpec

_NUMERIC = frozenset(SQL_TYPES) - {"object"}
_FLOATS = frozenset({"float16", "float32", "float64"})
_OPSET_LIMIT = re.compile(r"support for domain (\S+) is till opset (\d+)")
_OPSET_GIVEN = re.compile(r"Opset (\d+)")


def check_scorable(loaded: LoadedModel, path: Path) -> None:
    """Refuse, naming ``path``, a model whose inputs or outputs no table can score or that
    onnxruntime cannot load here."""
    manifest = loaded.manifest
    problems = [f"input '{spec.name}' ({describe_spec(spec)}): {text}" for spec in manifest.inputs
                if (text := _input_problem(spec))]  # fmt: skip
    if not any(_usable_output(spec) for spec in manifest.outputs):
        listed = "; ".join(f"'{spec.name}': {describe_spec(spec)}" for spec in manifest.outputs)
        problems.append(
            "no output can become a score (a numeric [N] or [N, k] tensor, a ZipMap, or a float "
            f"[N, actions, positions] policy output): {listed}"
        )
    if problems:
        raise ModelError(
            f"{path} cannot score a table, so it was not added:\n"
            + "\n".join(f"  - {problem}" for problem in problems)
            + "\nRe-export the model with numeric or string inputs of shape [N], [N, 1] or [N, k] "
            "(first axis dynamic) and a probability or score output."
        )
    _check_runtime(loaded.data, manifest, path)


def _input_problem(spec: TensorSpec) -> str | None:
    if spec.dtype is None or spec.dtype not in SQL_TYPES:
        return "no table column can feed this type"
    return layout_problem(spec)


def _usable_output(spec: TensorSpec) -> bool:
    if spec.source is not None:
        return True
    shape_ok = spec.shape is None or len(spec.shape) in (1, 2)
    per_position = spec.shape is not None and len(spec.shape) == 3 and spec.dtype in _FLOATS
    return (spec.dtype in _NUMERIC and shape_ok) or per_position  # [N, actions, positions]: ope-estimate


def _check_runtime(data: bytes, manifest: ModelManifest, path: Path) -> None:
    """Create a CPU session once: what onnxruntime refuses now, it would refuse at every score."""
    from .providers import create_session

    try:
        create_session(data, "cpu", label=str(path))
    except ModelError as error:
        text = str(error)
        limit, given = _OPSET_LIMIT.search(text), _OPSET_GIVEN.search(text)
        if limit is None:
            raise ModelError(f"{text}. The model was not added.") from None
        import onnxruntime

        domain, supported = limit.group(1), int(limit.group(2))
        used = given.group(1) if given else str(manifest.opsets.get(domain, "?"))
        raise ModelError(
            f"{path} uses opset {used} of {domain}, but the installed onnxruntime {onnxruntime.__version__} "
            f"supports opsets up to {supported}. The model was not added. Re-export it with "
            f"target_opset={supported} or lower (or upgrade onnxruntime)."
        ) from None


def scoring_warnings(manifest: ModelManifest, name: str) -> list[str]:
    """What ``score`` will need to be told for this model: an input's columns, the output or class."""
    warnings = []
    for spec in manifest.inputs:
        if layout_problem(spec) is None and _is_matrix(spec) and metadata_columns(manifest)[0] is None:
            width = spec.shape[1] if spec.shape and isinstance(spec.shape[1], int) else "k"
            warnings.append(
                f"input '{spec.name}' takes {width} columns at once and the model's metadata does not name "
                f"them ({', '.join(FEATURE_COLUMNS_KEYS)}): score with --map {spec.name}=COL1,COL2,..."
            )
    try:
        choose_output(manifest, model=name)
    except ModelError as error:
        warnings.append(f"no default score output: {error}")
    return warnings


def _is_matrix(spec: TensorSpec) -> bool:
    return spec.shape is not None and len(spec.shape) == 2 and spec.shape[1] != 1
