"""Checks the converted models against the numpy reference on real photos.

For each model directory: preprocesses photos the way the manifest says
(RGB, shorter side resized to the input size, centre crop, (x-127)/128),
runs the numpy reference (from checkpoint.pth) and the ONNX model through
OpenVINO f32 and onnxruntime, and checks top-1 classes and feature cosines.

    python tools/models/verify_models.py --models models --photos testdata/photos

Exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
import reference_forward  # noqa: E402

# Photo -> the ImageNet classes it must be predicted as (any one of them).
EXPECTED = {
    "chelsea.png": {285},          # Egyptian cat
    "coffee.png": {967},           # espresso
    "motorcycle_left.png": {665, 670},  # moped, motor scooter
}
MIN_COSINE = 0.99999
MIN_COSINE_BF16 = 0.99  # only a sanity bound: bf16 keeps 8 bits of mantissa


def preprocess(path: Path, size: int) -> np.ndarray:
    """RGB, resize the shorter side to ``size``, centre crop, (x-127)/128 -> [3,size,size]."""
    with Image.open(path) as img:
        img = img.convert("RGB")
        scale = size / min(img.size)
        w, h = (max(size, round(d * scale)) for d in img.size)
        img = img.resize((w, h), Image.Resampling.BICUBIC)
        left, top = (w - size) // 2, (h - size) // 2
        img = img.crop((left, top, left + size, top + size))
        pixels = np.asarray(img, dtype=np.float32)
    return ((pixels - 127.0) / 128.0).transpose(2, 0, 1)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.ravel().astype(np.float64), b.ravel().astype(np.float64)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def run_openvino(model: Path, x: np.ndarray, precision: str) -> tuple[np.ndarray, np.ndarray]:
    import openvino as ov

    core = ov.Core()
    compiled = core.compile_model(core.read_model(str(model)), "CPU",
                                  {"INFERENCE_PRECISION_HINT": precision})
    result = compiled(x)
    return result[compiled.output("features")], result[compiled.output("logits")]


def run_onnxruntime(model: Path, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    import onnxruntime as ort

    session = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    features, logits = session.run(["features", "logits"], {"input": x})
    return features, logits


def verify(model_dir: Path, photos: Path) -> bool:
    manifest = json.loads((model_dir / "manifest.json").read_text())
    labels = (model_dir / manifest["labels"]).read_text().splitlines()
    size = manifest["input"]["width"]
    names = [n for n in EXPECTED if (photos / n).is_file()]
    if not names:
        print(f"{model_dir.name}: no photos in {photos}")
        return False
    x = np.stack([preprocess(photos / n, size) for n in names]).astype(np.float32)

    variant = manifest["name"].removeprefix("efficientnet-")
    ref_features, ref_logits, _ = reference_forward.run(model_dir / "checkpoint.pth", variant, x)
    ok = True
    for name, top in zip(names, ref_logits.argmax(axis=1), strict=True):
        good = int(top) in EXPECTED[name]
        ok &= good
        print(f"{model_dir.name}: {name}: reference top-1 {top} {labels[top]!r} "
              f"{'ok' if good else 'WRONG'}")
    # (runtime, how to run it, minimum cosine); bf16 is reported, with a loose bound.
    runtimes = (
        ("openvino-f32", lambda m, v: run_openvino(m, v, "f32"), MIN_COSINE),
        ("onnxruntime", run_onnxruntime, MIN_COSINE),
        ("openvino-bf16", lambda m, v: run_openvino(m, v, "bf16"), MIN_COSINE_BF16),
    )
    for runtime, run, min_cosine in runtimes:
        features, logits = run(model_dir / manifest["model"], x)
        for i, name in enumerate(names):
            map_cos = cosine(features[i], ref_features[i])
            pooled_cos = cosine(features[i].mean(axis=(1, 2)), ref_features[i].mean(axis=(1, 2)))
            same_top = logits[i].argmax() == ref_logits[i].argmax()
            good = map_cos >= min_cosine and pooled_cos >= min_cosine and same_top
            ok &= good
            print(f"{model_dir.name}: {name}: {runtime} 1-cosine feature map {1 - map_cos:.1e}, "
                  f"pooled {1 - pooled_cos:.1e}, max |logit diff| "
                  f"{np.abs(logits[i] - ref_logits[i]).max():.2e} {'ok' if good else 'FAILED'}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", type=Path, required=True, help="directory of model dirs")
    parser.add_argument("--photos", type=Path, required=True, help="from fetch_photos.sh")
    args = parser.parse_args()
    dirs = sorted(p.parent for p in args.models.glob("efficientnet-*/manifest.json"))
    if not dirs:
        sys.exit(f"error: no efficientnet-* models in {args.models}")
    results = [verify(d, args.photos) for d in dirs]
    print("all checks passed" if all(results) else "SOME CHECKS FAILED")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
