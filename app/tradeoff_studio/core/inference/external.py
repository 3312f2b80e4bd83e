"""External data: copied into the model at ``models add`` from the model's own folder, never resolved later.

onnx and onnxruntime resolve a tensor's external-data ``location`` against a base folder, which
for a model given as bytes is the *current working directory*. So a model file's external data
is read here, by us, only from the model's own folder: absolute locations, ``..``, symbolic
links leading out of the folder, hard links, FIFOs and devices are refused. The tensors are then
inlined, and a stored model that still refers to external data is refused before any session
sees it (:func:`refuse_external_references`), so nothing is ever read relative to the cwd.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath, PureWindowsPath

import onnx
from onnx import external_data_helper

from ..errors import ModelError
from .files import MAX_MODEL_BYTES, check_size, describe_size, open_regular

_MOVE_HINT = "Keep the model's data files in the model's own folder (or a sub-folder) and refer to them by "
_MOVE_HINT += "relative paths, e.g. save with onnx.save_model(..., save_as_external_data=True)."


def all_graphs(model: onnx.ModelProto) -> list[onnx.GraphProto]:
    """The main graph and every subgraph (If/Loop/Scan bodies, also inside functions), without recursion."""
    graphs: list[onnx.GraphProto] = []
    pending = [model.graph]
    pending += [_function_graph(function) for function in model.functions]
    while pending:
        current = pending.pop()
        graphs.append(current)
        for node in current.node:
            for attribute in node.attribute:
                pending.extend([attribute.g] if attribute.HasField("g") else [])
                pending.extend(attribute.graphs)
    return graphs


def _function_graph(function: onnx.FunctionProto) -> onnx.GraphProto:
    graph = onnx.GraphProto()
    graph.node.extend(function.node)
    return graph


def all_tensors(model: onnx.ModelProto) -> list[onnx.TensorProto]:
    """Every tensor that may carry data: initializers, sparse parts and tensor-valued attributes."""
    tensors: list[onnx.TensorProto] = []
    for graph in all_graphs(model):
        tensors.extend(graph.initializer)
        for sparse in graph.sparse_initializer:
            tensors.extend([sparse.values, sparse.indices])
        for node in graph.node:
            for attribute in node.attribute:
                tensors.extend([attribute.t] if attribute.HasField("t") else [])
                tensors.extend(attribute.tensors)
                sparse_list = [attribute.sparse_tensor] if attribute.HasField("sparse_tensor") else []
                for sparse in [*sparse_list, *attribute.sparse_tensors]:
                    tensors.extend([sparse.values, sparse.indices])
    return tensors


def _external(tensor: onnx.TensorProto) -> bool:
    return external_data_helper.uses_external_data(tensor) or len(tensor.external_data) > 0


def has_external_data(model: onnx.ModelProto) -> bool:
    """Whether any tensor of the model refers to external data."""
    return any(_external(tensor) for tensor in all_tensors(model))


def refuse_external_references(model: onnx.ModelProto, label: str) -> None:
    """Refuse a stored model that still refers to external data (it would be read relative to the cwd)."""
    for tensor in all_tensors(model):
        if _external(tensor):
            location = _location(tensor)
            raise ModelError(
                f"{label} refers to an external data file {location!r} (tensor {tensor.name!r}), but a model "
                "stored in a project must hold all its data; onnxruntime would read that file relative to "
                "the folder you run from. Refused: the project was probably edited outside Tradeoff Studio. "
                "Remove the model and add it again from its .onnx file."
            )


def _location(tensor: onnx.TensorProto) -> str:
    return next((str(entry.value) for entry in tensor.external_data if entry.key == "location"), "")


def _info(tensor: onnx.TensorProto, path: Path) -> external_data_helper.ExternalDataInfo:
    """The tensor's external-data entries; offsets and lengths that are not integers are refused."""
    try:
        return external_data_helper.ExternalDataInfo(tensor)
    except (ValueError, TypeError):
        raise ModelError(
            f"{path} refers to external data {_location(tensor)!r} for tensor {tensor.name!r} with an offset "
            "or length that is not a whole number; refused as malformed. Save the model again with onnx."
        ) from None


def inline_external_data(model: onnx.ModelProto, path: Path) -> None:
    """Copy every external tensor's bytes into the model, reading only files inside ``path``'s folder."""
    folder = path.resolve().parent
    total = model.ByteSize()
    for tensor in all_tensors(model):
        if not _external(tensor):
            continue
        info = _info(tensor, path)
        target = _checked_location(info.location, folder, path)
        data = _read_slice(target, info, path, room=MAX_MODEL_BYTES - total)
        total += len(data)
        tensor.raw_data = data
        del tensor.external_data[:]
        tensor.data_location = onnx.TensorProto.DEFAULT
    check_size(path, model.ByteSize(), what="Model (with its external data)")


def _checked_location(location: str | bytes, folder: Path, path: Path) -> Path:
    """The file a relative location names inside ``folder``, or a ModelError saying why not."""
    refused = f"{path} refers to external data {location!r}"
    if not isinstance(location, str) or not location or "\x00" in location:
        raise ModelError(f"{refused}, which is not a file name. {_MOVE_HINT}")
    posix, windows = PurePosixPath(location), PureWindowsPath(location)
    if posix.is_absolute() or windows.is_absolute() or windows.drive or location.startswith(("/", "\\")):
        raise ModelError(f"{refused}: an absolute path, which is refused. {_MOVE_HINT}")
    if ".." in posix.parts or ".." in windows.parts:
        raise ModelError(f"{refused}, outside its own folder ('..' is refused). {_MOVE_HINT}")
    target = folder / posix
    try:
        resolved = target.resolve(strict=True)
    except FileNotFoundError:
        raise ModelError(f"{refused}, which does not exist in {folder}. {_MOVE_HINT}") from None
    except (OSError, RuntimeError) as error:  # a symbolic-link loop, a permission error
        raise ModelError(f"{refused}, which cannot be resolved: {error}. {_MOVE_HINT}") from None
    if not resolved.is_relative_to(folder):
        raise ModelError(
            f"{refused}, a symbolic link leading outside its own folder (to {resolved}); refused. "
            + _MOVE_HINT
        )
    return resolved


def _read_slice(target: Path, info: external_data_helper.ExternalDataInfo, path: Path, *, room: int) -> bytes:
    """The ``offset``/``length`` slice of a checked external-data file."""
    refused = f"{path} refers to external data {info.location!r}"
    try:
        descriptor, stats = open_regular(target, what=f"External data of {path}:")
    except ModelError as error:
        raise ModelError(f"{error} {_MOVE_HINT}") from None
    with os.fdopen(descriptor, "rb", buffering=0) as handle:
        if stats.st_nlink > 1:
            raise ModelError(
                f"{refused}, a hard link ({stats.st_nlink} names on disk), so its bytes may belong to a file "
                f"outside the model's folder; refused. Replace it with a plain copy (cp {info.location} "
                f"copy.bin && mv copy.bin {info.location}) and add the model again."
            )
        offset = int(info.offset or 0)
        length = stats.st_size - offset if info.length is None else int(info.length)
        if offset < 0 or length < 0 or offset + length > stats.st_size:
            raise ModelError(
                f"{refused} at bytes {offset:,}..{offset + length:,}, but the file holds "
                f"{describe_size(stats.st_size)}. The model and its data file do not belong together."
            )
        if length > room:
            raise ModelError(
                f"{path} with its external data holds more than {describe_size(MAX_MODEL_BYTES)}, the most "
                "one model may hold (the limit of one ONNX protobuf). Use a smaller model."
            )
        handle.seek(offset)
        data = handle.read(length)
    if len(data) != length:
        raise ModelError(f"{refused}, which changed while it was read. Add the model again.")
    return bytes(data)
