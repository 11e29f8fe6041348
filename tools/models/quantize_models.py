"""Post-training int8 quantization of every model: models/<name>/model-int8.xml + .bin (OpenVINO IR).

    python tools/models/quantize_models.py --models models --photos testdata/photos

Each model's ONNX file is read with OpenVINO and quantized with NNCF (`nncf.quantize`, no torch), calibrated
on Fashion-MNIST training items and real photos made into input tensors exactly as the Swift embedder makes
them (model_input.py). The int8 model has the same inputs and named outputs as the ONNX model (the head's
feature map, the feature layers and the logits), so the embedder reads it unchanged (`--precision int8`).

Idempotent: a model whose model-int8.xml and .bin exist and are newer than its model file, its manifest
and this script (with model_input.py) is skipped (--force redoes it).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from model_input import InputMaker, load_fashion_mnist  # noqa: E402

INT8_XML = "model-int8.xml"
# Calibration: this many Fashion-MNIST training items, evenly spaced over the 60,000 …
FASHION_ITEMS = 256
# … and each real photo whole, mirrored and as these regions (left, top, width, height).
PHOTO_REGIONS = ((0.0, 0.0, 0.6, 0.6), (0.4, 0.0, 0.6, 0.6), (0.0, 0.4, 0.6, 0.6), (0.4, 0.4, 0.6, 0.6),
                 (0.2, 0.2, 0.6, 0.6))
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")


def calibration_tensors(manifest: dict, photos: Path | None) -> list[np.ndarray]:
    """[1, 3, H, W] float32 inputs: Fashion-MNIST training items, then the photos and their variants."""
    maker = InputMaker(manifest)
    train = load_fashion_mnist("train")
    indices = np.linspace(0, len(train) - 1, FASHION_ITEMS).round().astype(int)
    pixels = [maker.grey_pixels(train[i]) for i in indices]
    files = sorted(p for p in photos.iterdir() if p.suffix.lower() in PHOTO_SUFFIXES) if photos else []
    for path in files:
        whole = maker.file_pixels(path)
        pixels += [whole, whole[:, ::-1]]
        pixels += [maker.file_pixels(path, region) for region in PHOTO_REGIONS]
    return [maker.tensor(p)[None] for p in pixels]


def ignored_scope(model, manifest: dict):
    """Layers kept in floating point: every convolution that reads a map of half the input's height or more
    (in EfficientNet-Lite, the stem, block 0 and block 1's expansion and depthwise convolution). Quantized,
    the stem and the first depthwise convolution shift the response to large flat areas (a catalog photo's
    plain background): the worst of 150 Fashion-MNIST items then keeps a cosine to its f32 vector of 0.965
    (0.90 for the head alone), and block 0's projection and block 1's depthwise convolution cost shopper
    photos 0.013 of exact-item R@10 (figures of the int8 models as made: docs/benchmarks.md, "Which precision?")."""
    import nncf

    height = int(manifest["input"]["height"])
    names = []
    for op in model.get_ordered_ops():
        if op.get_type_name() not in ("Convolution", "GroupConvolution"):
            continue
        shape = op.input(0).get_partial_shape()  # OpenVINO's convolutions read [N, C, H, W]
        if shape.rank.is_static and shape[2].is_static and 2 * shape[2].get_length() >= height:
            names.append(op.get_friendly_name())
    return nncf.IgnoredScope(names=names) if names else None


def quantize(model_dir: Path, photos: Path | None, force: bool) -> str:
    import nncf
    import openvino as ov
    from nncf.quantization.advanced_parameters import AdvancedQuantizationParameters, OverflowFix

    manifest = json.loads((model_dir / "manifest.json").read_text())
    source = model_dir / manifest["model"]
    xml = model_dir / INT8_XML
    bin_ = xml.with_suffix(".bin")
    inputs = [source, model_dir / "manifest.json", Path(__file__), HERE / "model_input.py"]
    newest_input = max(p.stat().st_mtime for p in inputs)
    if not force and xml.is_file() and bin_.is_file() and min(xml.stat().st_mtime, bin_.stat().st_mtime) > newest_input:
        return f"{model_dir.name}: {INT8_XML} is up to date"

    start = time.monotonic()
    # convert_model folds the ONNX importer's shape subgraphs into constants (a depthwise convolution's weights
    # reach it through a Reshape otherwise), so the CPU runs every quantized convolution in int8.
    model = ov.convert_model(str(source))
    data = calibration_tensors(manifest, photos)
    # Weights in 7 bits (overflow fix on every layer): a CPU without VNNI (AVX2) multiplies u8 × s8 pairs into
    # saturating 16-bit sums, which 8-bit weights overflow. With it, an AVX2 CPU computes what an AVX-512 one
    # does (photos under qemu's AVX2-only EPYC-Milan: worst head cosine to f32 0.9947, as here; 0.984 without).
    quantized = nncf.quantize(model, nncf.Dataset(data), preset=nncf.QuantizationPreset.PERFORMANCE,
                              subset_size=len(data), fast_bias_correction=True,
                              ignored_scope=ignored_scope(model, manifest),
                              advanced_parameters=AdvancedQuantizationParameters(overflow_fix=OverflowFix.ENABLE))
    wanted = {o.get_any_name() for o in model.outputs}
    have = {name for o in quantized.outputs for name in o.get_names()}
    if not wanted <= have:
        raise RuntimeError(f"{model_dir.name}: the quantized model lost outputs {sorted(wanted - have)}")
    # Written beside the model under temporary names, then renamed: an interrupted run leaves no half file.
    tmp_xml = xml.with_name(xml.stem + ".tmp.xml")
    ov.save_model(quantized, str(tmp_xml), compress_to_fp16=False)
    tmp_xml.with_suffix(".bin").replace(bin_)
    tmp_xml.replace(xml)
    return (f"{model_dir.name}: wrote {INT8_XML} ({bin_.stat().st_size / 1e6:.1f} MB of weights; calibrated on "
            f"{len(data)} images in {time.monotonic() - start:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", type=Path, required=True, help="folder of model folders (each with manifest.json)")
    parser.add_argument("--photos", type=Path, help="folder of real photos to calibrate on besides Fashion-MNIST")
    parser.add_argument("--only", help="comma-separated model folder names (default: every model)")
    parser.add_argument("--force", action="store_true", help="quantize even when the int8 model is up to date")
    args = parser.parse_args()
    dirs = sorted(p.parent for p in args.models.glob("*/manifest.json"))
    if args.only:
        names = set(args.only.split(","))
        dirs = [d for d in dirs if d.name in names]
    if not dirs:
        sys.exit(f"error: no models in {args.models}")
    photos = args.photos if args.photos and args.photos.is_dir() else None
    for model_dir in dirs:
        print("==> " + quantize(model_dir, photos, args.force), flush=True)


if __name__ == "__main__":
    main()
