"""Make the dynamic-INT8 variant of the sample MLP: ``credit_mlp_int8.onnx`` and its manifest.

Usage::

    python models/make_quantized.py [--source models/credit_mlp.onnx] [--data PATH] [--out-dir DIR]
                                    [--seed S]

onnxruntime's ``quantize_dynamic`` stores the weights of every MatMul as signed 8-bit integers
(one scale per tensor) and quantises the activations to 8 bits at run time
(``DynamicQuantizeLinear`` + ``MatMulInteger``, standard ONNX operators). Inputs, outputs and
metadata stay those of ``credit_mlp.onnx``, so the two models can be added to a project and
compared side by side (``analyze PROJECT model-variants``). The result is byte-for-byte the same on
every run with the same onnxruntime version. The manifest mirrors ``credit_mlp.manifest.json``:
the app's manifest of the file, its SHA-256 and size, the source model's ``training`` block with
the test metrics of the quantised model, and a ``quantization`` block.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
from pathlib import Path
from typing import Any

import onnx
import onnxruntime
from make_models import DEFAULT_DATA, DEFAULT_OUT_DIR, DEFAULT_SEED, load_demo, metrics, onnx_outputs
from onnxruntime.quantization import QuantType, quantize_dynamic

from tradeoff_studio.core.inference.manifest import LoadedModel, load_model_file

SOURCE_NAME = "credit_mlp"
VARIANT_SUFFIX = "_int8"
QUANTIZED_OPS = ["MatMul"]


def quantize(source: Path, target: Path) -> None:
    """Write the dynamic-INT8 quantisation of ``source`` to ``target``, renamed and re-described."""
    logging.getLogger().setLevel(logging.ERROR)  # quantize_dynamic advises pre-processing; not needed here
    with tempfile.TemporaryDirectory() as scratch:
        raw = Path(scratch) / "quantized.onnx"
        quantize_dynamic(
            source, raw, weight_type=QuantType.QInt8, per_channel=False, op_types_to_quantize=QUANTIZED_OPS
        )
        model = onnx.load(raw)
    original = onnx.load(source)
    props = {prop.key: prop.value for prop in original.metadata_props}
    props["description"] = (
        f"{props.get('description', SOURCE_NAME).removesuffix(' (demo model).')}; dynamic INT8 "
        "quantisation of the MatMul weights, activations quantised at run time (demo model)."
    )
    props["tradeoff_studio.variant_of"] = SOURCE_NAME
    onnx.helper.set_model_props(model, props)
    model.graph.name = target.stem
    onnx.checker.check_model(model)
    target.write_bytes(model.SerializeToString())


def manifest(loaded: LoadedModel, source: Path, data_path: Path, seed: int) -> dict[str, Any]:
    """The variant's manifest: file manifest, hash, size, training block with its test metrics."""
    data = load_demo(data_path, seed)
    source_bytes = source.read_bytes()
    _, float_probabilities = onnx_outputs(source_bytes, data.x_test, data.features)
    label, probabilities = onnx_outputs(loaded.data, data.x_test, data.features)
    difference = float(abs(probabilities - float_probabilities).max())
    source_manifest = json.loads(source.with_suffix(".manifest.json").read_text(encoding="utf-8"))
    training = dict(source_manifest["training"])
    del training["max_abs_diff_vs_sklearn"]  # replaced by the difference from the float model
    training |= metrics(data, label, probabilities)
    quantization = {
        "method": "onnxruntime.quantization.quantize_dynamic (dynamic INT8)",
        "weight_type": "QInt8 (signed 8-bit, one scale per tensor)",
        "activations": "uint8, quantised at run time by DynamicQuantizeLinear",
        "op_types_to_quantize": QUANTIZED_OPS,
        "onnxruntime_version": onnxruntime.__version__,
        "source": f"models/{source.name}",
        "source_sha256": source_manifest["sha256"],
        "max_abs_diff_vs_float_model": round(difference, 6),
    }
    return {
        **loaded.manifest.to_dict(),
        "sha256": loaded.sha256,
        "size_bytes": len(loaded.data),
        "training": training,
        "quantization": quantization,
    }


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_OUT_DIR / f"{SOURCE_NAME}.onnx")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="demo Parquet to evaluate on")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR, help="folder for model, manifest")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="split seed (as make_models.py)")
    args = parser.parse_args(argv)
    target = args.out_dir / f"{args.source.stem}{VARIANT_SUFFIX}.onnx"
    quantize(args.source, target)
    loaded = load_model_file(target)
    described = manifest(loaded, args.source, args.data, args.seed)
    target.with_suffix(".manifest.json").write_text(json.dumps(described, indent=2) + "\n", encoding="utf-8")
    training = described["training"]
    print(
        f"  {target.stem}: AUC {training['test_auc']:.4f}, accuracy {training['test_accuracy_at_0_5']:.4f}, "
        f"max |int8 - float| probability {described['quantization']['max_abs_diff_vs_float_model']:.2e}, "
        f"{len(loaded.data):,} bytes (source {args.source.stat().st_size:,})"
    )


if __name__ == "__main__":
    main()
