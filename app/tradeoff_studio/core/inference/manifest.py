"""Read an ONNX file into a validated model and describe it as a manifest.

Validation happens before anything runs: files that are not ONNX, operators from custom
domains (they need a native library we will not load), and external-data paths that leave
the model's folder are refused with a message that names the file. External data inside the
folder is inlined, so the project holds one self-contained model.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ModelError
from .files import MAX_MODEL_BYTES, read_regular_file

if TYPE_CHECKING:  # onnx (with ml_dtypes) costs seconds to import: only when a model is read
    import onnx

__all__ = ["MAX_MODEL_BYTES", "LoadedModel", "ModelManifest", "TensorSpec", "describe", "load_model_file"]

# Domains whose operators onnxruntime implements itself.
BUILTIN_DOMAINS = frozenset({"", "ai.onnx", "ai.onnx.ml", "com.microsoft", "ai.onnx.preview.training"})
MAX_SUBGRAPH_DEPTH = 16  # real models nest If/Loop bodies a few levels at most
MAX_DIMENSION = 2**31 - 1  # larger declared sizes cannot be fed from a table
_ZIPMAP_FIELDS = ("labels", "source")


@dataclass(frozen=True)
class TensorSpec:
    """One model input or output: name, ONNX type text, numpy dtype and shape."""

    name: str
    onnx_type: str
    dtype: str | None
    shape: list[int | str | None] | None
    labels: list[int | str] | None = None  # a ZipMap output: its class labels, in column order
    source: str | None = None  # a ZipMap output: the [N, classes] tensor it zips

    @property
    def rank(self) -> int | None:
        """Number of dimensions, or None when the model does not say."""
        return None if self.shape is None else len(self.shape)


@dataclass(frozen=True)
class ModelManifest:
    """What a model expects and produces, and who made it."""

    inputs: list[TensorSpec]
    outputs: list[TensorSpec]
    opsets: dict[str, int]
    ir_version: int
    producer_name: str
    producer_version: str
    graph_name: str
    node_count: int
    metadata: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (a spec's ZipMap fields only where they are set)."""
        data = asdict(self)
        for spec in [*data["inputs"], *data["outputs"]]:
            for key in _ZIPMAP_FIELDS:
                if spec[key] is None:
                    del spec[key]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelManifest:
        """Rebuild a manifest stored with :meth:`to_dict`."""
        known = {name for name in cls.__dataclass_fields__}
        fields = {key: value for key, value in data.items() if key in known}
        fields["inputs"] = [TensorSpec(**spec) for spec in data["inputs"]]
        fields["outputs"] = [TensorSpec(**spec) for spec in data["outputs"]]
        return cls(**fields)

    def input(self, name: str) -> TensorSpec:
        """The input called ``name``."""
        return next(spec for spec in self.inputs if spec.name == name)

    def output(self, name: str) -> TensorSpec:
        """The output called ``name``."""
        return next(spec for spec in self.outputs if spec.name == name)


@dataclass(frozen=True)
class LoadedModel:
    """A validated, self-contained model: its bytes, their SHA-256 and its manifest."""

    data: bytes
    sha256: str
    manifest: ModelManifest


def sha256_hex(data: bytes) -> str:
    """SHA-256 of ``data`` as lowercase hex."""
    return hashlib.sha256(data).hexdigest()


def load_model_file(path: Path) -> LoadedModel:
    """Read, validate and describe the ONNX file at ``path``.

    The file must be a regular file of at most :data:`MAX_MODEL_BYTES`; its external data is
    inlined from its own folder only (see :mod:`.external`). Raises :class:`ModelError` when the
    file is refused.
    """
    from .external import has_external_data, inline_external_data

    raw = read_regular_file(path, what="Model file")
    model = _parse(raw, path)
    _refuse_custom_domains(model, path)
    if has_external_data(model):
        inline_external_data(model, path)
        raw = model.SerializeToString()
    _check_model(model, path)
    return LoadedModel(data=raw, sha256=sha256_hex(raw), manifest=describe(model))


def parse_model_bytes(raw: bytes, source: str) -> onnx.ModelProto:
    """Parse stored model bytes (already validated when they were added)."""
    return _parse(raw, Path(source))


def _parse(raw: bytes, path: Path) -> onnx.ModelProto:
    import onnx
    from google.protobuf.message import DecodeError

    not_onnx = ModelError(
        f"{path} is not an ONNX model (it could not be read as an ONNX protobuf: not ONNX, "
        "truncated, corrupt or nested too deeply). "
        "Export the model to .onnx (e.g. with skl2onnx, torch.onnx or tf2onnx) and add that file."
    )
    if not raw:
        raise not_onnx
    model = onnx.ModelProto()
    try:
        model.ParseFromString(raw)
    except (DecodeError, ValueError, RuntimeError):
        raise not_onnx from None
    if not model.HasField("graph") or model.ir_version <= 0 or not model.graph.output:
        raise not_onnx
    return model


def _refuse_custom_domains(model: onnx.ModelProto, path: Path) -> None:
    from .external import all_graphs

    domains = {node.domain for graph in all_graphs(model) for node in graph.node}
    domains |= {opset.domain for opset in model.opset_import}
    custom = sorted(domain for domain in domains if domain not in BUILTIN_DOMAINS)
    if custom:
        raise ModelError(
            f"{path} uses operators from custom domain(s) {', '.join(custom)}, which need a "
            "native library that Tradeoff Studio does not load. Export the model with standard "
            "ONNX operators."
        )


def _check_model(model: onnx.ModelProto, path: Path) -> None:
    import onnx

    _check_nesting(model, path)
    _check_dimensions(model, path)
    try:
        onnx.checker.check_model(model)
    except (onnx.checker.ValidationError, ValueError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else "invalid graph"
        raise ModelError(f"{path} is not a valid ONNX model: {first_line}") from None


def _check_nesting(model: onnx.ModelProto, path: Path) -> None:
    """Refuse subgraphs nested deeper than any real model needs, before recursive checkers run."""
    pending = [(model.graph, 0)]
    while pending:
        graph, depth = pending.pop()
        if depth > MAX_SUBGRAPH_DEPTH:
            raise ModelError(
                f"{path} nests subgraphs more than {MAX_SUBGRAPH_DEPTH} levels deep; refused as malformed."
            )
        for node in graph.node:
            for attribute in node.attribute:
                children = [attribute.g] if attribute.HasField("g") else list(attribute.graphs)
                pending.extend((child, depth + 1) for child in children)


def _check_dimensions(model: onnx.ModelProto, path: Path) -> None:
    """Refuse negative or absurd declared dimensions on the model's inputs and outputs."""
    for value in [*model.graph.input, *model.graph.output]:
        if not value.type.HasField("tensor_type"):
            continue
        for dim in value.type.tensor_type.shape.dim:
            if dim.HasField("dim_value") and not 0 <= dim.dim_value <= MAX_DIMENSION:
                raise ModelError(
                    f"{path} declares {value.name!r} with a dimension of {dim.dim_value}, which no table "
                    "can feed or hold; refused as malformed. Re-export the model with real shapes."
                )


def describe(model: onnx.ModelProto) -> ModelManifest:
    """The manifest of a parsed model (text that is not valid UTF-8 is kept with backslash escapes)."""
    initializers = {text(tensor.name) for tensor in model.graph.initializer}
    from .zipmap import zipmap_sources

    zipmaps = zipmap_sources(model)
    return ModelManifest(
        inputs=[_spec(value, {}) for value in model.graph.input if text(value.name) not in initializers],
        outputs=[_spec(value, zipmaps) for value in model.graph.output],
        opsets={text(opset.domain) or "ai.onnx": int(opset.version) for opset in model.opset_import},
        ir_version=int(model.ir_version),
        producer_name=text(model.producer_name),
        producer_version=text(model.producer_version),
        graph_name=text(model.graph.name),
        node_count=len(model.graph.node),
        metadata={text(prop.key): text(prop.value) for prop in model.metadata_props},
    )


def text(value: str | bytes) -> str:
    """A protobuf string field as text: protobuf hands back ``bytes`` when the field is not valid UTF-8."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="backslashreplace")
    return value


def _spec(value: onnx.ValueInfoProto, zipmaps: dict[str, tuple[list[int | str], str]]) -> TensorSpec:
    name, type_proto = text(value.name), value.type
    if type_proto.HasField("tensor_type"):
        tensor = type_proto.tensor_type
        dtype = element_type(tensor.elem_type)
        shape = [_dim(dim) for dim in tensor.shape.dim] if tensor.HasField("shape") else None
        return TensorSpec(name, type_text(type_proto), dtype, shape)
    labels, source = zipmaps.get(name, (None, None))
    return TensorSpec(name, type_text(type_proto), None, None, labels=labels, source=source)


def _element_text(elem_type: int) -> str:
    dtype = element_type(elem_type)
    if dtype is None:
        return f"unknown element type {elem_type}"
    return "string" if dtype == "object" else dtype


def element_type(elem_type: int) -> str | None:
    """The numpy dtype name of an ONNX element type; None when unset or unknown to this onnx."""
    import onnx

    if not elem_type:
        return None
    try:
        return str(onnx.helper.tensor_dtype_to_np_dtype(elem_type).name)
    except (KeyError, ValueError, TypeError):
        return None


def _dim(dim: onnx.TensorShapeProto.Dimension) -> int | str | None:
    if dim.HasField("dim_value"):
        return int(dim.dim_value)
    return text(dim.dim_param) or None


def type_text(type_proto: onnx.TypeProto) -> str:
    """``seq(map(int64, tensor(float32)))``-style text for any ONNX type."""
    kind = type_proto.WhichOneof("value")
    if kind == "tensor_type":
        return f"tensor({_element_text(type_proto.tensor_type.elem_type)})"
    if kind == "sequence_type":
        return f"seq({type_text(type_proto.sequence_type.elem_type)})"
    if kind == "map_type":
        key = _element_text(type_proto.map_type.key_type)
        return f"map({key}, {type_text(type_proto.map_type.value_type)})"
    return kind or "unknown"
