"""The int8 models against the float model, in Python: vector agreement and model-alone speed.

    python bench/quantized_models.py --model-dir models/efficientnet-lite0 [--photos testdata/photos]
        [--shopper artifacts/shopper/photos] [--fashion 300] [--seconds 60] [--batches 1,16] [--no-speed]
        [--profile]

Agreement: each image (the photos, Fashion-MNIST test items evenly spaced, shopper photos) is made into the
model's input as the Swift embedder makes it (tools/models/model_input.py) and run through the ONNX model in
OpenVINO at INFERENCE_PRECISION_HINT f32 (the reference) and bf16, and through model-int8.xml as the embedder
runs it (its unquantized layers in bf16 where the CPU has it, else f32) and with those layers in f32
(`int8-f32`). The vectors are the embedder's: GeM (p = 3) of the head, and of
the head with the manifest's feature layers (each part L2-normalised, then the whole). Prints, per set and
precision, the min, 1st percentile and median cosine to the f32 vector, and whether the top-1 class agrees.

Profile (--profile, nothing else): each precision's time per layer type and the precision the layer ran in,
from OpenVINO's per-layer counters at batch 16.

Speed: the same compiled models on a fixed input of batch 1 and 16 (CPU, PERFORMANCE_HINT LATENCY, all
threads, as the embedder compiles them; every output read), one call of each precision in turn in a random
order, for --seconds per batch size; prints the median ms per call, images/s and the ratios to f32 and bf16.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import openvino as ov

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools" / "models"))
from model_input import InputMaker, load_fashion_mnist  # noqa: E402

# name -> (model file, INFERENCE_PRECISION_HINT; None: bf16 where the CPU has it, else f32, as the embedder
# compiles the int8 model)
VARIANTS = {
    "f32": ("onnx", "f32"),
    "bf16": ("onnx", "bf16"),
    "int8": ("int8", None),
    "int8-f32": ("int8", "f32"),
}


def compile_variants(core: ov.Core, model_dir: Path, manifest: dict, names: list[str], extra: dict | None = None) -> dict:
    paths = {"onnx": model_dir / manifest["model"], "int8": model_dir / "model-int8.xml"}
    compiled = {}
    native_bf16 = "BF16" in core.get_property("CPU", "OPTIMIZATION_CAPABILITIES")
    for name in names:
        kind, hint = VARIANTS[name]
        hint = hint or ("bf16" if native_bf16 else "f32")
        if not paths[kind].is_file():
            sys.exit(f"error: {paths[kind]} not found (run scripts/setup.sh)")
        compiled[name] = core.compile_model(core.read_model(str(paths[kind])), "CPU",
                                            {"INFERENCE_PRECISION_HINT": hint, "PERFORMANCE_HINT": "LATENCY", **(extra or {})})
    return compiled


def gem(fm: np.ndarray, p: float = 3.0) -> np.ndarray:
    """[N, C, H, W] -> [N, C] as Pooling.swift's gem."""
    return np.power(np.mean(np.power(np.maximum(fm.astype(np.float64), 1e-6), p), axis=(2, 3)), 1.0 / p)


def l2n(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def vectors(model, manifest: dict, x: np.ndarray, batch: int = 16) -> dict:
    """{'head': [N, D], 'layers': [N, D + layers], 'top1': [N]} of input tensors x."""
    layers = [layer["name"] for layer in manifest.get("featureLayers") or []]
    parts = {"head": [], "layers": [], "top1": []}
    for start in range(0, len(x), batch):
        out = model(x[start:start + batch])
        head = l2n(gem(out[model.output(manifest["featureOutput"])]))
        pieces = [head] + [l2n(gem(out[model.output(name)])) for name in layers]
        parts["head"].append(head)
        parts["layers"].append(l2n(np.concatenate(pieces, axis=1)))
        if manifest.get("logitsOutput"):
            parts["top1"].append(out[model.output(manifest["logitsOutput"])].argmax(axis=1))
    return {k: np.concatenate(v) for k, v in parts.items() if v}


def image_sets(manifest: dict, args) -> dict:
    maker = InputMaker(manifest)
    sets = {}
    if args.photos and args.photos.is_dir():
        files = sorted(p for p in args.photos.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
        sets[f"photos ({len(files)})"] = [maker.tensor(maker.file_pixels(p)) for p in files]
    if args.fashion:
        test = load_fashion_mnist("test")
        idx = np.linspace(0, len(test) - 1, args.fashion).round().astype(int)
        sets[f"Fashion-MNIST test ({len(idx)})"] = [maker.tensor(maker.grey_pixels(test[i])) for i in idx]
    if args.shopper and args.shopper.is_dir():
        files = sorted(p for p in args.shopper.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
        files = files[:: max(1, len(files) // args.shopper_count)][: args.shopper_count]
        sets[f"shopper photos ({len(files)})"] = [maker.tensor(maker.file_pixels(p)) for p in files]
    return {name: np.stack(tensors) for name, tensors in sets.items()}


def agreement(compiled: dict, manifest: dict, sets: dict) -> None:
    print("set\tprecision\tvector\tmin cos\tp1 cos\tmedian cos\ttop-1 same")
    for set_name, x in sets.items():
        ref = vectors(compiled["f32"], manifest, x)
        for name, model in compiled.items():
            if name == "f32":
                continue
            got = vectors(model, manifest, x)
            for kind in ("head", "layers"):
                cos = np.sum(ref[kind] * got[kind], axis=1)
                same = f"{np.mean(ref['top1'] == got['top1']):.3f}" if "top1" in ref else "-"
                print(f"{set_name}\t{name}\t{kind}\t{cos.min():.4f}\t{np.percentile(cos, 1):.4f}\t"
                      f"{np.median(cos):.4f}\t{same}", flush=True)


def speed(compiled: dict, manifest: dict, batches: list[int], seconds: float) -> None:
    """Per batch size: every precision in turn, in a new random order each pass, for `seconds`; then the
    median per call (and the 10th and 90th percentiles) of each. Interleaving call by call gives every
    precision the same share of whatever else the machine runs."""
    i = manifest["input"]
    order = random.Random(1)
    print("precision\tbatch\tcalls\tms per batch (median)\tp10–p90 ms\timages/s\t× f32\t× bf16")
    for b in batches:
        shape = (b, 3, i["height"], i["width"]) if i.get("layout", "NCHW") == "NCHW" else (b, i["height"], i["width"], 3)
        x = np.random.default_rng(1234).uniform(-1.0, 1.0, shape).astype(np.float32)
        requests = {name: model.create_infer_request() for name, model in compiled.items()}
        for request in requests.values():
            for _ in range(3):
                request.infer(x)
        times = {name: [] for name in compiled}
        end = time.perf_counter() + seconds
        while time.perf_counter() < end or min(len(t) for t in times.values()) < 5:
            names = list(compiled)
            order.shuffle(names)
            for name in names:
                start = time.perf_counter()
                requests[name].infer(x)
                for k in range(len(compiled[name].outputs)):  # every output read, as the embedder reads them
                    requests[name].get_output_tensor(k).data.copy()
                times[name].append(time.perf_counter() - start)
        median = {name: statistics.median(t) * 1000 for name, t in times.items()}
        for name, t in times.items():
            p10, p90 = np.percentile(t, [10, 90]) * 1000
            ratios = [f"{median[ref] / median[name]:.2f}" if ref in median else "-" for ref in ("f32", "bf16")]
            print(f"{name}\t{b}\t{len(t)}\t{median[name]:.2f}\t{p10:.1f}–{p90:.1f}\t{b * 1000 / median[name]:.0f}\t"
                  + "\t".join(ratios), flush=True)


def profile(compiled: dict, manifest: dict, batch: int = 16, calls: int = 20) -> None:
    """Where each precision's time goes: OpenVINO's per-layer counters (compiled with PERF_COUNT) summed by
    layer type and the precision it ran in, over `calls` calls at `batch`."""
    import collections
    i = manifest["input"]
    x = np.random.default_rng(1234).uniform(-1.0, 1.0, (batch, 3, i["height"], i["width"])).astype(np.float32)
    for name, model in compiled.items():
        request = model.create_infer_request()
        for _ in range(3):
            request.infer(x)
        spent = collections.Counter()
        for _ in range(calls):
            request.infer(x)
            for layer in request.profiling_info:
                if layer.status == layer.Status.EXECUTED:
                    spent[(layer.node_type, layer.exec_type.split("_")[-1])] += layer.real_time.total_seconds() * 1000 / calls
        total = sum(spent.values())
        print(f"# {name}: {total:.1f} ms per batch of {batch} (layer times summed)")
        for (kind, ran_in), ms in spent.most_common(8):
            print(f"{name}\t{kind}\t{ran_in}\t{ms:.1f} ms\t{100 * ms / total:.1f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model-dir", type=Path, required=True)
    parser.add_argument("--photos", type=Path, default=ROOT / "testdata" / "photos")
    parser.add_argument("--shopper", type=Path, default=ROOT / "artifacts" / "shopper" / "photos")
    parser.add_argument("--shopper-count", type=int, default=200)
    parser.add_argument("--fashion", type=int, default=300, help="Fashion-MNIST test items (0: none)")
    parser.add_argument("--variants", default="f32,bf16,int8,int8-f32")
    parser.add_argument("--batches", default="1,16")
    parser.add_argument("--seconds", type=float, default=60.0, help="timed seconds per batch size (all precisions)")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--no-agreement", action="store_true")
    parser.add_argument("--profile", action="store_true", help="only: where the time goes, per layer type (batch 16)")
    args = parser.parse_args()
    manifest = json.loads((args.model_dir / "manifest.json").read_text())
    names = args.variants.split(",")
    if "f32" not in names:
        names.insert(0, "f32")
    compiled = compile_variants(ov.Core(), args.model_dir, manifest, names, {"PERF_COUNT": True} if args.profile else {})
    print(f"# {manifest['name']}, {ov.Core().get_property('CPU', 'FULL_DEVICE_NAME')}")
    if args.profile:
        profile(compiled, manifest)
        return
    if not args.no_agreement:
        agreement(compiled, manifest, image_sets(manifest, args))
    if not args.no_speed:
        speed(compiled, manifest, [int(b) for b in args.batches.split(",")], args.seconds)


if __name__ == "__main__":
    main()
